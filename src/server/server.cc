// convsent serve: the HTTP API (docs/openapi.yaml), access control, the
// review queue, its event stream, and metrics.
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <strings.h>
#include <sys/statvfs.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <unordered_map>
#include <nlohmann/json.hpp>

#include "convsent/report.h"
#include "convsent/score_format.h"
#include "convsent/server.h"
#include "convsent/webhook.h"
#include "util/json_depth.h"
#include "server/bodies.h"
#include "server/limited_http_server.h"
#include "server/rate_limiter.h"
#include "server/writer.h"

extern "C" const char convsent_web_index[], convsent_web_index_end[];
extern "C" const char convsent_web_app_js[], convsent_web_app_js_end[];
extern "C" const char convsent_web_app_css[], convsent_web_app_css_end[];

namespace convsent {
namespace {

using json = nlohmann::json;

// Debian's build of cpp-httplib listens with a queue of 5 connections. A few
// clients (re)connecting at once overflow it, and the kernel drops a SYN
// that the client sends again only a second later: a 1 s stall. The
// listening socket is found among the process's descriptors and given the
// system's longest queue (listen() on a listening socket only resizes it).
void WidenListenQueue(int port) {
  for (int fd = 0; fd < 1024; ++fd) {
    int accepting = 0;
    socklen_t len = sizeof accepting;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len) != 0 || !accepting) continue;
    sockaddr_storage addr{};
    socklen_t addr_len = sizeof addr;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &addr_len) != 0) continue;
    const int bound = addr.ss_family == AF_INET    ? ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port)
                      : addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                                                   : -1;
    if (bound == port) listen(fd, SOMAXCONN);
  }
}

// The dashboard's files, embedded by CMake (web/, built with npm).
struct DashboardFile {
  const char* begin;
  const char* end;
  const char* type;
  std::string_view bytes() const { return {begin, static_cast<size_t>(end - begin)}; }
};
const DashboardFile kDashboardIndex{convsent_web_index, convsent_web_index_end, "text/html; charset=utf-8"};
const DashboardFile kDashboardJs{convsent_web_app_js, convsent_web_app_js_end, "text/javascript; charset=utf-8"};
const DashboardFile kDashboardCss{convsent_web_app_css, convsent_web_app_css_end, "text/css; charset=utf-8"};

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// ---- The event stream --------------------------------------------------------

// Queue events for server-sent events: numbered, the last 1,000 kept so a
// client that reconnects with Last-Event-ID misses nothing recent.
class EventHub {
 public:
  struct Event {
    int64_t id;
    std::string type, data;
  };
  void Publish(std::string type, std::string data) {
    {
      std::lock_guard lock(mu_);
      events_.push_back({next_++, std::move(type), std::move(data)});
      if (events_.size() > 1000) events_.pop_front();
    }
    cv_.notify_all();
  }
  // Events after `after`, waiting at most `timeout` for one.
  std::vector<Event> After(int64_t after, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return stop_ || (!events_.empty() && events_.back().id > after); });
    std::vector<Event> out;
    for (const auto& e : events_) {
      if (e.id > after) out.push_back(e);
    }
    return out;
  }
  int64_t last() {
    std::lock_guard lock(mu_);
    return next_ - 1;
  }
  void Stop() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
  }
  bool stopped() {
    std::lock_guard lock(mu_);
    return stop_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> events_;
  int64_t next_ = 1;
  bool stop_ = false;
};

// ---- Metrics -------------------------------------------------------------------

class Metrics {
 public:
  void Request(const std::string& route, int status, double seconds) {
    std::lock_guard lock(mu_);
    ++requests_[{route, status}];
    auto& h = latency_[route];
    for (size_t i = 0; i < kBuckets.size(); ++i) h.counts[i] += seconds <= kBuckets[i];
    h.sum += seconds;
    ++h.count;
  }
  void Scored(int64_t n) {
    scored_ += n;
    std::lock_guard lock(mu_);
    const int64_t second = NowMs() / 1000;
    if (rate_.empty() || rate_.back().first != second) rate_.push_back({second, 0});
    rate_.back().second += n;
    while (!rate_.empty() && rate_.front().first < second - 10) rate_.pop_front();
  }
  std::string Render(size_t write_queue, int64_t review_open) {
    std::lock_guard lock(mu_);
    std::string out;
    out += "# HELP convsent_http_requests_total HTTP requests by route and status.\n"
           "# TYPE convsent_http_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
      out += "convsent_http_requests_total{route=\"" + key.first + "\",code=\"" + std::to_string(key.second) +
             "\"} " + std::to_string(n) + "\n";
    }
    out += "# HELP convsent_http_request_duration_seconds Request latency by route.\n"
           "# TYPE convsent_http_request_duration_seconds histogram\n";
    for (const auto& [route, h] : latency_) {
      for (size_t i = 0; i < kBuckets.size(); ++i) {
        char le[32];
        std::snprintf(le, sizeof(le), "%g", kBuckets[i]);
        out += "convsent_http_request_duration_seconds_bucket{route=\"" + route + "\",le=\"" + le + "\"} " +
               std::to_string(h.counts[i]) + "\n";
      }
      out += "convsent_http_request_duration_seconds_bucket{route=\"" + route + "\",le=\"+Inf\"} " +
             std::to_string(h.count) + "\n";
      out += "convsent_http_request_duration_seconds_sum{route=\"" + route + "\"} " + std::to_string(h.sum) + "\n";
      out += "convsent_http_request_duration_seconds_count{route=\"" + route + "\"} " + std::to_string(h.count) + "\n";
    }
    int64_t last10 = 0;
    const int64_t now = NowMs() / 1000;
    for (const auto& [second, n] : rate_) last10 += second >= now - 10 && second < now ? n : 0;
    out += "# HELP convsent_messages_scored_total Messages scored since start.\n# TYPE convsent_messages_scored_total counter\n";
    out += "convsent_messages_scored_total " + std::to_string(scored_.load()) + "\n";
    out += "# HELP convsent_scoring_rate Messages scored per second over the last 10 seconds.\n# TYPE convsent_scoring_rate gauge\n";
    out += "convsent_scoring_rate " + std::to_string(static_cast<double>(last10) / 10.0) + "\n";
    out += "# HELP convsent_write_queue_length Changes waiting for the writer.\n# TYPE convsent_write_queue_length gauge\n";
    out += "convsent_write_queue_length " + std::to_string(write_queue) + "\n";
    out += "# HELP convsent_review_queue_open Conversations waiting in the review queue.\n# TYPE convsent_review_queue_open gauge\n";
    out += "convsent_review_queue_open " + std::to_string(review_open) + "\n";
    return out;
  }

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    5};
  struct Histogram {
    std::array<int64_t, 12> counts{};
    double sum = 0;
    int64_t count = 0;
  };
  std::mutex mu_;
  std::map<std::pair<std::string, int>, int64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::deque<std::pair<int64_t, int64_t>> rate_;
  std::atomic<int64_t> scored_{0};
};

