// The build's layer check (cmake/check_layers.cmake) on small trees: a
// module reaching up or sideways is refused with the file and the layers
// named, and the real source tree passes.
#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"

namespace convsent {
namespace {

using testing::RunCommand;
using testing::SourceDir;
using testing::TempDir;

// Writes `files` (path, first line) under a fresh tree and runs the check.
testing::CommandResult Check(const std::vector<std::pair<std::string, std::string>>& files, const TempDir& dir) {
  for (const auto& [path, line] : files) {
    std::filesystem::create_directories(std::filesystem::path(dir.path() + "/" + path).parent_path());
    dir.Write(path, line + "\nint x;\n");
  }
  return RunCommand(std::string(CONVSENT_CMAKE) + " -DROOT=" + dir.path() + " -P " + SourceDir() +
                    "/cmake/check_layers.cmake 2>&1");
}

TEST(Layers, AModuleReachingUpIsRefused) {
  TempDir dir;
  const auto r = Check({{"src/text/tokenizer.cc", "#include \"convsent/store.h\""},
                        {"src/report/report.cc", "#include \"labels/import.h\""},
                        {"src/store/store.cc", "#include \"server/bodies.h\""}},
                       dir);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(
      r.out.find("src/text/tokenizer.cc: includes convsent/store.h: text (layer 1) may not depend on store (layer 5)"),
      std::string::npos)
      << r.out;
  EXPECT_NE(
      r.out.find("src/report/report.cc: includes labels/import.h: report (layer 6) may not depend on labels (layer 6)"),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("src/store/store.cc: includes server/bodies.h"), std::string::npos) << r.out;
}

TEST(Layers, IncludesDownwardAndOwnArePassed) {
  TempDir dir;
  const auto r = Check({{"src/store/sqlite/labels.cc", "#include \"store/codec.h\""},
                        {"src/store/store.cc", "#include \"convsent/text.h\""},
                        {"src/server/server.cc", "#include \"util/json_depth.h\""},
                        {"src/tree/tree.cc", "#include \"convsent/report.h\""},
                        {"src/model/scorer.cc", "#include \"features.h\""}},
                       dir);
  EXPECT_EQ(r.exit_code, 0) << r.out;
}

TEST(Layers, ANewModuleOrHeaderMustBePlaced) {
  TempDir dir;
  const auto r = Check({{"src/discovery/topics.cc", "#include \"convsent/text.h\""},
                        {"include/convsent/discovery.h", "#include \"convsent/store.h\""}},
                       dir);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("src/discovery/topics.cc: module discovery is in no layer"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("include/convsent/discovery.h: a public header with no owner"), std::string::npos) << r.out;
}

TEST(Layers, TheSourceTreePasses) {
  const auto r = RunCommand(std::string(CONVSENT_CMAKE) + " -DROOT=" + SourceDir() + " -P " + SourceDir() +
                            "/cmake/check_layers.cmake 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.out;
}

}  // namespace
}  // namespace convsent
