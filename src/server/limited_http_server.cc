#include "server/limited_http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace convsent {
namespace {

using Clock = std::chrono::steady_clock;

// What the handlers of the request on this thread may ask for (see the header).
thread_local bool t_body_too_large = false;
thread_local bool t_close_after = false;

// httplib hands each accepted connection to its task queue; ours only
// passes it on to the epoll thread, so the accepting thread runs it.
class InlineQueue final : public httplib::TaskQueue {
 public:
  void enqueue(std::function<void()> fn) override { fn(); }
  void shutdown() override {}
};

// Where the head that starts at `from` ends (just past its blank line), or npos.
size_t HeadEnd(const std::string& in, size_t from) {
  const size_t at = in.find("\r\n\r\n", from);
  return at == std::string::npos ? std::string::npos : at + 4;
}

int MsLeft(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<int64_t>(left, 1 << 30));
}

// The address and port of a socket's end: getsockname or getpeername.
template <typename GetName>
void AddressOf(int fd, GetName get_name, std::string* ip, int* port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  ip->clear(), *port = 0;
  if (get_name(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return;
  char buf[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf), *port = ntohs(a->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf), *port = ntohs(a->sin6_port);
  }
  *ip = buf;
}

void WriteAll(int fd, std::string_view bytes) {
  // Best effort, for refusals: the connection is closed right after.
  while (!bytes.empty()) {
    const ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

struct LimitedHttpServer::Connection {
  int fd = -1;
  std::string ip;
  int port = 0;
  std::string in;       // received and not yet read by the parser
  Clock::time_point since;  // idle since, or the current head's first byte
  bool in_head = false;     // `in` holds part of a head
};

// The connection as httplib reads and writes it: buffered bytes first, then
// the socket, within the request's byte budget and deadlines.
class LimitedHttpServer::ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(LimitedHttpServer& server, Connection& c, size_t budget)
      : server_(server), c_(c), budget_(budget), body_deadline_(Clock::now() + ms(server.limits_.body_timeout_ms)) {}

  bool is_readable() const override { return pos_ < c_.in.size() || Wait(POLLIN, server_.limits_.read_timeout_ms); }
  bool is_writable() const override { return Wait(POLLOUT, server_.limits_.write_timeout_ms); }

  ssize_t read(char* ptr, size_t size) override {
    if (read_ >= budget_) {
      t_body_too_large = true;
      return -1;
    }
    size = std::min(size, budget_ - read_);
    if (pos_ < c_.in.size()) {
      const size_t n = std::min(size, c_.in.size() - pos_);
      std::memcpy(ptr, c_.in.data() + pos_, n);
      pos_ += n;
      read_ += n;
      return static_cast<ssize_t>(n);
    }
    for (;;) {
      const ssize_t n = recv(c_.fd, ptr, size, MSG_DONTWAIT);
      if (n > 0) {
        read_ += static_cast<size_t>(n);
        return n;
      }
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return -1;
      // A stop gives a slow body a second more, not its whole time.
      const int wait = std::min({server_.limits_.read_timeout_ms, MsLeft(body_deadline_),
                                 server_.stopping_.load() ? 1000 : 1 << 30});
      if (wait == 0 || !Wait(POLLIN, wait)) return -1;
    }
  }

  ssize_t write(const char* ptr, size_t size) override {
    size_t done = 0;
    while (done < size) {
      const ssize_t n = send(c_.fd, ptr + done, size - done, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        done += static_cast<size_t>(n);
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        if (!Wait(POLLOUT, server_.limits_.write_timeout_ms)) return -1;
      } else {
        return -1;
      }
    }
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = c_.ip;
    port = c_.port;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    AddressOf(c_.fd, getsockname, &ip, &port);
  }
  socket_t socket() const override { return c_.fd; }

  // The bytes of `in` the parser has read.
  size_t buffered_read() const { return pos_; }

 private:
  static std::chrono::milliseconds ms(int n) { return std::chrono::milliseconds(n); }
  bool Wait(short events, int timeout_ms) const {
    pollfd p{c_.fd, events, 0};
    for (;;) {
      const int r = poll(&p, 1, timeout_ms);
      if (r < 0 && errno == EINTR) continue;
      return r > 0 && (p.revents & (events | POLLHUP)) != 0 && (p.revents & (POLLERR | POLLNVAL)) == 0;
    }
  }

  LimitedHttpServer& server_;
  Connection& c_;
  const size_t budget_;  // bytes this request may read: its head and at most the body limit
  size_t read_ = 0;
  size_t pos_ = 0;
  const Clock::time_point body_deadline_;
};

// A fixed set of threads running connections whose next head is buffered.
class LimitedHttpServer::Pool {
 public:
  Pool(int threads, LimitedHttpServer* server) : server_(server) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
  }
  ~Pool() { Stop(); }
  void Add(std::unique_ptr<Connection> c) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(c));
      queued_ = queue_.size();
    }
    cv_.notify_one();
  }
  // Connections waiting for a thread of this pool.
  size_t queued() const { return queued_.load(std::memory_order_relaxed); }
  // Runs what is queued, then ends the threads.
  void Stop() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

 private:
  void Run() {
    for (;;) {
      std::unique_ptr<Connection> c;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;
        c = std::move(queue_.front());
        queue_.pop_front();
        queued_ = queue_.size();
      }
      server_->Serve(std::move(c), this);
    }
  }
  LimitedHttpServer* server_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Connection>> queue_;
  std::atomic<size_t> queued_{0};
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

