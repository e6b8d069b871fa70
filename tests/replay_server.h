// A help desk on loopback for the sync tests: it serves the recorded
// payloads of ../shared/formats, and synthetic pages built from them (the
// same objects with new ids and times), through the vendor's own paging:
// Zendesk's cursor-based incremental export and ticket comments, Intercom's
// conversation search and conversations, Front's conversation search and
// messages. A test adds faults (a 429 with Retry-After, 500s, a connection
// dropped mid-body, a refused cursor) with fault(), and reads what was
// asked with requests().
#ifndef CONVSENT_TESTS_REPLAY_SERVER_H_
#define CONVSENT_TESTS_REPLAY_SERVER_H_

#include <atomic>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "convsent/conversation.h"
#include "loopback_server.h"
#include "test_util.h"

namespace convsent::testing {

class HelpDeskReplay {
 public:
  using json = nlohmann::json;
  // What a fault hook sees and may answer: true means it answered.
  using Fault = std::function<bool(const httplib::Request&, httplib::Response&, int64_t request_number)>;

  static constexpr int64_t kT0 = 1790000000;  // 2026-09-21, seconds

  // Loads the recorded objects; false when ../shared is absent.
  bool Load() {
    const std::string f = SharedDir() + "/formats/";
    std::ifstream probe(f + "zendesk/nango-get-ticket.test.json");
    if (!probe) return false;
    auto read = [&](const std::string& p) { return json::parse(ReadFile(f + p)); };
    const json zt = read("zendesk/nango-get-ticket.test.json");
    ticket_ = zt["api"]["get"]["/api/v2/tickets/1.json"]["response"]["ticket"];
    const json zc = read("zendesk/nango-get-ticket-comments.test.json");
    comments_ = zc["api"]["get"]["/api/v2/tickets/1/comments.json"]["response"]["comments"];
    const json ic = read("intercom/nango-get-conversation.test.json");
    intercom_ = ic["api"]["get"].begin().value()["response"];
    gorgias_ = read("gorgias/nango-get-ticket-with-messages-response.json");
    zoho_ = read("zoho-desk/nango-get-ticket.test.json")["api"]["get"].begin().value()["response"];
    zoho_threads_ = read("zoho-desk/nango-list-ticket-threads.test.json")["api"]["get"].begin().value()["response"]["data"];
    const json fl = read("front/nango-list-conversations-response.json");
    front_ = fl["_results"][0];
    front_messages_ = read("front/nango-conversation-messages-response.json")["_results"];
    return true;
  }

  // Adds `n` items updated one second apart after the last: tickets and
  // conversations of every system share the numbering.
  void Add(int n) {
    std::lock_guard lock(mu_);
    for (int i = 0; i < n; ++i) updated_.push_back(kT0 + static_cast<int64_t>(updated_.size()));
  }
  // Item `i` changed now (it moves to the end of the export's order).
  void Touch(int i) {
    std::lock_guard lock(mu_);
    updated_[static_cast<size_t>(i)] = kT0 + static_cast<int64_t>(updated_.size()) + ++touches_;
  }
  int64_t size() {
    std::lock_guard lock(mu_);
    return static_cast<int64_t>(updated_.size());
  }

