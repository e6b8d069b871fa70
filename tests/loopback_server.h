// An httplib server for tests: 127.0.0.1, any free port, on a thread of its
// own, stopped and joined when it goes; and a webhook receiver on one.
#ifndef CONVSENT_TESTS_LOOPBACK_SERVER_H_
#define CONVSENT_TESTS_LOOPBACK_SERVER_H_

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

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

// Collects webhook posts on loopback.
class WebhookReceiver {
 public:
  WebhookReceiver() {
    http_.server().Post("/hook/(.*)", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      posts_.push_back({req.matches[1], nlohmann::json::parse(req.body)});
      res.set_content("{}", "application/json");
    });
    http_.Start();
  }
  std::string Url(const std::string& who) const {
    return "http://127.0.0.1:" + std::to_string(http_.port()) + "/hook/" + who;
  }
  std::vector<std::pair<std::string, nlohmann::json>> Posts() {
    std::lock_guard lock(mu_);
    return posts_;
  }

 private:
  std::mutex mu_;
  std::vector<std::pair<std::string, nlohmann::json>> posts_;
  LoopbackServer http_;  // last: stopped before what its handler touches goes
};

}  // namespace convsent::testing

#endif  // CONVSENT_TESTS_LOOPBACK_SERVER_H_
