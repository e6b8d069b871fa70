// Webhook delivery: JSON POSTed over HTTP(S) on a background thread, retried
// with exponential back-off, so that the caller never blocks on a slow or
// absent receiver. What happened to each delivery is collected for the
// caller to store.
//
// Thread safety: Send and Wait may be called from any thread.
#ifndef CONVSENT_WEBHOOK_H_
#define CONVSENT_WEBHOOK_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace convsent {

struct WebhookOptions {
  int max_attempts = 5;
  std::chrono::milliseconds first_backoff{500};  // doubled after each failure
  std::chrono::milliseconds timeout{5000};       // connect, read and write, per attempt
  // Hosts a delivery may go to (exact names, case-insensitive); empty: any.
  // Whatever the list, a host that resolves to a link-local address (the
  // cloud metadata service, 169.254.169.254) is refused.
  std::vector<std::string> allowed_hosts;
};

struct WebhookOutcome {
  int64_t id = 0;
  bool delivered = false;
  bool gave_up = false;  // every attempt failed, or the receiver refused (4xx)
  int attempts = 0;
  std::string error;     // the last failure
};

class WebhookSender {
 public:
  explicit WebhookSender(WebhookOptions options = {});
  ~WebhookSender();  // stops at once: deliveries still waiting are abandoned
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  // Queues a POST of `json` to `url` (http:// or https://). `id` names it in
  // the outcomes; `attempts_so_far` continues a delivery from an earlier run.
  void Send(int64_t id, const std::string& url, const std::string& json, int attempts_so_far = 0);
  // Waits until every queued delivery succeeded or gave up, or `max_wait`
  // passed, and returns the outcomes of the finished ones and the state of
  // the others (delivered and gave_up both false).
  std::vector<WebhookOutcome> Wait(std::chrono::milliseconds max_wait);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace convsent

#endif  // CONVSENT_WEBHOOK_H_
