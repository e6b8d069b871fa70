// Load generator for convsent serve: POSTs messages over keep-alive HTTP
// connections on loopback at a fixed rate, and reports the throughput and
// the latency from the moment each message was due (so a stalled server
// cannot hide its queueing: no coordinated omission) to its 2xx, which the
// server sends once the message is scored, stored and, if souring, queued.
//
//   convsent_loadgen --port N --key KEY [--rate 5000] [--seconds 10] [--threads 8]
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

const char* const kCustomer[] = {
    "Hi, my order hasn't arrived yet, can you check?", "Thanks, that helps a lot!",
    "I was charged twice this month, please fix it.", "Ok, I'll wait.",
    "This is the third time I'm asking. Useless!!", "Can I change my delivery address?",
    "Great, it works now :)", "The app crashes every time I open it.",
};
const char* const kAgent[] = {"Let me look into this for you.", "I've issued a refund.", "Could you send your order number?",
                              "Sorry for the trouble, I'm on it."};

struct Args {
  int port = 8080, threads = 8, seconds = 10, rate = 5000, messages_per_conversation = 8;
  std::string host = "127.0.0.1", key;
};

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--port") a.port = std::atoi(v.c_str());
    else if (k == "--host") a.host = v;
    else if (k == "--key") a.key = v;
    else if (k == "--threads") a.threads = std::max(1, std::atoi(v.c_str()));
    else if (k == "--seconds") a.seconds = std::max(1, std::atoi(v.c_str()));
    else if (k == "--rate") a.rate = std::max(1, std::atoi(v.c_str()));
    else {
      std::fprintf(stderr, "usage: convsent_loadgen --port N --key KEY [--rate R] [--seconds S] [--threads T]\n");
      return 2;
    }
  }
  if (a.key.empty()) {
    std::fprintf(stderr, "convsent_loadgen: --key is required (an ingest or admin key)\n");
    return 2;
  }
  std::vector<std::vector<double>> latencies(static_cast<size_t>(a.threads));
  std::atomic<int64_t> errors{0};
  const auto start = Clock::now() + std::chrono::milliseconds(100);
  const auto interval = std::chrono::nanoseconds(static_cast<int64_t>(1e9 * a.threads / a.rate));
  const int64_t per_thread = static_cast<int64_t>(a.rate) * a.seconds / a.threads;
  std::vector<std::thread> threads;
  for (int t = 0; t < a.threads; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client client(a.host, a.port);
      client.set_bearer_token_auth(a.key.c_str());
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);  // or Nagle and delayed ACKs add 40 ms a request
      auto& lat = latencies[static_cast<size_t>(t)];
      lat.reserve(static_cast<size_t>(per_thread));
      // Staggered so the threads do not fire together.
      const auto first = start + interval * t / a.threads;
      for (int64_t i = 0; i < per_thread; ++i) {
        const auto due = first + interval * i;
        std::this_thread::sleep_until(due);
        const int64_t conversation = i / a.messages_per_conversation;
        const bool customer = i % 2 == 0;
        const std::string text = customer ? kCustomer[(i / 2 + t) % 8] : kAgent[(i / 2) % 4];
        const std::string body = std::string("{\"role\":\"") + (customer ? "customer" : "agent") + "\",\"author\":\"" +
                                 (customer ? "u-" : "a-") + std::to_string(t) + "\",\"text\":\"" + text + "\"}";
        const std::string path = "/v1/conversations/L" + std::to_string(t) + "-" + std::to_string(conversation) + "/messages";
        auto r = client.Post(path, body, "application/json");
        if (!r || r->status != 201) {
          ++errors;
          continue;
        }
        lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - due).count());
      }
    });
  }
  for (auto& th : threads) th.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto q = [&](double p) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * static_cast<double>(all.size())))]; };
  std::printf("offered %d msg/s for %d s over %d connections: %zu stored (%.0f msg/s), %lld errors\n", a.rate, a.seconds,
              a.threads, all.size(), static_cast<double>(all.size()) / elapsed, static_cast<long long>(errors.load()));
  std::printf("latency from due to 2xx: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n", q(0.5), q(0.9), q(0.99),
              all.empty() ? 0.0 : all.back());
  return errors.load() == 0 ? 0 : 1;
}