LimitedHttpServer::LimitedHttpServer(const HttpLimits& limits, Classifier classify)
    : limits_(limits), classify_(std::move(classify)) {
  new_task_queue = [] { return new InlineQueue; };
  // Content-Length past the limit is refused by httplib itself, unread.
  set_payload_max_length(limits_.max_body_bytes);
  // A refused request may leave its body unread on the connection, where it
  // would be taken for the next request: the connection closes after any
  // 4xx or 5xx to a request that came with a body. (This takes httplib's
  // logger: set no other on this server.)
  set_logger([](const httplib::Request& req, const httplib::Response& res) {
    if (res.status >= 400 && HasBody(req)) t_close_after = true;
  });
  ingest_ = std::make_unique<Pool>(limits_.ingest_threads, this);
  other_ = std::make_unique<Pool>(limits_.other_threads, this);
  epoll_ = epoll_create1(EPOLL_CLOEXEC);
  wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wake_;
  epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &ev);
  poller_ = std::thread([this] { PollLoop(); });
}

LimitedHttpServer::~LimitedHttpServer() {
  Shutdown();
  close(epoll_);
  close(wake_);
}

bool LimitedHttpServer::BodyTooLarge() { return t_body_too_large; }
bool LimitedHttpServer::HasBody(const httplib::Request& req) {
  return req.has_header("Transfer-Encoding") || std::atoll(req.get_header_value("Content-Length").c_str()) > 0;
}
void LimitedHttpServer::CloseAfterAnswer() { t_close_after = true; }

