// convsent serve: starting and stopping the server, and access control.
// The routes are in routes.cc, messages.cc and queue.cc (server_impl.h).
#include <netinet/in.h>
#include <signal.h>
#include <strings.h>
#include <sys/socket.h>

#include <cstdlib>
#include <thread>

#include "server/server_impl.h"

namespace convsent {
namespace server {
namespace {

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

}  // namespace

unsigned RoleBit(const std::string& role) {
  return role == "admin"      ? kAdmin
         : role == "ingest"   ? kIngest
         : role == "reviewer" ? kReviewer
         : role == "viewer"   ? kViewer
                              : 0u;
}

thread_local std::optional<Server::CheckedKey> Server::t_checked_key;

Status Server::Run() {
  svr_.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    res.status = 500;
    res.set_content(R"({"error":"internal error"})", "application/json");
  });
  svr_.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (LimitedHttpServer::BodyTooLarge()) res.status = 413, res.body.clear();  // httplib says 400
    if (!res.body.empty()) return;
    const char* what = res.status == 404   ? "no such endpoint"
                       : res.status == 413 ? "request body too large"
                       : res.status == 405 ? "method not allowed"
                                           : "bad request";
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
  for (const SyncSource& s : o_.sync.sources) {
    if (CanSync(s.system) && !s.token.empty()) fetchers_[std::string(HelpDeskName(s.system))] = std::make_unique<ConversationFetcher>(s);
  }
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
    sigaddset(&set, SIGHUP);   // reload the model file
    int sig = 0;
    while (sigwait(&set, &sig) == 0 && sig == SIGHUP) {
      const std::string before = CurrentScoring()->model->info().version;
      if (Status s = ReloadModel(); !s.ok()) {
        std::fprintf(stderr, "convsent serve: model not reloaded: %s\n", s.ToString().c_str());
      } else {
        std::fprintf(stderr, "convsent serve: model %s -> %s\n", before.c_str(),
                     CurrentScoring()->model->info().version.c_str());
      }
    }
    if (sig != SIGUSR1) std::fprintf(stderr, "convsent serve: signal %d, stopping\n", sig);
    events_.Stop();
    // httplib's stop() does nothing until listen_after_bind() has begun
    // running: a signal right after "listening on" was lost, and the
    // server never stopped.
    while (!svr_.is_running() && !listen_returned.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    svr_.stop();
  });
  std::atomic<bool> done{false};
  std::thread listener([this, &done] { ListenToOtherServers(done); });
  std::thread syncing, writing_back;
  if (o_.sync_in_background) syncing = std::thread([this, &done] { StartBackgroundSync(done); });
  if (!o_.sync.write_back.empty()) writing_back = std::thread([this, &done] { RunWriteBacks(done); });
  const bool ok = svr_.listen_after_bind();
  listen_returned = true;
  svr_.Shutdown();  // answers what was read, closes the rest
  done = true;
  listener.join();
  if (syncing.joinable()) syncing.join();
  {
    std::lock_guard lock(write_backs_mu_);
    write_backs_cv_.notify_all();
  }
  if (writing_back.joinable()) writing_back.join();
  events_.Stop();
  pthread_kill(signals.native_handle(), SIGUSR1);
  signals.join();
  // Attempts in flight are cut off (still pending in the store); the
  // outcomes being recorded go through the writer first.
  std::unique_ptr<WebhookSender> webhooks;
  {
    MutexLock lock(webhooks_mu_);
    webhooks = std::move(webhooks_);
  }
  webhooks.reset();
  writer_.reset();  // drains what handlers submitted, commits, stops
  return ok ? Status::Ok() : Status::IoError("the server stopped with an error");
}

void Server::Reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(Dump(body), "application/json");
}

