// ParseServeConfig on its own: every key read into ServeOptions, and a bad
// value refused with the file, the line and the key.
#include <gtest/gtest.h>

#include "convsent/server.h"

namespace convsent {
namespace {

TEST(ServeConfig, EveryKeyIsRead) {
  ServeOptions o;
  const Status s = ParseServeConfig(R"(version: 1
bind: 0.0.0.0
port: 9000
threads: 4
max_body_bytes: 65536
max_connections: 100
max_streams: 3
key_requests_per_second: 50
max_messages_per_conversation: 200
webhook_allowed_hosts: [hooks.example.com, ops.example.com]
queue:
  message_below: -0.7
  souring: false
  detectors: [cancellation_intent, billing_dispute]
  webhook: https://hooks.example.com/q
  audit_rate: 0.02
)",
                                    "serve.yaml", &o);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(o.bind, "0.0.0.0");
  EXPECT_EQ(o.port, 9000);
  EXPECT_EQ(o.threads, 4);
  EXPECT_EQ(o.max_body_bytes, 65536u);
  EXPECT_EQ(o.max_connections, 100u);
  EXPECT_EQ(o.max_streams, 3);
  EXPECT_EQ(o.key_requests_per_second, 50);
  EXPECT_EQ(o.max_messages_per_conversation, 200u);
  EXPECT_EQ(o.webhook_allowed_hosts, (std::vector<std::string>{"hooks.example.com", "ops.example.com"}));
  EXPECT_FLOAT_EQ(o.queue.message_below, -0.7f);
  EXPECT_FALSE(o.queue.souring);
  ASSERT_EQ(o.queue.detectors.size(), 2u);
  EXPECT_EQ(DetectorName(o.queue.detectors[1]), "billing_dispute");
  EXPECT_EQ(o.queue.webhook, "https://hooks.example.com/q");
  EXPECT_DOUBLE_EQ(o.queue.audit_rate, 0.02);
}

TEST(ServeConfig, AnEmptyFileKeepsTheDefaults) {
  ServeOptions o;
  ASSERT_TRUE(ParseServeConfig("", "serve.yaml", &o).ok());
  EXPECT_EQ(o.bind, "127.0.0.1");
  EXPECT_EQ(o.port, 8080);
  EXPECT_TRUE(o.queue.souring);
}

TEST(ServeConfig, BadValuesAreNamedByFileLineAndKey) {
  const std::pair<std::string, std::string> cases[] = {
      {"port: 70000\n", "serve.yaml:1: port: expected 0 to 65535"},
      {"bind: x\nthreads: 1\n", "serve.yaml:2: threads: expected 2 to 256"},
      {"queue:\n  souring: maybe\n", "serve.yaml:2: queue.souring: expected true or false"},
      {"queue:\n  detectors: [refund_please]\n", "serve.yaml:2: queue.detectors[0]: unknown detector"},
      {"queue:\n  webhook: ftp://x\n", "serve.yaml:2: queue.webhook: expected an http:// or https:// URL"},
      {"queue:\n  audit_rate: 2\n", "serve.yaml:2: queue.audit_rate: expected 0 to 1"},
      {"prot: 80\n", "serve.yaml:1: prot: unknown key"},
      {"version: 2\n", "serve.yaml:1: version: expected 1"},
      {"port: [\n", "serve.yaml:"},
  };
  for (const auto& [yaml, want] : cases) {
    ServeOptions o;
    const Status s = ParseServeConfig(yaml, "serve.yaml", &o);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << yaml;
    EXPECT_EQ(s.message().rfind(want, 0), 0u) << "got: " << s.message() << "\nwant: " << want;
  }
  ServeOptions o;
  EXPECT_NE(ParseServeConfig(std::string(2 << 20, '#'), "big.yaml", &o).message().find("larger than 1 MiB"),
            std::string::npos);
}

}  // namespace
}  // namespace convsent