bool LimitedHttpServer::process_and_close_socket(socket_t sock) {
  if (stopping_.load() || open_.load() >= limits_.max_connections) {
    WriteAll(sock, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    close(sock);
    return true;
  }
  ++open_;
  fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
  const int one = 1;
  setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // small JSON answers must not wait for Nagle
  auto c = std::make_unique<Connection>();
  c->fd = sock;
  AddressOf(sock, getpeername, &c->ip, &c->port);
  c->since = Clock::now();
  Wait(std::move(c));
  return true;
}

void LimitedHttpServer::Wait(std::unique_ptr<Connection> c) {
  {
    std::lock_guard lock(mu_);
    // Stopping: nothing waits any more (checked under the lock that
    // Shutdown takes to close what is incoming).
    if (stopping_.load()) return Close(std::move(c));
    incoming_.push_back(std::move(c));
  }
  const uint64_t one = 1;
  (void)!::write(wake_, &one, sizeof one);
}

void LimitedHttpServer::Close(std::unique_ptr<Connection> c) {
  close(c->fd);
  --open_;
}

void LimitedHttpServer::Refuse(std::unique_ptr<Connection> c, int status, const char* message) {
  const std::string body = std::string("{\"error\":\"") + message + "\"}";
  WriteAll(c->fd, "HTTP/1.1 " + std::to_string(status) + " " + message + "\r\nContent-Type: application/json\r\n" +
                      "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  Close(std::move(c));
}

RouteClass LimitedHttpServer::ClassOf(std::string_view head) const {
  // The request line: METHOD SP TARGET SP VERSION.
  head = head.substr(0, head.find("\r\n"));
  const size_t sp1 = head.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : head.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return RouteClass::kOther;  // httplib answers 400
  return classify_(head.substr(0, sp1), head.substr(sp1 + 1, sp2 - sp1 - 1));
}

void LimitedHttpServer::Dispatch(std::unique_ptr<Connection> c) {
  switch (ClassOf(c->in)) {
    case RouteClass::kIngest:
      return ingest_->Add(std::move(c));
    case RouteClass::kOther:
      return other_->Add(std::move(c));
    case RouteClass::kStream:
      break;
  }
  // A stream holds its thread for its life: a thread of its own, bounded.
  if (streams_.fetch_add(1) >= limits_.max_streams) {
    --streams_;
    return Refuse(std::move(c), 503, "too many event streams open");
  }
  std::thread([this, c = std::move(c)]() mutable {
    Serve(std::move(c), nullptr);
    std::lock_guard lock(streams_mu_);
    --streams_;
    streams_done_.notify_all();
  }).detach();
}

// Appends what the socket has now, up to the head limit; false when the
// peer has gone.
bool LimitedHttpServer::ReadAvailable(Connection& c) {
  char buf[16384];
  while (c.in.size() <= limits_.max_head_bytes) {
    const ssize_t got = recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
    if (got > 0) {
      if (!c.in_head) c.in_head = true, c.since = Clock::now();
      c.in.append(buf, static_cast<size_t>(got));
      continue;
    }
    return got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
  }
  return true;
}

void LimitedHttpServer::Serve(std::unique_ptr<Connection> c, const Pool* pool) {
  // Requests in a row on this thread while their heads arrive; then the
  // connection goes back to waiting, and the thread to others. A client
  // that sends its next request as soon as it has the answer (most do)
  // is waited for a moment here, unless others already wait for a thread:
  // handing every request through the epoll thread cost 15% more CPU a
  // message and saturated ingest at 4,500/s (bench/RESULTS.md). The wait
  // is on the connection alone: a wake-up descriptor shared by the pool's
  // threads put all of them on one kernel wait queue, whose lock took a
  // tenth of the server's time.
  for (int n = 0; n < 16; ++n) {
    size_t head = HeadEnd(c->in, 0);
    if (head == std::string::npos && n > 0 && pool != nullptr && pool->queued() == 0 && !stopping_.load()) {
      pollfd p{c->fd, POLLIN, 0};
      if (poll(&p, 1, kLingerMs) > 0) {
        if (!ReadAvailable(*c)) return Close(std::move(c));
        head = HeadEnd(c->in, 0);
      }
    }
    if (head == std::string::npos) break;
    // An event stream sent on a connection a pool thread serves gets a
    // thread of its own (bounded), not this one for its life.
    if (pool != nullptr && ClassOf(c->in) == RouteClass::kStream) return Dispatch(std::move(c));
    // Allowance for chunk framing: a chunked body of the limit in chunks of
    // 4 KiB or more stays inside it.
    const size_t budget = head + limits_.max_body_bytes + limits_.max_body_bytes / 64 + 4096;
    ConnectionStream stream(*this, *c, budget);
    t_body_too_large = false;
    t_close_after = false;
    bool closed = false;
    const bool stopping = stopping_.load();
    const bool ok = process_request(stream, /*close_connection=*/stopping, closed, [](httplib::Request& req) {
      // Many ranges of one file multiply its size: ranges are ignored (RFC
      // 9110 lets a server answer 200 with the whole content).
      req.ranges.clear();
    });
    if (!ok || closed || stopping || t_close_after || t_body_too_large) return Close(std::move(c));
    c->in.erase(0, stream.buffered_read());
  }
  c->since = Clock::now();
  c->in_head = !c->in.empty();
  Wait(std::move(c));
}

void LimitedHttpServer::PollLoop() {
  std::vector<epoll_event> events(256);
  auto last_sweep = Clock::now();
  while (!stopping_.load()) {
    const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 200);
    std::vector<std::unique_ptr<Connection>> incoming;
    {
      std::lock_guard lock(mu_);
      incoming.swap(incoming_);
    }
    for (auto& c : incoming) {
      if (HeadEnd(c->in, 0) != std::string::npos) {
        Dispatch(std::move(c));
        continue;
      }
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLRDHUP;
      ev.data.fd = c->fd;
      if (epoll_ctl(epoll_, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
        Close(std::move(c));
        continue;
      }
      const int fd = c->fd;
      waiting_[fd] = std::move(c);
    }
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == wake_) {
        uint64_t count;
        (void)!::read(wake_, &count, sizeof count);
        continue;
      }
      auto it = waiting_.find(fd);
      if (it == waiting_.end()) continue;
      Connection& c = *it->second;
      // Reads what is there, up to the head limit and a little more (to
      // tell a head that ends right at the limit from one that runs past).
      const bool gone = !ReadAvailable(c);
      const size_t head = HeadEnd(c.in, 0);
      if (head == std::string::npos && !gone && c.in.size() <= limits_.max_head_bytes) continue;
      auto owned = std::move(it->second);
      waiting_.erase(it);
      epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
      if (head == std::string::npos || head > limits_.max_head_bytes) {
        if (gone) Close(std::move(owned));
        else Refuse(std::move(owned), 431, "request header fields too large");
        continue;
      }
      if (std::count(owned->in.begin(), owned->in.begin() + static_cast<std::ptrdiff_t>(head), '\n') >
          limits_.max_head_lines + 2) {
        Refuse(std::move(owned), 431, "too many header fields");
        continue;
      }
      Dispatch(std::move(owned));
    }
    // Connections idle too long, and heads that take too long to arrive.
    const auto now = Clock::now();
    if (now - last_sweep < std::chrono::milliseconds(100)) continue;
    last_sweep = now;
    for (auto it = waiting_.begin(); it != waiting_.end();) {
      Connection& c = *it->second;
      const int limit = c.in_head ? limits_.head_timeout_ms : limits_.idle_timeout_ms;
      if (now - c.since < std::chrono::milliseconds(limit)) {
        ++it;
        continue;
      }
      auto owned = std::move(it->second);
      it = waiting_.erase(it);
      epoll_ctl(epoll_, EPOLL_CTL_DEL, owned->fd, nullptr);
      if (owned->in_head) Refuse(std::move(owned), 408, "request timeout");
      else Close(std::move(owned));
    }
  }
}

void LimitedHttpServer::Shutdown() {
  if (stopping_.exchange(true)) return;
  const uint64_t one = 1;
  (void)!::write(wake_, &one, sizeof one);
  if (poller_.joinable()) poller_.join();
  // What waits for a head is closed; what has one is answered first.
  for (auto& [fd, c] : waiting_) Close(std::move(c));
  waiting_.clear();
  {
    std::lock_guard lock(mu_);
    for (auto& c : incoming_) Close(std::move(c));
    incoming_.clear();
  }
  ingest_->Stop();
  other_->Stop();
  std::unique_lock lock(streams_mu_);
  streams_done_.wait(lock, [&] { return streams_.load() == 0; });
}

}  // namespace convsent