void Server::Error(httplib::Response& res, int status, const std::string& message) {
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

HttpLimits Server::Limits(const ServeOptions& o) {
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

RouteClass Server::Classify(std::string_view method, std::string_view target) {
  if (method == "POST" && (target.starts_with("/v1/conversations") || target.starts_with("/v1/hooks/"))) {
    return RouteClass::kIngest;
  }
  if (method == "GET" && target.starts_with("/v1/queue/events")) return RouteClass::kStream;
  return RouteClass::kOther;
}

bool Server::BeforeTheBody(const httplib::Request& req, httplib::Response& res) {
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
  if (req.method == "POST" && req.path.starts_with("/v1/hooks/")) return HookBeforeTheBody(req, res);  // signed, not keyed
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
    return refuse(429, "this key sends more than " + std::to_string(o_.key_requests_per_second) + " requests a second");
  }
  return true;
}

std::string Server::BearerToken(const httplib::Request& req) {
  const std::string auth = req.get_header_value("Authorization");
  if (auth.size() <= 7 || strncasecmp(auth.c_str(), "Bearer ", 7) != 0) return "";
  return auth.substr(7);
}

Store* Server::Reader() {
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

Scorer& Server::ThreadScorer(const std::shared_ptr<const Model>& model) {
  thread_local std::unique_ptr<Scorer> scorer;
  if (!scorer || &scorer->model() != model.get()) scorer = std::make_unique<Scorer>(model);
  return *scorer;
}

Status Server::ReloadModel(const std::string& expect) {
  if (o_.model_path.empty()) {
    return Status::FailedPrecondition("started with the embedded model: nothing to reload (serve --model FILE)");
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const Model> model, Model::Load(o_.model_path));
  if (!expect.empty() && model->info().version != expect) {
    // Switching would set the shared store's current model back.
    return Status::FailedPrecondition(o_.model_path + " holds " + model->info().version + ", not " + expect +
                                      ": deploy the new file here, then send this server SIGHUP");
  }
  const bool announce = expect.empty();
  auto next = std::make_shared<const Scoring>(Scoring{model, RollupOptionsFor(*model)});
  return writer_->Submit([&](WriterContext& ctx) -> Status {
    // Every message answered so far is stored under the model that scored it.
    RETURN_IF_ERROR(ctx.FoldAll());
    ASSIGN_OR_RETURN(const int64_t id, ctx.store().RegisterModel(model->info().version, model->info().metadata_json));
    RETURN_IF_ERROR(ctx.store().SetCurrentModel(model->info().version));
    // Conversations read from now on carry the new model's scores, or none
    // yet: PostMessage scores what is missing.
    ctx.DropCache();
    ctx.SwitchModel(model.get(), id, next->rollup);
    scoring_.store(next);
    return announce ? Announce(ctx, "model", {{"version", model->info().version}}) : Status::Ok();
  });
}

void Server::Route(const char* method, const std::string& pattern, const std::string& name, unsigned roles, Handler h) {
  auto wrapped = [this, name, roles, h](const httplib::Request& req, httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    Authorize(req, res, roles, h);
    metrics_.Request(name, res.status, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  };
  if (std::string(method) == "GET")
    svr_.Get(pattern, wrapped);
  else
    svr_.Post(pattern, wrapped);
}

std::optional<Principal> Server::Lookup(const std::string& key, Status* error) {
  const auto now = std::chrono::steady_clock::now();
  {
    MutexLock lock(keys_mu_);
    if (auto it = keys_.find(key); it != keys_.end() && now < it->second.second) return it->second.first;
  }
  Store* store = Reader();
  if (!store) return *error = Status::IoError("the store cannot be opened"), std::nullopt;
  auto found = store->api_keys().Find(HashApiKey(key));
  if (!found.ok()) return *error = found.status(), std::nullopt;
  std::optional<Principal> who;
  if (*found) who = Principal{(*found)->name.empty() ? (*found)->prefix : (*found)->name, (*found)->role, (*found)->id};
  MutexLock lock(keys_mu_);
  if (keys_.size() > 10000) keys_.clear();  // bounded: a flood of bad keys cannot grow it
  keys_[key] = {who, now + std::chrono::seconds(1)};
  return who;
}

void Server::Authorize(const httplib::Request& req, httplib::Response& res, unsigned roles, const Handler& h) {
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

}  // namespace server

Status Serve(const ServeOptions& options, std::shared_ptr<const Model> model) {
  // Block the stop signals in every thread; one thread takes them (Run).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client that goes away is not a reason to die
  ASSIGN_OR_RETURN(auto store, Store::Open(options.db));
  if (LiveLog* log = store->live_log()) RETURN_IF_ERROR(log->Claim());
  ASSIGN_OR_RETURN(const int64_t model_id, store->RegisterModel(model->info().version, model->info().metadata_json));
  RETURN_IF_ERROR(store->SetCurrentModel(model->info().version));
  ASSIGN_OR_RETURN(const Redaction redaction, StoredRedaction(*store));
  // SQLite: the writer's commits leave the log to a thread of its own:
  // every 50 ms it hands the changed pages to the disk (without waiting)
  // and copies the log into the store. A checkpoint's sync stalls the
  // commits behind the file system; small and frequent ones, with little
  // left to sync, stall them least (p99 at 5,000 msg/s: 46 ms checkpointing
  // once a second, 7-8 ms so; bench/RESULTS.md).
  WriterOptions w;
  w.model_id = model_id, w.rollup = RollupOptionsFor(*model), w.model = model.get();
  w.checkpoint_every = std::chrono::milliseconds(50), w.start_writeback = true;
  auto writer = std::make_unique<Writer>(std::move(store), w);
  // Messages answered before a stop that did not fold them (a crash) are
  // folded now, before the first request.
  RETURN_IF_ERROR(writer->Submit([](WriterContext& ctx) -> Status {
    RETURN_IF_ERROR(ctx.Recover());
    return ctx.FoldAll();
  }));
  server::Server server(options, std::move(model), std::move(writer), redaction);
  return server.Run();
}

}  // namespace convsent
