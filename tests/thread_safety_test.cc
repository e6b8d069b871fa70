// The mutex annotations (src/util/mutex.h) checked by clang's
// -Wthread-safety, whichever compiler builds the rest: the files whose
// members are GUARDED_BY pass, and a read without the mutex is refused.
#include <gtest/gtest.h>

#include "test_util.h"

namespace convsent {
namespace {

using testing::RunCommand;
using testing::SourceDir;

testing::CommandResult Analyse(const std::string& file) {
  const std::string root = SourceDir();
  return RunCommand(std::string(CONVSENT_CLANGXX) + " -std=c++20 -fsyntax-only -Wthread-safety -Werror -I" + root +
                    "/include -I" + root + "/src -DCPPHTTPLIB_OPENSSL_SUPPORT " + file + " 2>&1");
}

TEST(ThreadSafety, TheAnnotatedFilesPassAndAnUnlockedReadIsRefused) {
  if (std::string(CONVSENT_CLANGXX).empty()) GTEST_SKIP() << "clang++ not found: the analysis needs it";
  for (const char* file : {"src/store/writer.cc", "src/server/queue.cc", "src/ingest/ingest.cc", "src/server/metrics.cc",
                           "src/server/routes.cc", "src/server/notify.cc", "src/server/server.cc"}) {
    const auto r = Analyse(SourceDir() + "/" + file);
    EXPECT_EQ(r.exit_code, 0) << file << "\n" << r.out;
  }
  testing::TempDir dir;
  const std::string bad = dir.Write("bad.cc", R"(#include "util/mutex.h"
struct Counter {
  convsent::Mutex mu_;
  int n_ GUARDED_BY(mu_) = 0;
  int Read() { return n_; }
  int ReadLocked() { convsent::MutexLock lock(mu_); return n_; }
};
)");
  const auto r = Analyse(bad);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("reading variable 'n_' requires holding mutex 'mu_'"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("ReadLocked"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace convsent
