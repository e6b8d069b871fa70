# Refuses a build in which a module reaches up: each module of src/ may
# include its own headers and those of the layers below it, never one of its
# own layer or above. A public header (include/convsent/) belongs to the
# module named for it below. The build runs this before compiling anything
# (CMakeLists.txt, target convsent_layers); HACKING.md explains the layers.
#
# Usage: cmake -DROOT=<source folder> -P cmake/check_layers.cmake

# Lowest first. A new module gets a line here, or the check names it.
set(CONVSENT_LAYERS
    status=0 util=0  # Status and Result; JSON depth, line and CSV readers, HTML escaping
    text=1           # tokens, cues, redaction
    model=2          # features, lexicon, model file, scorer
    io=3 conversation=3         # score JSON; conversations and their rollup
    eval=4 import=4 sample=4    # messages and tone against people's labels; help-desk formats; the generator
    train=5 store=5             # training and adaptation; the store and its record families, both backends
    ingest=6 labels=6 report=6 review=6 net=6  # what reads and writes the store
    tree=7 sync=7    # the metric tree, over the report; help-desk APIs into the store
    discover=8       # emerging issues and drill-down, told apart from the tree's drivers
    server=9)        # HTTP
set(CONVSENT_HEADER_OWNERS
    status.h=status text.h=text language.h=text redact.h=text model.h=model scorer.h=model
    eval.h=eval score_format.h=io batch_score.h=io conversation.h=conversation rollup.h=conversation detectors.h=conversation
    train.h=train train_langid.h=train adapt.h=train langid.h=model import.h=import generator.h=sample
    store.h=store stored_conversations.h=store checkpoints.h=store announcements.h=store labels.h=store review_queue.h=store webhook_deliveries.h=store api_keys.h=store
    alerts.h=store backlog.h=store discovered_issues.h=store interventions.h=store live_log.h=store sync_cursors.h=store write_backs.h=store
    ingest.h=ingest label_import.h=labels tone_fit.h=labels audit_sample.h=labels estimate.h=report report.h=report stats.h=report
    webhook.h=net http_client.h=net sync.h=sync hooks.h=sync tree.h=tree discover.h=discover server.h=server)

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
