// `convsent serve` as a child process, for the tests that drive it over
// real HTTP on loopback.
#ifndef CONVSENT_TESTS_SERVER_PROCESS_H_
#define CONVSENT_TESTS_SERVER_PROCESS_H_

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "convsent/status.h"
#include "test_util.h"

namespace convsent::testing {

// `convsent serve --port 0` as a child process.
class ServerProcess {
 public:
  // `extra`: more flags for convsent serve ("--model", path...);
  // `log_file`: where its stderr goes (the test's own stderr if empty).
  explicit ServerProcess(const std::string& db, const std::string& config = "",
                         const std::vector<std::string>& extra = {}, const std::string& log_file = "") {
    int out[2];
    CONVSENT_CHECK(pipe(out) == 0);
    pid_ = fork();
    CONVSENT_CHECK(pid_ >= 0);
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      if (!log_file.empty()) {
        const int log = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (log >= 0) dup2(log, STDERR_FILENO), close(log);
      }
      close(out[0]);
      close(out[1]);
      const std::string bin = Binary();
      std::vector<std::string> args = {bin, "serve", "--db", db, "--port", "0"};
      if (!config.empty()) args.insert(args.end(), {"--config", config});
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(bin.c_str(), argv.data());
      _exit(127);
    }
    close(out[1]);
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line.push_back(c);
    close(out[0]);
    const auto colon = line.rfind(':');
    port_ = colon == std::string::npos ? 0 : std::atoi(line.c_str() + colon + 1);
  }
  ~ServerProcess() {
    if (pid_ > 0) Stop();
  }
  // SIGTERM; the exit status, or -2 if it had not stopped within
  // `seconds` (it is killed then, so that a test fails instead of hanging).
  int Stop(int seconds = 20) {
    kill(pid_, SIGTERM);
    int status = 0;
    for (int waited_ms = 0; waitpid(pid_, &status, WNOHANG) == 0; waited_ms += 10) {
      if (waited_ms >= seconds * 1000) {
        Kill();
        return -2;
      }
      usleep(10000);
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  // SIGKILL: no chance to finish anything.
  void Kill() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  int port() const { return port_; }
  // Sends `sig` to the server (SIGHUP: reload the model file).
  void Signal(int sig) { kill(pid_, sig); }
  pid_t pid() const { return pid_; }
  httplib::Client Client(const std::string& key = "") const {
    httplib::Client c("127.0.0.1", port_);
    if (!key.empty()) c.set_bearer_token_auth(key.c_str());
    c.set_read_timeout(10, 0);
    return c;
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

// The review queue's event stream (GET /v1/queue/events), read on a thread
// of its own until `until` (say "event: resolved") has arrived or the read
// times out.
class EventStream {
 public:
  EventStream(const ServerProcess& server, const std::string& key, std::string until, int timeout_seconds)
      : thread_([this, client = server.Client(key), until = std::move(until), timeout_seconds]() mutable {
          client.set_read_timeout(timeout_seconds, 0);
          client.Get("/v1/queue/events", [&](const char* data, size_t n) {
            std::lock_guard lock(mu_);
            text_.append(data, n);
            return text_.find(until) == std::string::npos;
          });
        }) {}
  ~EventStream() { Join(); }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }
  // What has been read so far.
  std::string Text() {
    std::lock_guard lock(mu_);
    return text_;
  }

 private:
  std::mutex mu_;
  std::string text_;
  std::thread thread_;
};

inline std::string NewKey(const std::string& db, const std::string& role, const std::string& name = "") {
  auto r = RunCommand(Binary() + " keys create --db " + db + " --role " + role + (name.empty() ? "" : " --name " + name) +
                      " 2>/dev/null");
  std::string key = r.out;
  while (!key.empty() && key.back() == '\n') key.pop_back();
  return key;
}

inline nlohmann::json Body(const httplib::Result& r) {
  return r ? nlohmann::json::parse(r->body, nullptr, false) : nlohmann::json();
}

}  // namespace convsent::testing

#endif  // CONVSENT_TESTS_SERVER_PROCESS_H_
