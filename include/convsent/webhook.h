// Webhook delivery: JSON POSTed over HTTP(S) by a small pool of threads,
// retried with exponential back-off, so that the caller never blocks on a
// slow or absent receiver, and one slow receiver never holds up another.
//
// Each attempt has a total deadline: a receiver that trickles its answer a
// byte at a time (which no read timeout notices) is cut off when it passes.
// At most `per_destination` attempts to one origin run at once, so a
// destination that hangs holds that many threads, never all of them.
//
// What happened is either collected for Wait (a batch: `convsent tree`
// delivering alerts) or handed, attempt by attempt, to `on_attempt` (the
// server, which keeps every delivery in the store: docs/server.md).
//
// Thread safety: Send and Wait may be called from any thread.
#ifndef CONVSENT_WEBHOOK_H_
#define CONVSENT_WEBHOOK_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace convsent {

struct WebhookOutcome {
  int64_t id = 0;
  bool delivered = false;
  bool gave_up = false;  // every attempt failed, or the receiver refused (4xx)
  int attempts = 0;
  std::string error;     // the last failure
  // Neither delivered nor given up: the next attempt is due this far ahead.
  std::chrono::milliseconds retry_in{0};
};

struct WebhookOptions {
  int max_attempts = 5;
  std::chrono::milliseconds first_backoff{500};  // doubled after each failure
  std::chrono::milliseconds timeout{5000};       // to connect, and for each read or write
  std::chrono::milliseconds deadline{15000};     // for a whole attempt, however the receiver trickles
  int threads = 4;
  int per_destination = 2;  // attempts in flight to one scheme://host:port
  // Hosts a delivery may go to (exact names, case-insensitive); empty: any.
  // Whatever the list, a host that resolves to a link-local address (the
  // cloud metadata service, 169.254.169.254) is refused.
  std::vector<std::string> allowed_hosts;
  // If set, called on a sender thread after every attempt (not one cut off
  // by the sender's destruction), and Wait returns no outcomes.
  std::function<void(const WebhookOutcome&)> on_attempt;
};

class WebhookSender {
 public:
  explicit WebhookSender(WebhookOptions options = {});
  // Cuts off the attempts in flight (not reported: the caller still holds
  // them as pending), abandons the waiting ones, and returns once no
  // callback runs.
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  // Queues a POST of `json` to `url` (http:// or https://), not before
  // `delay`. `id` names it in the outcomes; `attempts_so_far` continues a
  // delivery from an earlier run.
  void Send(int64_t id, const std::string& url, const std::string& json, int attempts_so_far = 0,
            std::chrono::milliseconds delay = std::chrono::milliseconds(0));
  // Waits until every queued delivery succeeded or gave up, or `max_wait`
  // passed, and returns the outcomes of the finished ones and the state of
  // the others (delivered and gave_up both false).
  std::vector<WebhookOutcome> Wait(std::chrono::milliseconds max_wait);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace convsent

#endif  // CONVSENT_WEBHOOK_H_
