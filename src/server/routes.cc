// The route table: who may call what (docs/openapi.yaml), the dashboard's
// embedded files, and the reads (health, conversations, report, tree).
#include <sys/statvfs.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "convsent/discover.h"
#include "convsent/report.h"
#include "convsent/score_format.h"
#include "convsent/tree.h"
#include "server/server_impl.h"

extern "C" const char convsent_web_index[], convsent_web_index_end[];
extern "C" const char convsent_web_app_js[], convsent_web_app_js_end[];
extern "C" const char convsent_web_app_css[], convsent_web_app_css_end[];

namespace convsent::server {
namespace {

// The dashboard's files, embedded by CMake (web/, built with npm).
struct DashboardFile {
  const char* begin;
  const char* end;
  const char* type;
  std::string_view bytes() const { return {begin, static_cast<size_t>(end - begin)}; }
};
const DashboardFile kDashboardIndex{convsent_web_index, convsent_web_index_end, "text/html; charset=utf-8"};
const DashboardFile kDashboardJs{convsent_web_app_js, convsent_web_app_js_end, "text/javascript; charset=utf-8"};
const DashboardFile kDashboardCss{convsent_web_app_css, convsent_web_app_css_end, "text/css; charset=utf-8"};

}  // namespace

Result<int64_t> Server::HealthCount() {
  std::lock_guard<std::mutex> lock(health_mu_);
  const auto now = std::chrono::steady_clock::now();
  if (health_count_ >= 0 && now - health_at_ < std::chrono::seconds(1)) return health_count_;
  Store* store = Reader();
  if (!store) return Status::IoError("cannot open the store");
  ASSIGN_OR_RETURN(health_count_, store->ConversationCount());
  health_at_ = now;
  return health_count_;
}

void Server::Routes() {
  svr_.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    auto count = HealthCount();
    if (!count.ok()) return Error(res, 503, count.status().message());
    json health = {{"status", "ok"}, {"model", CurrentScoring()->model->info().version}, {"conversations", *count}};
    // A SQLite store on a full disk reads fine and writes nothing: below
    // 64 MiB free the server says so (503), before messages start failing.
    if (o_.db.find("://") == std::string::npos) {
      const std::string folder = std::filesystem::path(o_.db).parent_path().string();
      struct statvfs fs {};
      if (statvfs(folder.empty() ? "." : folder.c_str(), &fs) == 0) {
        const auto free_bytes = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
        health["disk_free_bytes"] = free_bytes;
        if (free_bytes < (64u << 20)) {
          health["status"] = "low on disk";
          return Reply(res, 503, health);
        }
      }
    }
    Reply(res, 200, health);
  });
  const unsigned all = kAdmin | kIngest | kReviewer | kViewer;
  const unsigned read = kAdmin | kReviewer | kViewer;
  const unsigned review = kAdmin | kReviewer;
  const unsigned ingest = kAdmin | kIngest;
  // The dashboard: three files built from web/ and embedded; they hold
  // no data (that comes from the API, with the key the person signs in with).
  for (const auto& [path, file] : {std::pair{"/", &kDashboardIndex},
                                   {"/index.html", &kDashboardIndex},
                                   {"/assets/app.js", &kDashboardJs},
                                   {"/assets/app.css", &kDashboardCss}}) {
    const DashboardFile* f = file;
    svr_.Get(path, [f](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "no-cache");
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_header(
          "Content-Security-Policy",
          "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
      res.set_content(std::string(f->bytes()), f->type);
    });
  }
  Route("GET", "/v1/me", "me", all, [](const auto&, auto& res, const Principal& who) {
    Reply(res, 200, {{"name", who.name}, {"role", who.role}});
  });
  Route("GET", "/metrics", "metrics", kAdmin | kViewer, [this](const auto&, auto& res, const auto&) {
    Store* store = Reader();
    int64_t open = 0;
    if (store) {
      auto items = store->review_items().List("open", "age", 1000000);
      if (items.ok()) open = static_cast<int64_t>(items->size());
    }
    res.set_content(metrics_.Render(writer_->queued(), open), "text/plain; version=0.0.4");
  });
  Route("POST", R"(/v1/conversations/([^/]+)/messages)", "post_message", ingest,
        [this](const auto& req, auto& res, const auto&) { PostMessage(req, res); });
  Route("POST", "/v1/conversations", "post_conversations", ingest,
        [this](const auto& req, auto& res, const auto&) { PostConversations(req, res); });
  svr_.Post(R"(/v1/hooks/([a-z]+))", [this](const httplib::Request& req, httplib::Response& res) { PostHook(req, res); });
  Route("GET", R"(/v1/conversations/([^/]+))", "get_conversation", read,
        [this](const auto& req, auto& res, const auto&) {
          Store* store = Reader();
          if (!store) return Error(res, 503, "the store cannot be opened");
          if (Status f = writer_->Fold(req.matches[1]); !f.ok()) return Error(res, 503, f.message());
          auto sc = store->conversations().Get(req.matches[1]);
          if (!sc.ok()) return Error(res, 500, sc.status().message());
          if (!*sc) return Error(res, 404, "no conversation " + std::string(req.matches[1]));
          auto current = store->CurrentModel();
          res.status = 200;
          res.set_content(ScoredConversationToJson(**sc, current.ok() ? *current : "", -1), "application/json");
        });
  Route("GET", "/v1/report", "report", read, [this](const auto& req, auto& res, const auto&) { GetReport(req, res); });
  // Owners' webhook URLs are credentials (Slack's and Teams' incoming
  // hooks): only admins see them; others see "" where one is set.
  public_tree_ = o_.tree;
  for (TreeNode& n : public_tree_.nodes) n.owners.webhook.clear();
  Route("GET", "/v1/tree", "tree", read, [this](const auto& req, auto& res, const Principal& who) {
    Store* store = Reader();
    if (!store) return Error(res, 503, "the store cannot be opened");
    std::vector<std::pair<std::string, std::string>> where;
    if (!ParseWhere(req, &where)) return Error(res, 400, "where: expected KEY=VALUE");
    if (Status f = writer_->Fold(""); !f.ok()) return Error(res, 503, f.message());
    auto tree = BuildTree(*store, o_.tree, INT64_MIN, INT64_MAX, where);
    if (!tree.ok()) return Error(res, 500, tree.status().message());
    res.set_content(TreeToJson(who.role == "admin" ? o_.tree : public_tree_, *tree), "application/json");
  });
  // What `convsent discover --json` prints, and the issues announced so far.
  Route("GET", "/v1/discover", "discover", read, [this](const auto& req, auto& res, const auto&) {
    Store* store = Reader();
    if (!store) return Error(res, 503, "the store cannot be opened");
    DiscoverOptions options;
    const std::string period = req.has_param("period") ? req.get_param_value("period") : "week";
    if (period != "week" && period != "day") return Error(res, 400, "period: expected week or day");
    options.period = period == "day" ? Period::kDay : Period::kWeek;
    if (req.has_param("to")) {
      int64_t to = 0;
      if (!ParseTime(req.get_param_value("to"), &to)) return Error(res, 400, "to: not a date");
      options.to_ms = to - 1;  // the last day is exclusive, as in the CLI
    }
    if (Status f = writer_->Fold(""); !f.ok()) return Error(res, 503, f.message());
    auto found = Discover(*store, options, &o_.tree);
    if (!found.ok()) return Error(res, found.status().code() == StatusCode::kNotFound ? 404 : 500, found.status().message());
    auto known = store->discovered_issues().List();
    if (!known.ok()) return Error(res, 500, known.status().message());
    auto j = nlohmann::json::parse(DiscoveryToJson(*found));
    j["known"] = nlohmann::json::array();
    for (const auto& k : *known) {
      j["known"].push_back({{"phrases", k.phrases}, {"period", k.period}, {"negative", k.negative}, {"lift", k.lift},
                            {"found_at", FormatTime(k.found_at_ms)}, {"alert", k.alert ? nlohmann::json(k.alert) : nlohmann::json()}});
    }
    res.set_content(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
  });
  Route("GET", "/v1/alerts", "alerts", read, [this](const auto& req, auto& res, const auto&) {
    Store* store = Reader();
    if (!store) return Error(res, 503, "the store cannot be opened");
    auto alerts = store->alerts().List(req.get_param_value("all") != "true");
    if (!alerts.ok()) return Error(res, 500, alerts.status().message());
    res.set_content("{\"alerts\":" + AlertsToJson(*alerts) + "}", "application/json");
  });
  Route("GET", "/v1/interventions", "interventions", read, [this](const auto&, auto& res, const auto&) {
    Store* store = Reader();
    if (!store) return Error(res, 503, "the store cannot be opened");
    if (Status f = writer_->Fold(""); !f.ok()) return Error(res, 503, f.message());
    auto list = store->interventions().List();
    if (!list.ok()) return Error(res, 500, list.status().message());
    std::string out = "{\"interventions\":[";
    for (size_t i = 0; i < list->size(); ++i) {
      auto check = CheckIntervention(*store, o_.tree, (*list)[i]);
      if (!check.ok()) return Error(res, 500, check.status().message());
      out += (i ? "," : "") + InterventionToJson((*list)[i], &*check);
    }
    res.set_content(out + "]}", "application/json");
  });
  Route("GET", "/v1/queue", "queue", review, [this](const auto& req, auto& res, const auto&) { ListQueue(req, res); });
  Route("GET", "/v1/queue/events", "queue_events", review,
        [this](const auto& req, auto& res, const auto&) { QueueEvents(req, res); });
  Route("POST", R"(/v1/queue/(\d+)/(claim|release|resolve))", "queue_action", review,
        [this](const auto& req, auto& res, const Principal& who) { QueueAction(req, res, who); });
}

