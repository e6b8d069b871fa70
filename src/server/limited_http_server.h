// cpp-httplib's server with the limits that Debian 12's version (0.11.4)
// lacks, enforced beneath it, where it takes its connections.
//
// A connection waits in one epoll thread, not in a handler thread, until a
// whole request head has arrived: idle keep-alive connections and clients
// that trickle their headers hold no thread. The head is bounded in bytes,
// lines and time (431, 408); the body in bytes as counted on the wire,
// chunked or not (413), and in time; the number of connections is bounded.
// Whole requests then run on one of three sets of threads, by route class:
// ingest, event streams (a thread each, bounded: 503 past it) and the rest,
// so that slow readers and long-lived streams never delay ingest.
//
// httplib still parses requests and writes answers: this class only decides
// which bytes it may read, and when. Everything else (routes, handlers,
// pre-routing) is set on it as on any httplib::Server.
#ifndef CONVSENT_SRC_SERVER_LIMITED_HTTP_SERVER_H_
#define CONVSENT_SRC_SERVER_LIMITED_HTTP_SERVER_H_

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace convsent {

struct HttpLimits {
  size_t max_head_bytes = 32 << 10;  // request line and headers together: 431 past it
  int max_head_lines = 100;          // header lines: 431 past it
  size_t max_body_bytes = 8 << 20;   // the body as sent (chunk framing included, with a small allowance): 413
  int head_timeout_ms = 10000;       // from a head's first byte to its end: 408
  int idle_timeout_ms = 5000;        // a keep-alive connection waiting for its next request
  int read_timeout_ms = 10000;       // one wait for more of a body
  int body_timeout_ms = 60000;       // a whole body
  int write_timeout_ms = 30000;      // one wait to send more of an answer
  size_t max_connections = 4096;     // open at once: more are closed on accept
  int ingest_threads = 8;            // POST of messages and conversations
  int other_threads = 16;            // every other request
  int max_streams = 64;              // event streams open at once: 503 past it
};

enum class RouteClass { kIngest, kStream, kOther };

class LimitedHttpServer : public httplib::Server {
 public:
  using Classifier = std::function<RouteClass(std::string_view method, std::string_view target)>;
  LimitedHttpServer(const HttpLimits& limits, Classifier classify);
  ~LimitedHttpServer() override;

  // After listen_after_bind() has returned (stop()): answers the requests
  // already read, closes every connection and ends the threads.
  void Shutdown();

  // For the handlers of the request on this thread: whether its body went
  // over the limit (the error handler then answers 413), and a way to close
  // its connection after the answer (a request refused before its body was
  // read: what is left of it must not be read as the next request).
  static bool BodyTooLarge();
  // Whether `req` comes with a body (chunked, or a Content-Length over 0).
  static bool HasBody(const httplib::Request& req);
  static void CloseAfterAnswer();

  size_t open_connections() const { return open_.load(); }

 private:
  struct Connection;
  class ConnectionStream;
  class Pool;

  bool process_and_close_socket(socket_t sock) override;  // called for each accepted connection
  void Wait(std::unique_ptr<Connection> c);                // hands it to the epoll thread
  void Dispatch(std::unique_ptr<Connection> c);            // a whole head is buffered: run it
  void Serve(std::unique_ptr<Connection> c, const Pool* pool);  // on `pool`'s thread (nullptr: a stream's own)
  void Close(std::unique_ptr<Connection> c);
  void Refuse(std::unique_ptr<Connection> c, int status, const char* message);
  void PollLoop();
  bool ReadAvailable(Connection& c);
  RouteClass ClassOf(std::string_view head) const;  // by the request line at the start of `head`

  // How long a thread waits for a connection's next request before it
  // hands the connection back to the epoll thread; also the longest a
  // connection waits for a thread while all of them linger.
  static constexpr int kLingerMs = 5;

  const HttpLimits limits_;
  const Classifier classify_;
  std::unique_ptr<Pool> ingest_, other_;
  std::atomic<size_t> open_{0};
  std::atomic<int> streams_{0};
  std::atomic<bool> stopping_{false};
  int epoll_ = -1, wake_ = -1;
  std::mutex mu_;                                      // guards incoming_
  std::vector<std::unique_ptr<Connection>> incoming_;  // to be watched by the epoll thread
  std::unordered_map<int, std::unique_ptr<Connection>> waiting_;  // the epoll thread's own
  std::thread poller_;
  std::mutex streams_mu_;
  std::condition_variable streams_done_;
};

}  // namespace convsent

#endif  // CONVSENT_SRC_SERVER_LIMITED_HTTP_SERVER_H_
