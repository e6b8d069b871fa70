// Load generator for convsent serve: POSTs messages over keep-alive HTTP
// connections on loopback at a fixed rate, and reports the throughput and
// the latency from the moment each message was due (so a stalled server
// cannot hide its queueing: no coordinated omission) to its 2xx, which the
// server sends once the message is scored, stored and, if souring, queued.
//
//   convsent_loadgen --port N --key KEY [--rate 5000] [--seconds 10] [--threads 8] [--client raw|httplib]
//   convsent_loadgen --port N --hook chatwoot --secret S [--rate 500] ...
//
// With --hook chatwoot, each message is a Chatwoot message_created webhook
// signed with S as Chatwoot signs it (POST /v1/hooks/chatwoot, no key).
//
// The default client writes each request with one send() and reads the
// answer with as few recv()s as it takes: on two shared cores the load
// generator's own CPU is taken from the server it measures. `--client
// httplib` is cpp-httplib's client, as a typical program would use.
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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
  std::string host = "127.0.0.1", key, client = "raw", hook, secret;
};

// HTTP/1.1 over one keep-alive connection to 127.0.0.1, minimal: a request
// in one send(), the answer read up to its Content-Length. Returns the
// status, or 0 if the connection failed (it reconnects on the next call).
class RawClient {
 public:
  RawClient(int port, std::string key) : port_(port), key_(std::move(key)) {}
  ~RawClient() { Close(); }

  int Post(const std::string& path, const std::string& body, const std::string& headers = "") {
    if (fd_ < 0 && !Connect()) return 0;
    request_.clear();
    request_ += "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                (key_.empty() ? std::string() : "Authorization: Bearer " + key_ + "\r\n") + headers +
                "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    request_ += body;
    for (size_t sent = 0; sent < request_.size();) {
      const ssize_t n = send(fd_, request_.data() + sent, request_.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return Close(), 0;
      sent += static_cast<size_t>(n);
    }
    // Headers, then as much body as Content-Length says.
    buffer_.clear();
    size_t header_end = std::string::npos, need = 0;
    for (;;) {
      char chunk[4096];
      const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return Close(), 0;
      buffer_.append(chunk, static_cast<size_t>(n));
      if (header_end == std::string::npos) {
        header_end = buffer_.find("\r\n\r\n");
        if (header_end == std::string::npos) continue;
        const size_t cl = buffer_.find("Content-Length: ");
        need = header_end + 4 + (cl != std::string::npos && cl < header_end ? std::strtoul(buffer_.c_str() + cl + 16, nullptr, 10) : 0);
      }
      if (buffer_.size() >= need) break;
    }
    const int status = buffer_.size() > 12 ? std::atoi(buffer_.c_str() + 9) : 0;
    if (buffer_.find("Connection: close") < header_end) Close();
    return status;
  }

 private:
  bool Connect() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return false;
    const int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // or Nagle and delayed ACKs add 40 ms
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return Close(), false;
    return true;
  }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  int port_;
  std::string key_;
  int fd_ = -1;
  std::string request_, buffer_;
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
    else if (k == "--client" && (v == "raw" || v == "httplib")) a.client = v;
    else if (k == "--hook" && v == "chatwoot") a.hook = v;
    else if (k == "--secret") a.secret = v;
    else {
      std::fprintf(stderr, "usage: convsent_loadgen --port N --key KEY [--rate R] [--seconds S] [--threads T] [--client raw|httplib]\n");
      return 2;
    }
  }
  if (a.client == "raw" && a.host != "127.0.0.1") {
    std::fprintf(stderr, "convsent_loadgen: the raw client speaks to 127.0.0.1 only; use --client httplib\n");
    return 2;
  }
  if (!a.hook.empty() && (a.secret.empty() || a.client != "raw")) {
    std::fprintf(stderr, "convsent_loadgen: --hook needs --secret, and the raw client\n");
    return 2;
  }
  if (a.key.empty() && a.hook.empty()) {
    std::fprintf(stderr, "convsent_loadgen: --key is required (an ingest or admin key)\n");
    return 2;
  }
  std::vector<std::vector<double>> latencies(static_cast<size_t>(a.threads));
  std::atomic<int64_t> errors{0};
  const auto start = Clock::now() + std::chrono::milliseconds(100);
  // Conversation ids unique to this run: runs against one store do not grow each other's conversations.
  const std::string run = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() % 1000000);
  const auto interval = std::chrono::nanoseconds(static_cast<int64_t>(1e9 * a.threads / a.rate));
  const int64_t per_thread = static_cast<int64_t>(a.rate) * a.seconds / a.threads;
  std::vector<std::thread> threads;
  for (int t = 0; t < a.threads; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client client(a.host, a.port);
      client.set_bearer_token_auth(a.key.c_str());
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);  // or Nagle and delayed ACKs add 40 ms a request
      RawClient raw(a.port, a.key);
      const bool use_raw = a.client == "raw";
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
        const std::string path = "/v1/conversations/L" + run + "-" + std::to_string(t) + "-" + std::to_string(conversation) + "/messages";
        int status = 0;
        if (!a.hook.empty()) {
          // The same message as Chatwoot delivers it, signed over "timestamp.body".
          const std::string hook = std::string("{\"event\":\"message_created\",\"id\":") +
                                   std::to_string((int64_t{t} << 32) + i) + ",\"content\":\"" + text +
                                   "\",\"message_type\":\"" + (customer ? "incoming" : "outgoing") +
                                   "\",\"private\":false,\"conversation\":{\"id\":" + run + std::to_string(t) +
                                   std::to_string(100000 + conversation) + "}}";
          const std::string ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
              std::chrono::system_clock::now().time_since_epoch()).count());
          const std::string signed_text = ts + "." + hook;
          unsigned char mac[EVP_MAX_MD_SIZE];
          unsigned int n = 0;
          HMAC(EVP_sha256(), a.secret.data(), static_cast<int>(a.secret.size()),
               reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac, &n);
          std::string hex;
          for (unsigned int b = 0; b < n; ++b) hex += "0123456789abcdef"[mac[b] >> 4], hex += "0123456789abcdef"[mac[b] & 15];
          status = raw.Post("/v1/hooks/chatwoot", hook,
                            "X-Chatwoot-Timestamp: " + ts + "\r\nX-Chatwoot-Signature: sha256=" + hex + "\r\n");
        } else if (use_raw) {
          status = raw.Post(path, body);
        } else if (auto r = client.Post(path, body, "application/json")) {
          status = r->status;
        }
        if (status != 201) {
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
