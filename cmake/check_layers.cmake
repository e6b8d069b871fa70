# Refuses a build in which a module reaches up: each module of src/ may
# include its own headers and those of the layers below it, never one of its
# own layer or above. A public header (include/convsent/) belongs to the
# module named for it below. The build runs this before compiling anything
# (CMakeLists.txt, target convsent_layers); HACKING.md explains the layers.
#
# Usage: cmake -DROOT=<source folder> -P cmake/check_layers.cmake

include(${CMAKE_CURRENT_LIST_DIR}/layers.cmake)

if(NOT ROOT)
  message(FATAL_ERROR "usage: cmake -DROOT=<source folder> -P check_layers.cmake")
endif()
# Each "key=value" of `pairs` becomes the variable <prefix>_<key>.
macro(read_pairs prefix pairs)
  foreach(pair IN LISTS ${pairs})
    string(REPLACE "=" ";" kv "${pair}")
    list(GET kv 0 key)
    list(GET kv 1 value)
    set(${prefix}_${key} ${value})
  endforeach()
endmacro()
read_pairs(layer CONVSENT_LAYERS)
read_pairs(owner CONVSENT_HEADER_OWNERS)

file(GLOB_RECURSE files RELATIVE ${ROOT} ${ROOT}/src/*.cc ${ROOT}/src/*.h ${ROOT}/include/convsent/*.h)
list(SORT files)
set(errors "")
foreach(file IN LISTS files)
  if(file MATCHES "^include/convsent/(.+)$")
    set(module "${owner_${CMAKE_MATCH_1}}")
    if(module STREQUAL "")
      string(APPEND errors "  ${file}: a public header with no owner: add it to CONVSENT_HEADER_OWNERS\n")
      continue()
    endif()
  elseif(file MATCHES "^src/([^/]+)/")
    set(module ${CMAKE_MATCH_1})
  else()
    set(module status)  # src/status.cc
  endif()
  if(NOT DEFINED layer_${module})
    string(APPEND errors "  ${file}: module ${module} is in no layer: add it to CONVSENT_LAYERS\n")
    continue()
  endif()
  file(STRINGS ${ROOT}/${file} includes REGEX "^#include \"[^\"]+\"")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^#include \"([^\"]+)\".*$" "\\1" included "${line}")
    if(included MATCHES "^convsent/(.+)$")
      set(target "${owner_${CMAKE_MATCH_1}}")
    elseif(included MATCHES "^([^/]+)/")
      set(target ${CMAKE_MATCH_1})
    else()
      continue()  # a header beside the file
    endif()
    if(target STREQUAL module)
      continue()
    endif()
    if(target STREQUAL "" OR NOT DEFINED layer_${target})
      string(APPEND errors "  ${file}: includes ${included}, of no known module\n")
    elseif(NOT layer_${target} LESS layer_${module})
      string(APPEND errors "  ${file}: includes ${included}: ${module} (layer ${layer_${module}}) may not depend on "
                           "${target} (layer ${layer_${target}})\n")
    endif()
  endforeach()
endforeach()
if(errors)
  message(FATAL_ERROR "A module reaches up or sideways (cmake/check_layers.cmake):\n${errors}")
endif()
