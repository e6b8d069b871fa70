// convsent sync end to end against the loopback replay of the recorded
// Zendesk payloads (tests/replay_server.h): the incremental export in pages
// of 1,000 tickets, each ticket's comments (two pages), mapped, scored and
// stored with the cursor. The baseline, in the same run, is the same
// responses imported and stored without HTTP: what sync adds is the ratio.
//
//   build/convsent_sync_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "convsent/ingest.h"
#include "convsent/sync.h"
#include "replay_server.h"

namespace convsent {
namespace {

constexpr int kTickets = 10000;

testing::HelpDeskReplay& Replay() {
  static testing::HelpDeskReplay* replay = [] {
    auto* r = new testing::HelpDeskReplay();
    if (!r->Load()) return static_cast<testing::HelpDeskReplay*>(nullptr);
    r->Add(kTickets);
    r->Start();
    return r;
  }();
  return *replay;
}

std::shared_ptr<const Model> TheModel() {
  static auto model = *Model::Embedded(ModelUse::kConversations);
  return model;
}

std::string FreshStore() {
  const std::string path = std::filesystem::temp_directory_path() / ("convsent_sync_bench_" + std::to_string(getpid()) + ".db");
  for (const char* suffix : {"", "-wal", "-shm", "-live"}) std::filesystem::remove(path + suffix);
  return path;
}

void BM_SyncZendesk(benchmark::State& state) {
  if (&Replay() == nullptr) return state.SkipWithError("needs ../shared/formats");
  SyncSource s;
  s.system = HelpDesk::kZendesk;
  s.name = "zendesk";
  s.url = Replay().url();
  s.email = "ops@example.com";
  s.token = "bench-token";
  s.start_ms = (testing::HelpDeskReplay::kT0 - 60) * 1000;
  s.requests_per_minute = 0;
  s.concurrency = static_cast<int>(state.range(0));
  int64_t stored = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto store = Store::Open(FreshStore());
    state.ResumeTiming();
    SyncOptions o;
    auto r = RunSync(s, TheModel(), store->get(), o);
    if (!r.ok()) return state.SkipWithError(r.status().message().c_str());
    stored += r->stored;
  }
  state.counters["conversations/s"] = benchmark::Counter(static_cast<double>(stored), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SyncZendesk)->Arg(4)->Arg(8)->ArgName("concurrency")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

// The same tickets and comments, as the sync receives them, imported and
// stored page by page with no HTTP.
void BM_ImportZendeskResponses(benchmark::State& state) {
  if (&Replay() == nullptr) return state.SkipWithError("needs ../shared/formats");
  auto& replay = Replay();
  std::vector<std::vector<ImportResponse>> pages;
  for (int p = 0; p < kTickets / 1000; ++p) {
    nlohmann::json tickets = nlohmann::json::array();
    std::vector<ImportResponse> page;
    for (int i = p * 1000; i < (p + 1) * 1000; ++i) {
      tickets.push_back(replay.Ticket(static_cast<size_t>(i)));
      const std::string path = "/api/v2/tickets/" + std::to_string(i + 1) + "/comments.json";
      nlohmann::json first = nlohmann::json::array({replay.Comment(static_cast<size_t>(i), 0)}), rest = nlohmann::json::array();
      for (size_t k = 1; k < 4; ++k) rest.push_back(replay.Comment(static_cast<size_t>(i), k));
      page.push_back({"c", path, nlohmann::json({{"comments", first}, {"users", replay.Users()}}).dump()});
      page.push_back({"c", path, nlohmann::json({{"comments", rest}, {"users", replay.Users()}}).dump()});
    }
    page.insert(page.begin(), {"t", "/api/v2/incremental/tickets/cursor.json", nlohmann::json({{"tickets", tickets}}).dump()});
    pages.push_back(std::move(page));
  }
  int64_t stored = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto store = Store::Open(FreshStore());
    state.ResumeTiming();
    for (const auto& page : pages) {
      ImportResult imported = ImportResponses(HelpDesk::kZendesk, page);
      IngestOptions o;
      o.batch_conversations = 1 << 30;
      auto r = IngestConversations(std::move(imported.conversations), {}, TheModel(), store->get(), o);
      if (!r.ok()) return state.SkipWithError(r.status().message().c_str());
      stored += r->conversations;
    }
  }
  state.counters["conversations/s"] = benchmark::Counter(static_cast<double>(stored), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ImportZendeskResponses)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
}  // namespace convsent

BENCHMARK_MAIN();