bool Server::ParseWhere(const httplib::Request& req, std::vector<std::pair<std::string, std::string>>* where) {
  for (size_t i = 0; i < req.get_param_value_count("where"); ++i) {
    if (!ParseSegmentFilter(req.get_param_value("where", i), &where->emplace_back())) return false;
  }
  return true;
}

void Server::GetReport(const httplib::Request& req, httplib::Response& res) {
  ReportOptions o;
  if (req.has_param("period")) {
    const std::string p = req.get_param_value("period");
    if (p != "day" && p != "week") return Error(res, 400, "period: expected day or week");
    o.period = p == "day" ? Period::kDay : Period::kWeek;
  }
  int64_t from = INT64_MIN, to = INT64_MAX;
  if (req.has_param("from") && !ParseTime(req.get_param_value("from"), &from))
    return Error(res, 400, "from: not a date");
  if (req.has_param("to") && !ParseTime(req.get_param_value("to"), &to)) return Error(res, 400, "to: not a date");
  if (!ParseWhere(req, &o.where)) return Error(res, 400, "where: expected KEY=VALUE");
  o.blend_human_labels = req.get_param_value("human_labels") == "blend";
  Store* store = Reader();
  if (!store) return Error(res, 503, "the store cannot be opened");
  if (Status f = writer_->Fold(""); !f.ok()) return Error(res, 503, f.message());
  auto report = BuildReport(*store, from, to, o);
  if (!report.ok())
    return Error(res, report.status().code() == StatusCode::kInvalidArgument ? 400 : 500, report.status().message());
  res.set_content(ReportToJson(*report), "application/json");
}

}  // namespace convsent::server