// ---- The server ----------------------------------------------------------------

// The roles as bits, so a route names who may call it.
constexpr unsigned kAdmin = 1, kIngest = 2, kReviewer = 4, kViewer = 8;
unsigned RoleBit(const std::string& role) {
  return role == "admin" ? kAdmin : role == "ingest" ? kIngest : role == "reviewer" ? kReviewer : role == "viewer" ? kViewer : 0u;
}

struct Principal {
  std::string name, role;
  int64_t key_id = 0;
};

class Server {
 public:
  Server(const ServeOptions& o, std::shared_ptr<const Model> model, std::unique_ptr<Writer> writer,
         Redaction redaction)
      : o_(o), model_(std::move(model)), writer_(std::move(writer)), redaction_(redaction) {}

  Status Run() {
    svr_.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
      res.status = 500;
      res.set_content(R"({"error":"internal error"})", "application/json");
    });
    svr_.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      if (LimitedHttpServer::BodyTooLarge()) res.status = 413, res.body.clear();  // httplib says 400
      if (!res.body.empty()) return;
      const char* what = res.status == 404 ? "no such endpoint" : res.status == 413 ? "request body too large"
                         : res.status == 405 ? "method not allowed" : "bad request";
      res.set_content(Dump({{"error", what}}), "application/json");
    });
    // API answers hold customer text: never cached by a browser or proxy,
    // never sniffed into another type.
    svr_.set_post_routing_handler([](const httplib::Request& req, httplib::Response& res) {
      if (!req.path.starts_with("/v1/") && req.path != "/metrics" && req.path != "/healthz") return;
      res.set_header("Cache-Control", "no-store");
      res.set_header("X-Content-Type-Options", "nosniff");
    });
    svr_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      return BeforeTheBody(req, res) ? httplib::Server::HandlerResponse::Unhandled
                                     : httplib::Server::HandlerResponse::Handled;
    });
    Routes();
    RETURN_IF_ERROR(StartWebhooks());
    const int port = o_.port == 0 ? svr_.bind_to_any_port(o_.bind) : (svr_.bind_to_port(o_.bind, o_.port) ? o_.port : -1);
    if (port < 0) return Status::IoError("cannot listen on " + o_.bind + ":" + std::to_string(o_.port));
    WidenListenQueue(port);
    if (o_.bind != "127.0.0.1" && o_.bind != "::1" && o_.bind != "localhost") {
      std::fprintf(stderr,
                   "convsent serve: listening on %s without TLS: API keys and customer text travel in clear; "
                   "put a TLS reverse proxy in front (docs/deployment.md)\n",
                   o_.bind.c_str());
    }
    std::printf("listening on http://%s:%d\n", o_.bind.c_str(), port);
    std::fflush(stdout);
    // SIGTERM and SIGINT are blocked in every thread (see Serve) and taken
    // here: stop accepting, let in-flight requests finish, drain the writer.
    std::atomic<bool> listen_returned{false};
    std::thread signals([this, &listen_returned] {
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGTERM);
      sigaddset(&set, SIGINT);
      sigaddset(&set, SIGUSR1);  // sent by this thread's owner to end it
      int sig = 0;
      sigwait(&set, &sig);
      if (sig != SIGUSR1) std::fprintf(stderr, "convsent serve: signal %d, stopping\n", sig);
      events_.Stop();
      // httplib's stop() does nothing until listen_after_bind() has begun
      // running: a signal right after "listening on" was lost, and the
      // server never stopped.
      while (!svr_.is_running() && !listen_returned.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      svr_.stop();
    });
    // The writer's commits leave the log to this thread: every 50 ms it hands
    // the changed pages to the disk (without waiting) and checkpoints the log
    // into the store. A checkpoint's sync stalls the writer's commits behind
    // the file system; small and frequent ones, with little left to sync,
    // stall it least (p99 at 5,000 msg/s: 46 ms checkpointing once a second,
    // 7-8 ms now; bench/RESULTS.md).
    std::atomic<bool> done{false};
    std::thread checkpoints([this, &done] {
      auto store = Store::Open(o_.db);
      if (!store.ok() || (*store)->shared()) return;  // PostgreSQL checkpoints on its own
      while (!done.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        (void)(*store)->StartWriteback();
        (void)(*store)->Checkpoint();
      }
    });
    std::thread listener([this, &done] { ListenToOtherServers(done); });
    const bool ok = svr_.listen_after_bind();
    listen_returned = true;
    svr_.Shutdown();  // answers what was read, closes the rest
    done = true;
    checkpoints.join();
    listener.join();
    events_.Stop();
    pthread_kill(signals.native_handle(), SIGUSR1);
    signals.join();
    // Attempts in flight are cut off (still pending in the store); the
    // outcomes being recorded go through the writer first.
    std::unique_ptr<WebhookSender> webhooks;
    {
      std::lock_guard lock(webhooks_mu_);
      webhooks = std::move(webhooks_);
    }
    webhooks.reset();
    writer_.reset();  // drains what handlers submitted, commits, stops
    return ok ? Status::Ok() : Status::IoError("the server stopped with an error");
  }

 private:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&, const Principal&)>;

  static void Reply(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(Dump(body), "application/json");
  }
  static void Error(httplib::Response& res, int status, const std::string& message) {
    if (status < 500) return Reply(res, status, {{"error", message}});
    // A server-side failure's details (file paths, the database's words)
    // go to the server's log, not to the client.
    std::fprintf(stderr, "convsent serve: %d: %s\n", status, message.c_str());
    const bool not_stored = message.rfind("not stored", 0) == 0;
    Reply(res, status,
          {{"error", status == 503 ? (not_stored ? "not stored: the store is unavailable; try again"
                                                 : "the store is unavailable; try again")
                                   : "internal error; the server's log says more"}});
  }

  static HttpLimits Limits(const ServeOptions& o) {
    HttpLimits l;
    l.max_body_bytes = o.max_body_bytes;
    // As many for ingest as for the rest: while every ingest thread waits on
    // a connection of its own, one more connection makes them hand
    // connections round through the epoll thread (three more context
    // switches a message; ingest saturated at 4,000 msg/s with 8 threads and
    // 8 busy connections under load).
    l.other_threads = o.threads;
    l.ingest_threads = o.threads;
    l.max_connections = o.max_connections;
    l.max_streams = o.max_streams;
    return l;
  }

  // Ingest runs on threads of its own, so that readers never delay it; an
  // event stream holds a thread for its life.
  static RouteClass Classify(std::string_view method, std::string_view target) {
    if (method == "POST" && target.starts_with("/v1/conversations")) return RouteClass::kIngest;
    if (method == "GET" && target.starts_with("/v1/queue/events")) return RouteClass::kStream;
    return RouteClass::kOther;
  }

  // Checks made once the head is read and before the body is: false means
  // answered here (the body is never read). A key is needed before a body
  // is read, so that no one without one can make the server read 8 MiB.
  bool BeforeTheBody(const httplib::Request& req, httplib::Response& res) {
    const bool has_body = LimitedHttpServer::HasBody(req);
    auto refuse = [&](int status, const std::string& message) {
      if (has_body) LimitedHttpServer::CloseAfterAnswer();  // what is left of it is not the next request
      Error(res, status, message);
      return false;
    };
    // Refused before a byte of it is read (httplib would read and drop it).
    if (const long long length = std::atoll(req.get_header_value("Content-Length").c_str());
        length > static_cast<long long>(o_.max_body_bytes)) {
      return refuse(413, "request body too large: " + std::to_string(length) + " bytes, max_body_bytes is " +
                             std::to_string(o_.max_body_bytes));
    }
    // Two different lengths: which one frames the body is ambiguous
    // (request smuggling behind a proxy).
    if (req.get_header_value_count("Content-Length") > 1) {
      const std::string first = req.get_header_value("Content-Length", 0);
      for (size_t i = 1; i < req.get_header_value_count("Content-Length"); ++i) {
        if (req.get_header_value("Content-Length", i) != first) return refuse(400, "conflicting Content-Length headers");
      }
    }
    // httplib would inflate a compressed body without a limit (1 MB of
    // gzip to 1 GB): bodies are taken as sent, or not at all.
    if (const std::string enc = req.get_header_value("Content-Encoding"); !enc.empty() && enc != "identity") {
      res.set_header("Accept-Encoding", "identity");
      return refuse(415, "Content-Encoding " + enc + " is not accepted: send the body uncompressed");
    }
    t_checked_key.reset();
    if (!req.path.starts_with("/v1/") && req.path != "/metrics") return true;  // the dashboard's files, /healthz
    const std::string key = BearerToken(req);
    Status error;
    const std::optional<Principal> who = key.empty() ? std::nullopt : Lookup(key, &error);
    if (error.ok()) t_checked_key = CheckedKey{key, who};
    if (!error.ok()) return refuse(503, "the store cannot be read");
    if (!who) {
      // Guessing keys, or a client that lost its own: slowed down per address.
      if (!failed_auth_.Allow(req.remote_addr)) {
        res.set_header("Retry-After", "1");
        return refuse(429, "too many requests without a valid API key from this address");
      }
      if (!has_body) return true;  // the route answers 401 with what is missing
      res.set_header("WWW-Authenticate", key.empty() ? "Bearer" : "Bearer error=\"invalid_token\"");
      return refuse(401, key.empty() ? "missing API key: send Authorization: Bearer KEY" : "unknown or revoked API key");
    }
    if (!per_key_.Allow(key)) {
      res.set_header("Retry-After", "1");
      return refuse(429, "this key sends more than " + std::to_string(o_.key_requests_per_second) +
                             " requests a second");
    }
    return true;
  }

  // The key BeforeTheBody looked up for the request on this thread.
  struct CheckedKey {
    std::string key;
    std::optional<Principal> who;
  };
  static thread_local std::optional<CheckedKey> t_checked_key;

  // The key of an Authorization header (the scheme is case-insensitive,
  // RFC 9110 11.1), or "".
  static std::string BearerToken(const httplib::Request& req) {
    const std::string auth = req.get_header_value("Authorization");
    if (auth.size() <= 7 || strncasecmp(auth.c_str(), "Bearer ", 7) != 0) return "";
    return auth.substr(7);
  }

  // The per-thread connection for reads.
  Store* Reader() {
    thread_local std::unique_ptr<Store> store;
    thread_local std::string path;
    if (!store || path != o_.db) {
      auto opened = Store::Open(o_.db);
      if (!opened.ok()) return nullptr;
      store = std::move(*opened);
      path = o_.db;
    }
    return store.get();
  }

  Scorer& ThreadScorer() {
    thread_local std::unique_ptr<Scorer> scorer;
    if (!scorer || &scorer->model() != model_.get()) scorer = std::make_unique<Scorer>(model_);
    return *scorer;
  }

  // Registers a route that needs a key with one of `roles`.
  void Route(const char* method, const std::string& pattern, const std::string& name, unsigned roles, Handler h) {
    auto wrapped = [this, name, roles, h](const httplib::Request& req, httplib::Response& res) {
      const auto start = std::chrono::steady_clock::now();
      Authorize(req, res, roles, h);
      metrics_.Request(name, res.status, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    };
    if (std::string(method) == "GET") svr_.Get(pattern, wrapped);
    else svr_.Post(pattern, wrapped);
  }

  // A key's principal, from a cache checked against the store at most once
  // a second per key: a revoked key stops working within a second, and a
  // busy client does not cost a hash and a read per request.
  std::optional<Principal> Lookup(const std::string& key, Status* error) {
    const auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(keys_mu_);
      if (auto it = keys_.find(key); it != keys_.end() && now < it->second.second) return it->second.first;
    }
    Store* store = Reader();
    if (!store) return *error = Status::IoError("the store cannot be opened"), std::nullopt;
    auto found = store->api_keys().Find(HashApiKey(key));
    if (!found.ok()) return *error = found.status(), std::nullopt;
    std::optional<Principal> who;
    if (*found) who = Principal{(*found)->name.empty() ? (*found)->prefix : (*found)->name, (*found)->role, (*found)->id};
    std::lock_guard lock(keys_mu_);
    if (keys_.size() > 10000) keys_.clear();  // bounded: a flood of bad keys cannot grow it
    keys_[key] = {who, now + std::chrono::seconds(1)};
    return who;
  }

  void Authorize(const httplib::Request& req, httplib::Response& res, unsigned roles, const Handler& h) {
    const std::string key = BearerToken(req);
    if (key.empty()) {
      res.set_header("WWW-Authenticate", "Bearer");
      return Error(res, 401, "missing API key: send Authorization: Bearer KEY");
    }
    Status error;
    // Looked up before the body was read, on this thread, for this request.
    const std::optional<Principal> found =
        t_checked_key && t_checked_key->key == key ? t_checked_key->who : Lookup(key, &error);
    if (!error.ok()) return Error(res, 503, "the store cannot be read");
    if (!found) {
      res.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      return Error(res, 401, "unknown or revoked API key");
    }
    const Principal& who = *found;
    if ((RoleBit(who.role) & roles) == 0) return Error(res, 403, "the " + who.role + " role may not do this");
    h(req, res, who);
  }

  void Routes() {
    svr_.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
      Store* store = Reader();
      auto info = store ? store->Info() : Result<StoreInfo>(Status::IoError("cannot open the store"));
      if (!info.ok()) return Error(res, 503, info.status().message());
      json health = {{"status", "ok"}, {"model", model_->info().version}, {"conversations", info->conversations}};
      // A SQLite store on a full disk reads fine and writes nothing: below
      // 64 MiB free the server says so (503), before messages start failing.
      if (o_.db.find("://") == std::string::npos) {
        const std::string folder = std::filesystem::path(o_.db).parent_path().string();
        struct statvfs fs {};
        if (statvfs(folder.empty() ? "." : folder.c_str(), &fs) == 0) {
          const auto free_bytes = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
          health["disk_free_bytes"] = free_bytes;
          if (free_bytes < (64u << 20)) {
            health["status"] = "low on disk";
            return Reply(res, 503, health);
          }
        }
      }
      Reply(res, 200, health);
    });
    const unsigned all = kAdmin | kIngest | kReviewer | kViewer;
    const unsigned read = kAdmin | kReviewer | kViewer;
    const unsigned review = kAdmin | kReviewer;
    const unsigned ingest = kAdmin | kIngest;
    // The dashboard: three files built from web/ and embedded; they hold
    // no data (that comes from the API, with the key the person signs in with).
    for (const auto& [path, file] : {std::pair{"/", &kDashboardIndex}, {"/index.html", &kDashboardIndex},
                                     {"/assets/app.js", &kDashboardJs}, {"/assets/app.css", &kDashboardCss}}) {
      const DashboardFile* f = file;
      svr_.Get(path, [f](const httplib::Request&, httplib::Response& res) {
        res.set_header("Cache-Control", "no-cache");
        res.set_header("X-Content-Type-Options", "nosniff");
        res.set_header("Content-Security-Policy",
                       "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
        res.set_content(std::string(f->bytes()), f->type);
      });
    }
    Route("GET", "/v1/me", "me", all, [](const auto&, auto& res, const Principal& who) {
      Reply(res, 200, {{"name", who.name}, {"role", who.role}});
    });
    Route("GET", "/metrics", "metrics", kAdmin | kViewer, [this](const auto&, auto& res, const auto&) {
      Store* store = Reader();
      int64_t open = 0;
      if (store) {
        auto items = store->review_items().List("open", "age", 1000000);
        if (items.ok()) open = static_cast<int64_t>(items->size());
      }
      res.set_content(metrics_.Render(writer_->queued(), open), "text/plain; version=0.0.4");
    });
    Route("POST", R"(/v1/conversations/([^/]+)/messages)", "post_message", ingest,
          [this](const auto& req, auto& res, const auto&) { PostMessage(req, res); });
    Route("POST", "/v1/conversations", "post_conversations", ingest,
          [this](const auto& req, auto& res, const auto&) { PostConversations(req, res); });
    Route("GET", R"(/v1/conversations/([^/]+))", "get_conversation", read, [this](const auto& req, auto& res, const auto&) {
      Store* store = Reader();
      if (!store) return Error(res, 503, "the store cannot be opened");
      if (Status f = writer_->Fold(req.matches[1]); !f.ok()) return Error(res, 503, f.message());
      auto sc = store->GetConversation(req.matches[1]);
      if (!sc.ok()) return Error(res, 500, sc.status().message());
      if (!*sc) return Error(res, 404, "no conversation " + std::string(req.matches[1]));
      auto info = store->Info();
      res.status = 200;
      res.set_content(ScoredConversationToJson(**sc, info.ok() ? info->current_model : "", -1), "application/json");
    });
    Route("GET", "/v1/report", "report", read, [this](const auto& req, auto& res, const auto&) { GetReport(req, res); });
    // Owners' webhook URLs are credentials (Slack's and Teams' incoming
    // hooks): only admins see them; others see "" where one is set.
    public_tree_ = o_.tree;
    for (TreeNode& n : public_tree_.nodes) n.owners.webhook.clear();
    Route("GET", "/v1/tree", "tree", read, [this](const auto& req, auto& res, const Principal& who) {
      Store* store = Reader();
      if (!store) return Error(res, 503, "the store cannot be opened");
      std::vector<std::pair<std::string, std::string>> where;
      if (!ParseWhere(req, &where)) return Error(res, 400, "where: expected KEY=VALUE");
      if (Status f = writer_->Fold(""); !f.ok()) return Error(res, 503, f.message());
      auto tree = BuildTree(*store, o_.tree, INT64_MIN, INT64_MAX, where);
      if (!tree.ok()) return Error(res, 500, tree.status().message());
      res.set_content(TreeToJson(who.role == "admin" ? o_.tree : public_tree_, *tree), "application/json");
    });
    Route("GET", "/v1/alerts", "alerts", read, [this](const auto& req, auto& res, const auto&) {
      Store* store = Reader();
      if (!store) return Error(res, 503, "the store cannot be opened");
      auto alerts = store->alerts().List(req.get_param_value("all") != "true");
      if (!alerts.ok()) return Error(res, 500, alerts.status().message());
      res.set_content("{\"alerts\":" + AlertsToJson(*alerts) + "}", "application/json");
    });
    Route("GET", "/v1/interventions", "interventions", read, [this](const auto&, auto& res, const auto&) {
      Store* store = Reader();
      if (!store) return Error(res, 503, "the store cannot be opened");
      if (Status f = writer_->Fold(""); !f.ok()) return Error(res, 503, f.message());
      auto list = store->interventions().List();
      if (!list.ok()) return Error(res, 500, list.status().message());
      std::string out = "{\"interventions\":[";
      for (size_t i = 0; i < list->size(); ++i) {
        auto check = CheckIntervention(*store, o_.tree, (*list)[i]);
        if (!check.ok()) return Error(res, 500, check.status().message());
        out += (i ? "," : "") + InterventionToJson((*list)[i], &*check);
      }
      res.set_content(out + "]}", "application/json");
    });
    Route("GET", "/v1/queue", "queue", review, [this](const auto& req, auto& res, const auto&) { ListQueue(req, res); });
    Route("GET", "/v1/queue/events", "queue_events", review,
          [this](const auto& req, auto& res, const auto&) { QueueEvents(req, res); });
    Route("POST", R"(/v1/queue/(\d+)/(claim|release|resolve))", "queue_action", review,
          [this](const auto& req, auto& res, const Principal& who) { QueueAction(req, res, who); });
  }

  // ---- Messages ------------------------------------------------------------------

  // Continuous audit: a new conversation drawn at random (on its id alone)
  // enters the queue as an audit item, announced on the event stream but
  // not to the webhook (it is routine work, not an alarm). A rule flagging
  // it later raises the item (ReviewItems::Add) and is announced as usual.
  Status MaybeAudit(WriterContext& ctx, const std::string& id) {
    if (!AuditDraw(id, o_.queue.audit_rate)) return Status::Ok();
    ReviewItem item;
    item.conversation = id, item.severity = "audit", item.audit = true, item.created_at_ms = NowMs();
    item.reason = "random audit: label the customer's tone";
    ASSIGN_OR_RETURN(auto stored, ctx.store().review_items().Add(item));
    if (!stored) return Status::Ok();  // already an audit item
    ASSIGN_OR_RETURN(auto now, ctx.store().review_items().Get(*stored));
    if (!now) return Status::Ok();
    ctx.AfterCommit([this, event = ReviewJson(*now)] { events_.Publish("queued", Dump(event)); });
    return Status::Ok();
  }

  // Queues `sc` if a rule says so (on the writer thread), announcing it after commit.
  Status MaybeQueue(WriterContext& ctx, LiveConversation& live, size_t message, json* queued) {
    if (live.queued) return Status::Ok();  // once
    auto item = QueueRule(o_.queue, live.sc, message, NowMs());
    if (!item) return Status::Ok();
    ASSIGN_OR_RETURN(auto id, ctx.store().review_items().Add(*item));
    live.queued = true;
    if (!id) return Status::Ok();  // it was already there: once
    // Read back: the flag may have merged into an audit item, which stays one.
    ASSIGN_OR_RETURN(auto stored, ctx.store().review_items().Get(*id));
    if (stored) *item = *stored;
    const json event = ReviewJson(*item);
    *queued = event;
    RETURN_IF_ERROR(Announce(ctx, "queued", event));
    // The delivery is stored with the item, in the same commit: a crash
    // after the 201 loses neither.
    WebhookDelivery delivery;
    if (!o_.queue.webhook.empty()) {
      delivery.url = o_.queue.webhook, delivery.payload = Dump({{"type", "convsent.queued"}, {"item", event}});
      delivery.created_at_ms = delivery.next_at_ms = NowMs();
      ASSIGN_OR_RETURN(delivery.id, ctx.store().webhook_deliveries().Add(delivery));
    }
    ctx.AfterCommit([this, event, delivery] {
      events_.Publish("queued", Dump(event));
      if (delivery.id != 0) SendWebhook(delivery);
    });
    return Status::Ok();
  }

  // Webhook deliveries live in the store: sent after the commit that
  // recorded them, each attempt's outcome written back (by the writer), and
  // those still pending when the server stopped sent again when it starts.
  // At least once: a receiver tells repeats apart by the item's id.
  Status StartWebhooks() {
    WebhookOptions w;
    w.allowed_hosts = o_.webhook_allowed_hosts;
    w.on_attempt = [this](const WebhookOutcome& o) { Settle(o); };
    std::vector<WebhookDelivery> pending;
    RETURN_IF_ERROR(writer_->Submit([&pending](WriterContext& ctx) -> Status {
      // Finished deliveries are kept a week, for a look at what was sent.
      RETURN_IF_ERROR(ctx.store().webhook_deliveries().Prune(NowMs() - 7 * 24 * 3600 * 1000LL).status());
      ASSIGN_OR_RETURN(pending, ctx.store().webhook_deliveries().Pending(kMaxResent));
      return Status::Ok();
    }));
    std::lock_guard lock(webhooks_mu_);
    webhooks_ = std::make_unique<WebhookSender>(std::move(w));
    for (const WebhookDelivery& d : pending) SendWebhook(d, /*locked=*/true);
    if (!pending.empty()) std::fprintf(stderr, "convsent serve: resending %zu pending webhook deliveries\n", pending.size());
    return Status::Ok();
  }
  static constexpr int kMaxResent = 10000;

  void SendWebhook(const WebhookDelivery& d, bool locked = false) {
    std::unique_lock lock(webhooks_mu_, std::defer_lock);
    if (!locked) lock.lock();
    if (webhooks_ == nullptr) return;  // stopping: it stays pending, sent at the next start
    const int64_t wait = std::max<int64_t>(0, d.next_at_ms - NowMs());
    webhooks_->Send(d.id, d.url, d.payload, d.attempts, std::chrono::milliseconds(wait));
  }

  // Records an attempt's outcome (on a sender thread).
  void Settle(const WebhookOutcome& o) {
    WebhookDelivery d;
    d.id = o.id, d.attempts = o.attempts, d.last_error = o.error;
    d.status = o.delivered ? "sent" : o.gave_up ? "failed" : "pending";
    const int64_t now = NowMs();
    d.next_at_ms = d.status == "pending" ? now + o.retry_in.count() : 0;
    d.done_at_ms = d.status == "pending" ? 0 : now;
    if (o.gave_up) {
      std::fprintf(stderr, "convsent serve: webhook delivery %lld gave up after %d attempts: %s\n",
                   static_cast<long long>(o.id), o.attempts, o.error.c_str());
    }
    const Status s = writer_->Submit([d](WriterContext& ctx) { return ctx.store().webhook_deliveries().Update(d); });
    if (!s.ok()) std::fprintf(stderr, "convsent serve: recording webhook delivery %lld: %s\n", static_cast<long long>(o.id), s.message().c_str());
  }

  // Tells the other servers sharing the store (PostgreSQL) of a queue
  // event, when this transaction commits; they publish it on their streams.
  Status Announce(WriterContext& ctx, const char* type, const json& data) {
    return ctx.store().Announce(Dump({{"origin", origin_}, {"type", type}, {"data", data}}));
  }

  // Publishes what the other servers announce. Ends at once on a store that
  // is not shared.
  void ListenToOtherServers(const std::atomic<bool>& done) {
    auto store = Store::Open(o_.db);
    if (!store.ok()) return;
    while (!done.load()) {
      auto got = (*store)->AwaitAnnouncements(500);
      if (!got.ok()) return;
      for (const std::string& payload : *got) {
        const json a = json::parse(payload, nullptr, false);
        if (!a.is_object() || !a.contains("origin") || a["origin"] == origin_ || !a["type"].is_string()) continue;
        events_.Publish(a["type"].get<std::string>(), Dump(a["data"]));
      }
    }
  }

  static json ReviewJson(const ReviewItem& r) {
    return {{"id", r.id},
            {"conversation", r.conversation},
            {"reason", r.reason},
            {"severity", r.severity},
            {"audit", r.audit},
            {"compound", r.compound},
            {"status", r.status},
            {"claimed_by", r.claimed_by},
            {"label", r.label},
            {"note", r.note},
            {"created_at", FormatTime(r.created_at_ms)},
            {"claimed_at", r.claimed_at_ms ? json(FormatTime(r.claimed_at_ms)) : json()},
            {"resolved_at", r.resolved_at_ms ? json(FormatTime(r.resolved_at_ms)) : json()}};
  }

  void PostMessage(const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    if (Status s = CheckConversationId(id); !s.ok()) return Error(res, 400, "conversation id: " + s.message());
    MessageBody body;
    if (Status s = ParseMessageBody(req.body, &body); !s.ok()) return Error(res, 400, s.message());
    if (body.message.at_ms == 0) body.message.at_ms = NowMs();
    // Scored here, on the handler's thread: the writer only appends.
    std::optional<MessageScore> score;
    if (body.message.role != Role::kNote) score = ThreadScorer().Score(body.message.text);
    metrics_.Scored(score ? 1 : 0);
    // The answer gives the poster the score of what they sent; the store
    // keeps the text masked, when it is set to.
    std::optional<MessageScore> answered;
    if (redaction_.enabled()) {
      answered = score;
      RedactForStorage(redaction_, &body.message, &score);
      for (auto& [name, value] : body.header.attributes) value = Redact(value, redaction_);
    }
    // Encoded here too: the writer appends the pieces.
    std::string message_json, score_json;
    AppendMessageJson(body.message, &message_json);
    AppendScoreJson(score, &score_json);
    json queued;
    size_t index = 0;
    ConversationRollup rollup;
    const Status s = writer_->Submit([&](WriterContext& ctx) -> Status {
      ASSIGN_OR_RETURN(LiveConversation * live, ctx.Find(id));
      // Each fold rewrites the whole conversation: one that grows without
      // end made every message cost more (and the log grow to gigabytes).
      if (live != nullptr && live->sc.conversation.messages.size() >= o_.max_messages_per_conversation) {
        return Status::FailedPrecondition("conversation " + id + " already has " +
                                          std::to_string(o_.max_messages_per_conversation) +
                                          " messages (max_messages_per_conversation); start another");
      }
      if (live == nullptr) {
        ScoredConversation fresh;
        if (body.has_header) fresh.conversation = body.header;
        fresh.conversation.id = id;
        if (fresh.conversation.created_at_ms == 0) fresh.conversation.created_at_ms = body.message.at_ms;
        fresh.conversation.messages.push_back(body.message);
        fresh.scores.push_back(score);
        live = ctx.Start(std::move(fresh));
        RETURN_IF_ERROR(MaybeAudit(ctx, id));
      } else {
        // The conversation grows by one message: the rollup pools the stored
        // compounds again, nothing is scored twice, nothing re-encoded.
        ScoredConversation& sc = live->sc;
        sc.conversation.messages.push_back(body.message);
        sc.scores.push_back(score);
        RefreshRollup(&sc);
        AppendToEncoded(message_json, score_json, &live->encoded);
      }
      RETURN_IF_ERROR(ctx.Added(live, message_json, score_json));
      index = live->sc.conversation.messages.size() - 1;
      RETURN_IF_ERROR(MaybeQueue(ctx, *live, index, &queued));
      rollup = live->sc.rollup;
      return Status::Ok();
    });
    if (s.code() == StatusCode::kFailedPrecondition) return Error(res, 413, "not stored: " + s.message());
    if (!s.ok()) return Error(res, 503, "not stored: " + s.message());
    // The answer is built here, not on the writer's thread, and by hand:
    // this is the one endpoint that runs thousands of times a second.
    std::string out = "{\"conversation\":";
    out.reserve(400);
    AppendJsonString(id, &out);
    out += ",\"message\":" + std::to_string(index) + ",\"score\":";
    if (redaction_.enabled()) score = std::move(answered);
    if (score) {
      out += '{';
      AppendScoreFields(*score, model_->info().version, &out);
      out += '}';
    } else {
      out += "null";
    }
    out += ",\"tone\":";
    if (rollup.has_customer) {
      out += "{\"label\":\"";
      out += SentimentName(rollup.tone);
      out += "\",\"compound\":";
      AppendJsonNumber(rollup.compound, 4, &out);
      out += ",\"trajectory\":\"";
      out += TrajectoryName(rollup.trajectory);
      out += "\"}";
    } else {
      out += "null";
    }
    out += ",\"queued\":" + (queued.is_null() ? std::string("null") : Dump(queued));
    if (body.repaired_bytes > 0) out += ",\"warning\":\"invalid UTF-8 repaired\"";
    out += "}";
    res.status = 201;
    res.set_content(out, "application/json");
  }

  void PostConversations(const httplib::Request& req, httplib::Response& res) {
    std::vector<Conversation> conversations;
    std::vector<BulkError> errors;
    ParseBulkBody(req.body, &conversations, &errors);
    json errs = json::array();
    for (const auto& e : errors) errs.push_back({{"line", e.line}, {"error", e.error}});
    if (conversations.empty()) return Reply(res, 400, {{"error", "no valid conversation in the body"}, {"errors", errs}});
    std::vector<ScoredConversation> scored;
    int64_t messages = 0;
    for (auto& c : conversations) {
      messages += static_cast<int64_t>(c.messages.size());
      scored.push_back(ScoreConversation(std::move(c), ThreadScorer()));
      RedactForStorage(redaction_, &scored.back());
    }
    metrics_.Scored(messages);
    json queued = json::array();
    const Status s = writer_->Submit([&](WriterContext& ctx) -> Status {
      for (auto& one : scored) {
        ASSIGN_OR_RETURN(LiveConversation * live, ctx.Put(std::move(one)));
        RETURN_IF_ERROR(MaybeAudit(ctx, live->sc.conversation.id));
        // Any message may set off the queue; the first that does names why.
        for (size_t i = 0; i < live->sc.conversation.messages.size(); ++i) {
          json q;
          RETURN_IF_ERROR(MaybeQueue(ctx, *live, i, &q));
          if (!q.is_null()) {
            queued.push_back(q);
            break;
          }
        }
      }
      return Status::Ok();
    });
    if (!s.ok()) return Error(res, 503, "not stored: " + s.message());
    Reply(res, 200, {{"stored", scored.size()}, {"messages", messages}, {"skipped", errors.size()}, {"errors", errs},
                     {"queued", queued}});
  }

  // ---- Reads ---------------------------------------------------------------------

  // The repeatable where=KEY=VALUE filter of the report and the tree.
  static bool ParseWhere(const httplib::Request& req, std::vector<std::pair<std::string, std::string>>* where) {
    for (size_t i = 0; i < req.get_param_value_count("where"); ++i) {
      if (!ParseSegmentFilter(req.get_param_value("where", i), &where->emplace_back())) return false;
    }
    return true;
  }

  void GetReport(const httplib::Request& req, httplib::Response& res) {
    ReportOptions o;
    if (req.has_param("period")) {
      const std::string p = req.get_param_value("period");
      if (p != "day" && p != "week") return Error(res, 400, "period: expected day or week");
      o.period = p == "day" ? Period::kDay : Period::kWeek;
    }
    int64_t from = INT64_MIN, to = INT64_MAX;
    if (req.has_param("from") && !ParseTime(req.get_param_value("from"), &from)) return Error(res, 400, "from: not a date");
    if (req.has_param("to") && !ParseTime(req.get_param_value("to"), &to)) return Error(res, 400, "to: not a date");
    if (!ParseWhere(req, &o.where)) return Error(res, 400, "where: expected KEY=VALUE");
    o.blend_human_labels = req.get_param_value("human_labels") == "blend";
    Store* store = Reader();
    if (!store) return Error(res, 503, "the store cannot be opened");
    if (Status f = writer_->Fold(""); !f.ok()) return Error(res, 503, f.message());
    auto report = BuildReport(*store, from, to, o);
    if (!report.ok()) return Error(res, report.status().code() == StatusCode::kInvalidArgument ? 400 : 500, report.status().message());
    res.set_content(ReportToJson(*report), "application/json");
  }

  // ---- The review queue -------------------------------------------------------------

  void ListQueue(const httplib::Request& req, httplib::Response& res) {
    const std::string status = req.has_param("status") ? req.get_param_value("status") : "open";
    if (status != "open" && status != "claimed" && status != "resolved" && status != "all") {
      return Error(res, 400, "status: expected open, claimed, resolved or all");
    }
    const std::string order = req.has_param("order") ? req.get_param_value("order") : "severity";
    if (order != "severity" && order != "age") return Error(res, 400, "order: expected severity or age");
    int limit = 100;
    if (req.has_param("limit")) {
      const std::string v = req.get_param_value("limit");
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < 1 || n > 10000) return Error(res, 400, "limit: expected 1 to 10000");
      limit = static_cast<int>(n);
    }
    Store* store = Reader();
    if (!store) return Error(res, 503, "the store cannot be opened");
    auto items = store->review_items().List(status == "all" ? "" : status, order, limit);
    if (!items.ok()) return Error(res, 500, items.status().message());
    json out = json::array();
    for (const auto& r : *items) out.push_back(ReviewJson(r));
    Reply(res, 200, {{"items", out}});
  }

  void QueueAction(const httplib::Request& req, httplib::Response& res, const Principal& who) {
    const int64_t id = std::atoll(std::string(req.matches[1]).c_str());
    const auto action = ParseReviewAction(req.matches[2]);
    if (!action) return Error(res, 404, "no such endpoint");
    Sentiment label = Sentiment::kNeutral;
    std::string note;
    if (*action == ReviewAction::kResolve) {
      if (JsonTooDeep(req.body) != std::string_view::npos) return Error(res, 400, "body: " + JsonTooDeepMessage());
      const auto body = json::parse(req.body, nullptr, false);
      if (body.is_discarded() || !body.is_object()) return Error(res, 400, "body: expected a JSON object with label and note");
      if (!body.contains("label") || !body["label"].is_string()) return Error(res, 400, "label: expected negative, neutral or positive");
      if (!ParseSentiment(body["label"].get<std::string>(), &label)) {
        return Error(res, 400, "label: expected negative, neutral or positive");
      }
      if (body.contains("note")) {
        if (!body["note"].is_string()) return Error(res, 400, "note: not a string");
        note = body["note"].get<std::string>();
      }
    }
    int status = 200;
    std::string problem;
    json answer;
    const Status s = writer_->Submit([&](WriterContext& ctx) -> Status {
      ASSIGN_OR_RETURN(auto item, ctx.store().review_items().Get(id));
      if (!item) return status = 404, problem = "no review item " + std::to_string(id), Status::Ok();
      const Reviewer reviewer{who.name, who.key_id, who.role == "admin"};
      const Status allowed = ApplyReviewAction(&*item, *action, reviewer, label, note, NowMs());
      if (!allowed.ok()) return status = 409, problem = allowed.message(), Status::Ok();
      if (*action == ReviewAction::kResolve) {
        RETURN_IF_ERROR(ctx.Fold(item->conversation));  // its report row carries the label
        RETURN_IF_ERROR(ctx.store().labels().Add(ResolutionLabel(*item, reviewer, model_->info().version)));
      }
      RETURN_IF_ERROR(ctx.store().review_items().Update(*item));
      answer = ReviewJson(*item);
      const char* type = *action == ReviewAction::kResolve ? "resolved"
                         : *action == ReviewAction::kClaim ? "claimed"
                                                           : "released";
      RETURN_IF_ERROR(Announce(ctx, type, answer));
      ctx.AfterCommit([this, answer, type] { events_.Publish(type, Dump(answer)); });
      return Status::Ok();
    });
    if (!s.ok()) return Error(res, 503, "not stored: " + s.message());
    if (status != 200) return Error(res, status, problem);
    Reply(res, 200, answer);
  }

  void QueueEvents(const httplib::Request& req, httplib::Response& res) {
    int64_t after = events_.last();
    if (req.has_header("Last-Event-ID")) after = std::atoll(req.get_header_value("Last-Event-ID").c_str());
    res.set_header("Cache-Control", "no-cache");
    res.set_chunked_content_provider("text/event-stream", [this, after](size_t, httplib::DataSink& sink) mutable {
      if (events_.stopped()) return false;
      const auto events = events_.After(after, std::chrono::milliseconds(15000));
      std::string out;
      for (const auto& e : events) {
        out += "id: " + std::to_string(e.id) + "\nevent: " + e.type + "\ndata: " + e.data + "\n\n";
        after = e.id;
      }
      if (out.empty()) out = ": keep-alive\n\n";
      return sink.write(out.data(), out.size()) && !events_.stopped();
    });
  }

  ServeOptions o_;
  std::shared_ptr<const Model> model_;
  std::unique_ptr<Writer> writer_;
  TreeConfig public_tree_;  // o_.tree without the owners' webhook URLs
  LimitedHttpServer svr_{Limits(o_), Classify};
  RateLimiter per_key_{static_cast<double>(o_.key_requests_per_second)};
  RateLimiter failed_auth_{20.0};
  EventHub events_;
  // This server among those sharing a store: its own announcements come back to it.
  const std::string origin_ = std::to_string(getpid()) + "-" + std::to_string(NowMs());
  Metrics metrics_;
  const Redaction redaction_;  // the store's: what its text is masked of
  std::mutex webhooks_mu_;
  std::unique_ptr<WebhookSender> webhooks_;  // from StartWebhooks until the writer drains
  std::mutex keys_mu_;
  std::unordered_map<std::string, std::pair<std::optional<Principal>, std::chrono::steady_clock::time_point>> keys_;
};

