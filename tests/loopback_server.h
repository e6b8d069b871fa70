// An httplib server for tests: 127.0.0.1, any free port, on a thread of its
// own, stopped and joined when it goes.
#ifndef CONVSENT_TESTS_LOOPBACK_SERVER_H_
#define CONVSENT_TESTS_LOOPBACK_SERVER_H_

#include <httplib.h>

#include <chrono>
#include <thread>

namespace convsent::testing {

class LoopbackServer {
 public:
  // Set routes on server() first.
  void Start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // httplib's stop() does nothing until the loop runs: a server stopped
    // before then would never end (it hung a test under ASan).
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~LoopbackServer() {
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
  }
  httplib::Server& server() { return server_; }
  int port() const { return port_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace convsent::testing

#endif  // CONVSENT_TESTS_LOOPBACK_SERVER_H_
