// An HTTP(S) client for talking to help-desk APIs (convsent/sync.h): TLS
// verified against the system's CA bundle, timeouts on every step, retries
// with exponential back-off on network errors and 5xx, a 429 honoured by
// waiting what its Retry-After says, a request rate kept under the vendor's
// limit, and response bodies bounded in size.
//
// Credentials are never part of an error: every string the client was told
// is secret is masked ("***") in the messages it returns.
//
// Thread safety: Send may be called from several threads at once; they
// share the rate limit and keep one connection per thread and origin alive.
#ifndef CONVSENT_HTTP_CLIENT_H_
#define CONVSENT_HTTP_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "convsent/status.h"

namespace convsent {

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute: https://host[:port]/path?query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;  // with a body
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // The first header named `name` (case-insensitive), or "".
  std::string Header(const std::string& name) const;
};

struct HttpClientOptions {
  std::chrono::milliseconds timeout{30000};       // to connect, and for each read or write
  int max_attempts = 6;                           // for network errors, 5xx and 429
  std::chrono::milliseconds first_backoff{500};   // doubled after each failure
  std::chrono::milliseconds max_wait{120000};     // the longest back-off or Retry-After obeyed
  double requests_per_second = 0;                 // across threads; 0: no limit
  int64_t max_body_bytes = int64_t{64} << 20;     // a larger response is an error
  std::string ca_file = "/etc/ssl/certs/ca-certificates.crt";  // Debian's CA bundle
  std::vector<std::string> secrets;               // masked in every error
  // Called before each wait (a retry or a 429): what happened and how long.
  std::function<void(const std::string& why, std::chrono::milliseconds wait)> on_wait;
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request`, retrying what may succeed later. A response with any
  // other status (2xx, 3xx, 4xx but 429) is returned as is; an error means
  // no answer after every attempt (kIoError) or a request that cannot be
  // made (kInvalidArgument).
  Result<HttpResponse> Send(const HttpRequest& request);

  // `text` with every secret masked.
  std::string Mask(std::string text) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Percent-encodes `s` for a URL's query (RFC 3986 unreserved kept).
std::string UrlEncode(const std::string& s);

}  // namespace convsent

#endif  // CONVSENT_HTTP_CLIENT_H_