thread_local std::optional<Server::CheckedKey> Server::t_checked_key;

}  // namespace

Status Serve(const ServeOptions& options, std::shared_ptr<const Model> model) {
  // Block the stop signals in every thread; one thread takes them (Run).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client that goes away is not a reason to die
  ASSIGN_OR_RETURN(auto store, Store::Open(options.db));
  if (LiveLog* log = store->live_log()) RETURN_IF_ERROR(log->Claim());
  ASSIGN_OR_RETURN(const int64_t model_id, store->RegisterModel(model->info().version, model->info().metadata_json));
  RETURN_IF_ERROR(store->SetCurrentModel(model->info().version));
  ASSIGN_OR_RETURN(const Redaction redaction, StoredRedaction(*store));
  // SQLite: the log is copied by the server's checkpoint thread, not by the
  // writer's commits. PostgreSQL has nothing to defer.
  if (Status s = store->DeferCheckpoints(); !s.ok() && s.code() != StatusCode::kFailedPrecondition) return s;
  auto writer = std::make_unique<Writer>(std::move(store), model_id);
  // Messages answered before a stop that did not fold them (a crash) are
  // folded now, before the first request.
  RETURN_IF_ERROR(writer->Submit([](WriterContext& ctx) -> Status {
    RETURN_IF_ERROR(ctx.Recover());
    return ctx.FoldAll();
  }));
  Server server(options, std::move(model), std::move(writer), redaction);
  return server.Run();
}

}  // namespace convsent