  void fault(Fault f) {
    std::lock_guard lock(mu_);
    fault_ = std::move(f);
  }
  // Each request's method and target ("GET /api/v2/...?..."), in order.
  std::vector<std::string> requests() {
    std::lock_guard lock(mu_);
    return log_;
  }
  // The requests whose "METHOD target" starts with `prefix`, with their bodies.
  std::vector<std::pair<std::string, std::string>> received(const std::string& prefix) {
    std::lock_guard lock(mu_);
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [what, body] : answered_) {
      if (what.rfind(prefix, 0) == 0) out.emplace_back(what, body);
    }
    return out;
  }
  std::vector<std::string> authorizations() {
    std::lock_guard lock(mu_);
    return auth_;
  }
  void set_delay(std::chrono::milliseconds d) { delay_ms_ = d.count(); }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(http_.port()); }

  void Start() {
    auto& s = http_.server();
    // As a vendor's front end answers: without Nagle's delay between a
    // response's head and body, and many requests to a connection.
    s.set_tcp_nodelay(true);
    s.set_keep_alive_max_count(1000);
    s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      Fault f;
      int64_t n;
      {
        std::lock_guard lock(mu_);
        log_.push_back(req.method + " " + req.target);
        auth_.push_back(req.get_header_value("Authorization"));
        n = static_cast<int64_t>(log_.size());
        f = fault_;
      }
      if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_.load()));
      if (f && f(req, res, n)) return httplib::Server::HandlerResponse::Handled;
      return httplib::Server::HandlerResponse::Unhandled;
    });
    // The body is read after the pre-routing handler: requests are kept
    // with theirs once answered.
    s.set_logger([this](const httplib::Request& req, const httplib::Response&) {
      std::lock_guard lock(mu_);
      answered_.emplace_back(req.method + " " + req.target, req.body);
    });
    // Zendesk.
    s.Get("/api/v2/incremental/tickets/cursor.json", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      const size_t per_page = std::stoul(req.has_param("per_page") ? req.get_param_value("per_page") : "1000");
      auto order = Order();
      // The cursor is the update time of the last ticket given (updated
      // times are distinct here): tickets changed since come after it.
      int64_t after = 0;
      if (req.has_param("cursor")) {
        const std::string c = req.get_param_value("cursor");
        if (c.size() < 2 || c[0] != 'c') return Answer(res, 422, {{"error", "InvalidPaginationParameter"}});
        after = std::stoll(c.substr(1));
      } else {
        after = std::stoll(req.get_param_value("start_time")) - 1;
      }
      size_t from = 0;
      while (from < order.size() && updated_[order[from]] <= after) ++from;
      json page = {{"tickets", json::array()}};
      const size_t to = std::min(order.size(), from + per_page);
      for (size_t k = from; k < to; ++k) page["tickets"].push_back(Ticket(order[k]));
      const std::string next = "c" + std::to_string(to > from ? updated_[order[to - 1]] : after);
      page["after_cursor"] = next;
      page["end_of_stream"] = to >= order.size();
      page["after_url"] = url() + "/api/v2/incremental/tickets/cursor.json?cursor=" + next;
      Answer(res, 200, page);
    });
    s.Get(R"(/api/v2/tickets/(\d+)\.json)", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      const size_t i = std::stoul(req.matches[1]) - 1;
      if (i >= updated_.size()) return Answer(res, 404, {{"error", "RecordNotFound"}});
      Answer(res, 200, {{"ticket", Ticket(i)}, {"users", Users()}});
    });
    s.Get(R"(/api/v2/tickets/(\d+)/comments\.json)", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      const size_t i = std::stoul(req.matches[1]) - 1;
      if (i >= updated_.size()) return Answer(res, 404, {{"error", "RecordNotFound"}});
      // Two pages: the first comment, then the rest, as page[size]=1 would.
      const bool second = req.has_param("page[after]");
      json page = {{"comments", json::array()}, {"users", Users()}};
      for (size_t k = second ? 1 : 0; k < (second ? comments_.size() : 1); ++k) page["comments"].push_back(Comment(i, k));
      page["meta"] = {{"has_more", !second}, {"after_cursor", second ? "" : "x"}};
      page["links"] = {{"next", second ? json() : json(url() + "/api/v2/tickets/" + std::to_string(i + 1) +
                                                      "/comments.json?page[after]=x&page[size]=100")}};
      Answer(res, 200, page);
    });
    // Write-back: Zendesk's ticket update, Chatwoot's labels and private
    // notes, Zammad's tags and articles, each accepted as the vendor would.
    s.Put(R"(/api/v2/tickets/(\d+)\.json)", [](const httplib::Request&, httplib::Response& res) {
      Answer(res, 200, {{"ticket", {{"id", 1}}}});
    });
    s.Get(R"(/api/v1/accounts/(\d+)/conversations/(\d+)/labels)", [](const httplib::Request&, httplib::Response& res) {
      Answer(res, 200, {{"payload", {"vip", "convsent-neutral"}}});
    });
    s.Post(R"(/api/v1/accounts/(\d+)/conversations/(\d+)/(labels|messages))", [](const httplib::Request&, httplib::Response& res) {
      Answer(res, 200, {{"payload", json::array()}});
    });
    // A Chatwoot conversation's messages: the ones posted to it here.
    s.Get(R"(/api/v1/accounts/(\d+)/conversations/(\d+)/messages)", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      json payload = json::array();
      for (const auto& [what, body] : answered_) {
        if (what == "POST " + req.path) payload.push_back(json::parse(body, nullptr, false));
      }
      Answer(res, 200, {{"payload", payload}});
    });
    // Intercom's and Front's tags go by id: made (or found) by name first.
    s.Post("/tags", [](const httplib::Request& req, httplib::Response& res) {
      const std::string name = json::parse(req.body).value("name", "");
      Answer(res, 200, {{"type", "tag"}, {"id", "t-" + name}, {"name", name}});
    });
    s.Get("/tags", [](const httplib::Request&, httplib::Response& res) {
      Answer(res, 200, {{"_results", {{{"id", "t-convsent-neutral"}, {"name", "convsent-neutral"}}}}});
    });
    s.Delete(R"(/conversations/(ic\d+)/tags/(.+))", [](const httplib::Request&, httplib::Response& res) {
      Answer(res, 404, {{"type", "error.list"}});  // not attached
    });
    s.Post(R"(/conversations/(ic\d+)/(tags|reply))", [](const httplib::Request&, httplib::Response& res) {
      Answer(res, 200, {{"type", "tag"}});
    });
    s.Delete(R"(/conversations/(cnv_\d+)/tags)", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
    s.Post(R"(/conversations/(cnv_\d+)/tags)", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
    s.Post(R"(/conversations/(cnv_\d+)/comments)", [](const httplib::Request&, httplib::Response& res) {
      Answer(res, 201, {{"id", "com_1"}});
    });
    s.Post("/api/v1/tags/add", [](const httplib::Request&, httplib::Response& res) { Answer(res, 200, json::object()); });
    s.Delete("/api/v1/tags/remove", [](const httplib::Request&, httplib::Response& res) { Answer(res, 200, json::object()); });
    s.Post("/api/v1/ticket_articles", [](const httplib::Request&, httplib::Response& res) { Answer(res, 201, {{"id", 9}}); });
    // Intercom.
    s.Post("/conversations/search", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      const json body = json::parse(req.body);
      const int64_t after = body["query"]["value"].get<int64_t>();
      const size_t per_page = body["pagination"].value("per_page", 20);
      auto order = Order();
      size_t from = 0;
      if (body["pagination"].contains("starting_after")) {
        const std::string c = body["pagination"]["starting_after"];
        if (c.size() < 2 || c[0] != 's') return Answer(res, 400, {{"type", "error.list"}, {"errors", {{{"code", "invalid_cursor"}}}}});
        from = std::stoul(c.substr(1));
      }
      std::vector<size_t> hits;
      for (size_t k : order) {
        if (updated_[k] > after) hits.push_back(k);
      }
      json page = {{"type", "conversation.list"}, {"conversations", json::array()}, {"total_count", hits.size()}};
      const size_t to = std::min(hits.size(), from + per_page);
      for (size_t k = from; k < to; ++k) {
        json c = Intercom(hits[k]);
        c.erase("conversation_parts");
        page["conversations"].push_back(c);
      }
      page["pages"] = {{"type", "pages"}, {"per_page", per_page}};
      if (to < hits.size()) page["pages"]["next"] = {{"page", 2}, {"starting_after", "s" + std::to_string(to)}};
      Answer(res, 200, page);
    });
    s.Get(R"(/conversations/(ic\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      const size_t i = std::stoul(std::string(req.matches[1]).substr(2));
      if (i >= updated_.size()) return Answer(res, 404, {{"type", "error.list"}});
      Answer(res, 200, Intercom(i));
    });
    // Gorgias: newest change first, an opaque cursor (the offset here).
    s.Get("/api/tickets", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      const size_t limit = std::stoul(req.has_param("limit") ? req.get_param_value("limit") : "30");
      const size_t from = req.has_param("cursor") ? std::stoul(req.get_param_value("cursor").substr(1)) : 0;
      auto order = Order();
      std::reverse(order.begin(), order.end());
      json page = {{"object", "list"}, {"uri", req.target}, {"data", json::array()}};
      const size_t to = std::min(order.size(), from + limit);
      for (size_t k = from; k < to; ++k) {
        json t = Gorgias(order[k]);
        t.erase("messages");
        page["data"].push_back(t);
      }
      page["meta"] = {{"prev_cursor", nullptr}, {"next_cursor", to < order.size() ? json("g" + std::to_string(to)) : json()}};
      Answer(res, 200, page);
    });
    s.Get(R"(/api/tickets/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      const size_t i = std::stoul(req.matches[1]) - 500000;
      if (i >= updated_.size()) return Answer(res, 404, {{"error", "not found"}});
      Answer(res, 200, Gorgias(i));
    });
    // Zoho Desk: newest change first, paged by offset; a thread list has
    // summaries, a thread its content.
    s.Get("/api/v1/tickets", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      const size_t limit = std::stoul(req.get_param_value("limit")), from = std::stoul(req.get_param_value("from"));
      auto order = Order();
      std::reverse(order.begin(), order.end());
      if (from >= order.size()) {
        res.status = 204;  // as Zoho answers a page past the end
        return;
      }
      json page = {{"data", json::array()}};
      for (size_t k = from; k < std::min(order.size(), from + limit); ++k) page["data"].push_back(Zoho(order[k]));
      Answer(res, 200, page);
    });
    s.Get(R"(/api/v1/tickets/(\d+)/threads)", [this](const httplib::Request&, httplib::Response& res) {
      Answer(res, 200, {{"data", zoho_threads_}});
    });
    s.Get(R"(/api/v1/tickets/(\d+)/threads/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      for (json t : zoho_threads_) {
        if (t["id"] != req.matches[2].str()) continue;
        t["content"] = "<div>" + t["summary"].get<std::string>() + " And here is the rest of the message, in full.</div>";
        return Answer(res, 200, t);
      }
      Answer(res, 404, {{"errorCode", "RESOURCE_NOT_FOUND"}});
    });
    // Front.
    s.Get(R"(/conversations/search/after(?:%3A|:)(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      const int64_t after = std::stoll(req.matches[1]);
      const size_t limit = std::stoul(req.has_param("limit") ? req.get_param_value("limit") : "100");
      const size_t from = req.has_param("page_token") ? std::stoul(req.get_param_value("page_token")) : 0;
      auto order = Order();
      std::vector<size_t> hits;  // newest first
      for (auto k = order.rbegin(); k != order.rend(); ++k) {
        if (updated_[*k] > after) hits.push_back(*k);
      }
      json page = {{"_results", json::array()}};
      const size_t to = std::min(hits.size(), from + limit);
      for (size_t k = from; k < to; ++k) page["_results"].push_back(Front(hits[k]));
      page["_pagination"] = {{"next", to < hits.size() ? json(url() + "/conversations/search/after%3A" + std::to_string(after) +
                                                               "?limit=" + std::to_string(limit) + "&page_token=" + std::to_string(to))
                                                        : json()}};
      Answer(res, 200, page);
    });
    s.Get(R"(/conversations/(cnv_\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      const size_t i = std::stoul(std::string(req.matches[1]).substr(4));
      if (i >= updated_.size()) return Answer(res, 404, {{"_error", {{"status", 404}}}});
      Answer(res, 200, Front(i));
    });
    s.Get(R"(/conversations/(cnv_\d+)/messages)", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      const std::string id = req.matches[1];
      const size_t i = std::stoul(id.substr(4));
      if (i >= updated_.size()) return Answer(res, 404, {{"_error", {{"status", 404}}}});
      json page = {{"_pagination", {{"next", nullptr}}}, {"_results", json::array()}};
      for (size_t k = 0; k < front_messages_.size(); ++k) {
        json m = front_messages_[k];
        m["id"] = "msg_" + std::to_string(i) + "_" + std::to_string(k);
        m["created_at"] = updated_[i] - 100 + static_cast<int64_t>(k);
        m["_links"]["related"]["conversation"] = url() + "/conversations/" + id;
        page["_results"].push_back(m);
      }
      Answer(res, 200, page);
    });
    http_.Start();
  }

  // The body of one Zendesk ticket, one Intercom and one Front conversation
  // as the vendor would answer, for a test to import directly.
  json Ticket(size_t i) const {
    json t = ticket_;
    t["id"] = static_cast<int64_t>(i + 1);
    t["updated_at"] = FormatTime(updated_[i] * 1000);
    t["created_at"] = FormatTime((updated_[i] - 100) * 1000);
    t["url"] = url() + "/api/v2/tickets/" + std::to_string(i + 1) + ".json";
    return t;
  }
  json Comment(size_t i, size_t k) const {
    json c = comments_[k];
    c["id"] = static_cast<int64_t>(i * 100 + k + 1);
    c["created_at"] = FormatTime((updated_[i] - 100 + static_cast<int64_t>(k)) * 1000);
    return c;
  }
  json Users() const {
    return json::array({{{"id", ticket_["requester_id"]}, {"role", "end-user"}},
                        {{"id", ticket_["assignee_id"]}, {"role", "agent"}}});
  }
  json Intercom(size_t i) const {
    json c = intercom_;
    c["id"] = "ic" + std::to_string(i);
    c["updated_at"] = updated_[i];
    c["created_at"] = updated_[i] - 1000;
    // The recording's parts are all a teammate's: a customer opens it here.
    c["source"] = {{"type", "conversation"}, {"id", "src" + std::to_string(i)}, {"delivered_as", "customer_initiated"},
                   {"body", "<p>I was charged twice for my subscription, please fix it.</p>"},
                   {"author", {{"type", "user"}, {"id", "u" + std::to_string(i)}, {"name", "Customer"}}}};
    return c;
  }
  json Gorgias(size_t i) const {
    json t = gorgias_;
    t["id"] = static_cast<int64_t>(500000 + i);
    t["updated_datetime"] = FormatTime(updated_[i] * 1000);
    return t;
  }
  json Zoho(size_t i) const {
    json t = zoho_;
    t["id"] = std::to_string(7000000 + i);
    t["modifiedTime"] = FormatTime(updated_[i] * 1000);
    return t;
  }
  json Front(size_t i) const {
    json c = front_;
    c["id"] = "cnv_" + std::to_string(i);
    c["created_at"] = updated_[i] - 100;
    return c;
  }

 private:
  // Item indices by updated time, as the vendor orders its export.
  std::vector<size_t> Order() const {
    std::vector<size_t> order(updated_.size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return updated_[a] < updated_[b]; });
    return order;
  }
  static void Answer(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
  }

  json ticket_, comments_, intercom_, front_, front_messages_, gorgias_, zoho_, zoho_threads_;
  std::mutex mu_;
  std::vector<int64_t> updated_;
  int64_t touches_ = 0;
  Fault fault_;
  std::vector<std::string> log_, auth_;
  std::vector<std::pair<std::string, std::string>> answered_;  // with their bodies, once answered
  std::atomic<int64_t> delay_ms_{0};
  LoopbackServer http_;  // last: stopped first
};

}  // namespace convsent::testing

#endif  // CONVSENT_TESTS_REPLAY_SERVER_H_
