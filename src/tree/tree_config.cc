// The tree config: YAML in, a validated TreeConfig out, or an error that
// names the file, the line and the key. yaml-cpp's exceptions stop here.
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "convsent/text.h"
#include "convsent/tree.h"

namespace convsent {
namespace {

constexpr std::pair<Fact, std::string_view> kFacts[] = {
    {Fact::kFirstResponseMinutes, "first_response_minutes"},
    {Fact::kLongestWaitMinutes, "longest_wait_minutes"},
    {Fact::kResolutionHours, "resolution_hours"},
    {Fact::kAgentReplies, "agent_replies"},
    {Fact::kCustomerTurns, "customer_turns"},
    {Fact::kHandoffs, "handoffs"},
    {Fact::kReopened, "reopened"},
    {Fact::kEscalated, "escalated"},
    {Fact::kAgentToneNegative, "agent_tone_negative"},
    {Fact::kSouring, "souring"},
};

// Thrown inside the parser only; ParseTreeConfig turns it into a Status.
struct ConfigError {
  int line;
  std::string key, message;
};

class Parser {
 public:
  explicit Parser(TreeConfig* out) : out_(out) {}

  void Top(const YAML::Node& doc) {
    if (!doc.IsMap()) throw ConfigError{Line(doc), "(top)", "expected a mapping with version, alerts and root"};
    Keys(doc, "", {"version", "period", "alerts", "root"});
    if (!doc["version"] || Int(doc["version"], "version") != 1) {
      throw ConfigError{Line(doc), "version", "expected version: 1"};
    }
    if (const auto p = doc["period"]) {
      const std::string v = Str(p, "period");
      if (v != "day" && v != "week") throw ConfigError{Line(p), "period", "expected day or week, got '" + v + "'"};
      out_->period = v == "day" ? Period::kDay : Period::kWeek;
    }
    if (const auto a = doc["alerts"]) {
      Keys(a, "alerts", {"alpha", "prevalence_change", "lift_change", "min_conversations", "baseline_periods"});
      AlertRules& r = out_->alerts;
      if (a["alpha"]) r.alpha = Share(a["alpha"], "alerts.alpha");
      if (a["prevalence_change"]) r.prevalence_change = Share(a["prevalence_change"], "alerts.prevalence_change");
      if (a["lift_change"]) r.lift_change = Share(a["lift_change"], "alerts.lift_change");
      if (a["min_conversations"]) r.min_conversations = Int(a["min_conversations"], "alerts.min_conversations");
      if (a["baseline_periods"]) {
        r.baseline_periods = Int(a["baseline_periods"], "alerts.baseline_periods");
        if (r.baseline_periods < 1) throw ConfigError{Line(a["baseline_periods"]), "alerts.baseline_periods", "expected 1 or more"};
      }
    }
    if (!doc["root"]) throw ConfigError{Line(doc), "root", "missing: the tree's root node"};
    NodeAt(doc["root"], "root", -1);
    if (out_->nodes[0].is_driver()) throw ConfigError{Line(doc["root"]), "root", "the root cannot be a driver"};
  }

 private:
  static int Line(const YAML::Node& n) { return n.Mark().line + 1; }

  static void Keys(const YAML::Node& n, const std::string& path, std::initializer_list<std::string_view> allowed) {
    if (!n.IsMap()) throw ConfigError{Line(n), path, "expected a mapping"};
    for (const auto& kv : n) {
      const std::string key = kv.first.as<std::string>();
      bool ok = false;
      std::string list;
      for (auto a : allowed) ok = ok || key == a, list += (list.empty() ? "" : ", ") + std::string(a);
      if (!ok) {
        throw ConfigError{Line(kv.first), path.empty() ? key : path + "." + key, "unknown key (expected one of: " + list + ")"};
      }
    }
  }

  static std::string Str(const YAML::Node& n, const std::string& path) {
    if (!n.IsScalar()) throw ConfigError{Line(n), path, "expected a string"};
    return n.as<std::string>();
  }

  static double Number(const YAML::Node& n, const std::string& path) {
    double v = 0;
    if (!n.IsScalar() || !YAML::convert<double>::decode(n, v) || !std::isfinite(v)) {
      throw ConfigError{Line(n), path, "expected a number"};
    }
    return v;
  }

  static double Share(const YAML::Node& n, const std::string& path) {
    const double v = Number(n, path);
    if (v <= 0 || v >= 1) throw ConfigError{Line(n), path, "expected a number between 0 and 1"};
    return v;
  }

  static int Int(const YAML::Node& n, const std::string& path) {
    const double v = Number(n, path);
    if (v != std::floor(v) || v < 0 || v > 1e9) throw ConfigError{Line(n), path, "expected a whole number"};
    return static_cast<int>(v);
  }

  static std::vector<std::string> Names(const YAML::Node& n, const std::string& path) {
    std::vector<std::string> out;
    if (n.IsScalar()) return {n.as<std::string>()};
    if (!n.IsSequence()) throw ConfigError{Line(n), path, "expected a name or a list of names"};
    for (size_t i = 0; i < n.size(); ++i) out.push_back(Str(n[i], path + "[" + std::to_string(i) + "]"));
    return out;
  }

  void OwnersAt(const YAML::Node& n, const std::string& path, Owners* o) {
    Keys(n, path, {"responsible", "accountable", "webhook", "consulted", "informed"});
    if (n["responsible"]) o->responsible = Names(n["responsible"], path + ".responsible");
    if (n["accountable"]) o->accountable = Str(n["accountable"], path + ".accountable");
    if (n["consulted"]) o->consulted = Names(n["consulted"], path + ".consulted");
    if (n["informed"]) o->informed = Names(n["informed"], path + ".informed");
    if (n["webhook"]) {
      o->webhook = Str(n["webhook"], path + ".webhook");
      if (!o->webhook.empty() && o->webhook.rfind("http://", 0) != 0 && o->webhook.rfind("https://", 0) != 0) {
        throw ConfigError{Line(n["webhook"]), path + ".webhook", "expected an http:// or https:// URL"};
      }
    }
    if (o->accountable.empty()) throw ConfigError{Line(n), path + ".accountable", "every node needs an accountable owner"};
  }

  Role RoleAt(const YAML::Node& n, const std::string& path) {
    const std::string role = n["role"] ? Str(n["role"], path + ".role") : "customer";
    if (role != "customer" && role != "agent") {
      throw ConfigError{Line(n["role"]), path + ".role", "expected customer or agent, got '" + role + "'"};
    }
    return role == "agent" ? Role::kAgent : Role::kCustomer;
  }

  DriverCondition WhenAt(const YAML::Node& n, const std::string& path) {
    Keys(n, path, {"fact", "detector", "phrases", "role", "at_least"});
    DriverCondition c;
    if ((n["fact"] ? 1 : 0) + (n["detector"] ? 1 : 0) + (n["phrases"] ? 1 : 0) > 1)
      throw ConfigError{Line(n), path, "a driver tests one of a fact, a detector or phrases"};
    if (n["fact"]) {
      const std::string name = Str(n["fact"], path + ".fact");
      bool found = false;
      std::string list;
      for (const auto& [f, fname] : kFacts) {
        list += (list.empty() ? "" : ", ") + std::string(fname);
        if (fname == name) c.fact = f, found = true;
      }
      if (!found) throw ConfigError{Line(n["fact"]), path + ".fact", "unknown fact '" + name + "' (one of: " + list + ")"};
      if (n["role"]) throw ConfigError{Line(n["role"]), path + ".role", "role applies to detectors and phrases only"};
      c.kind = DriverCondition::Kind::kFact;
    } else if (n["detector"]) {
      const std::string name = Str(n["detector"], path + ".detector");
      const auto d = ParseDetector(name);
      if (!d) {
        std::string list;
        for (int i = 0; i < kDetectorCount; ++i) list += (i ? ", " : "") + std::string(DetectorName(static_cast<Detector>(i)));
        throw ConfigError{Line(n["detector"]), path + ".detector", "unknown detector '" + name + "' (one of: " + list + ")"};
      }
      c.kind = DriverCondition::Kind::kDetector;
      c.detector = *d;
      c.role = RoleAt(n, path);
    } else if (n["phrases"]) {
      const YAML::Node& list = n["phrases"];
      if (!list.IsSequence() || list.size() == 0)
        throw ConfigError{Line(list), path + ".phrases", "expected a list of phrases"};
      for (size_t i = 0; i < list.size(); ++i) {
        std::string phrase = Str(list[i], path + ".phrases[" + std::to_string(i) + "]");
        std::string words;  // lower case, one space between words
        for (char ch : phrase) {
          const char lower = ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch;
          if (lower == ' ' || lower == '\t') {
            if (!words.empty() && words.back() != ' ') words.push_back(' ');
          } else {
            words.push_back(lower);
          }
        }
        while (!words.empty() && words.back() == ' ') words.pop_back();
        if (words.empty()) throw ConfigError{Line(list[i]), path + ".phrases[" + std::to_string(i) + "]", "an empty phrase"};
        c.phrases.push_back(words);
      }
      if (phrase_drivers_ == kMaxPhraseDrivers)
        throw ConfigError{Line(n), path, "at most " + std::to_string(kMaxPhraseDrivers) + " phrase drivers in a tree"};
      c.kind = DriverCondition::Kind::kPhrases;
      c.phrase_slot = phrase_drivers_++;
      c.role = RoleAt(n, path);
    } else {
      throw ConfigError{Line(n), path, "a driver needs a fact, a detector or phrases"};
    }
    c.at_least = n["at_least"] ? Number(n["at_least"], path + ".at_least") : 1;
    if (c.at_least < 0) throw ConfigError{Line(n["at_least"]), path + ".at_least", "expected a number >= 0"};
    return c;
  }

  void NodeAt(const YAML::Node& n, const std::string& path, int parent) {
    Keys(n, path, {"id", "name", "owners", "when", "children"});
    TreeNode node;
    node.line = Line(n);
    node.parent = parent;
    if (!n["id"]) throw ConfigError{Line(n), path + ".id", "missing"};
    node.id = Str(n["id"], path + ".id");
    if (node.id.empty() || node.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
      throw ConfigError{Line(n["id"]), path + ".id", "expected lower-case letters, digits and _, got '" + node.id + "'"};
    }
    if (!ids_.insert(node.id).second) throw ConfigError{Line(n["id"]), path + ".id", "'" + node.id + "' is used twice"};
    node.name = n["name"] ? Str(n["name"], path + ".name") : node.id;
    if (n["owners"]) {
      OwnersAt(n["owners"], path + ".owners", &node.owners);
    } else if (parent >= 0) {
      node.owners = out_->nodes[static_cast<size_t>(parent)].owners;  // a node without owners has its parent's
    } else {
      throw ConfigError{Line(n), path + ".owners", "the root needs owners"};
    }
    if (n["when"] && n["children"]) throw ConfigError{Line(n), path, "a node is a driver (when) or has children, not both"};
    if (!n["when"] && !n["children"]) throw ConfigError{Line(n), path, "a node needs when (a driver) or children"};
    if (n["when"]) node.when = WhenAt(n["when"], path + ".when");
    const int index = static_cast<int>(out_->nodes.size());
    out_->nodes.push_back(std::move(node));
    if (parent >= 0) out_->nodes[static_cast<size_t>(parent)].children.push_back(index);
    if (const auto children = n["children"]) {
      if (!children.IsSequence() || children.size() == 0) {
        throw ConfigError{Line(children), path + ".children", "expected a list of nodes"};
      }
      for (size_t i = 0; i < children.size(); ++i) {
        NodeAt(children[i], path + ".children[" + std::to_string(i) + "]", index);
      }
    }
  }

  TreeConfig* out_;
  int phrase_drivers_ = 0;
  std::set<std::string> ids_;
};

}  // namespace

std::string_view FactName(Fact f) {
  for (const auto& [fact, name] : kFacts) {
    if (fact == f) return name;
  }
  return "?";
}

std::string DriverCondition::Describe() const {
  char threshold[32];
  std::snprintf(threshold, sizeof(threshold), "%g", at_least);
  if (kind == Kind::kFact) return std::string(FactName(fact)) + " >= " + threshold;
  if (kind == Kind::kPhrases) {
    std::string list;
    for (const std::string& p : phrases) list += (list.empty() ? "\"" : ", \"") + p + "\"";
    return list + " in " + (role == Role::kAgent ? "agent" : "customer") + " messages >= " + threshold;
  }
  return std::string(DetectorName(detector)) + " in " + (role == Role::kAgent ? "agent" : "customer") +
         " messages >= " + threshold;
}

std::optional<int> TreeConfig::Find(std::string_view id) const {
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].id == id) return static_cast<int>(i);
  }
  return std::nullopt;
}

Result<TreeConfig> ParseTreeConfig(std::string_view yaml, const std::string& source) {
  // A config is a file someone edits: bounded in size, and in flow nesting
  // ([[[[...), which yaml-cpp parses by recursion.
  if (yaml.size() > kMaxTreeConfigBytes) {
    return Status::InvalidArgument(source + ":1: the config is larger than " + std::to_string(kMaxTreeConfigBytes) + " bytes");
  }
  int depth = 0, line = 1;
  for (char ch : yaml) {
    line += ch == '\n';
    depth += ch == '[' || ch == '{';
    depth -= (ch == ']' || ch == '}') && depth > 0;
    if (depth > 64) return Status::InvalidArgument(source + ":" + std::to_string(line) + ": nested more than 64 levels deep");
  }
  TreeConfig config;
  try {
    const YAML::Node doc = YAML::Load(std::string(yaml));
    Parser(&config).Top(doc);
  } catch (const ConfigError& e) {
    return Status::InvalidArgument(source + ":" + std::to_string(e.line) + ": " + e.key + ": " + e.message);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(source + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
  }
  return config;
}

Result<TreeConfig> LoadTreeConfig(const std::string& path) {
  std::string file = path;
  if (file.empty()) {
    const char* env = std::getenv("CONVSENT_TREE");
    if (env && *env) file = env;
    else if (std::filesystem::exists("convsent-tree.yaml")) file = "convsent-tree.yaml";
  }
  if (file.empty()) return ParseTreeConfig(DefaultTreeYaml(), "(default tree)");
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::IoError("cannot read tree config " + file);
  std::string text;
  // One byte over the limit is enough for the parser to refuse the file.
  text.resize(kMaxTreeConfigBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return ParseTreeConfig(text, file);
}

std::string_view DefaultTreeYaml() {
  // The default tree of PRODUCT.md. Thresholds are starting points for a
  // team to tune on its own data; owners are roles to replace with names.
  static const char kYaml[] = R"yaml(# convsent metric tree (docs/metric-tree.md)
# Drivers test a conversation's facts or what the text detectors found.
# facts: first_response_minutes, longest_wait_minutes, resolution_hours, agent_replies,
#        customer_turns, handoffs, reopened, escalated, agent_tone_negative, souring
# detectors: repeated_question, policy_refusal, bug_or_outage, billing_dispute, cancellation_intent
# A node without owners has its parent's. Alerts go to the accountable owner's webhook.
version: 1
period: week
alerts:
  alpha: 0.01              # family-wise over every test of a run (Holm)
  prevalence_change: 0.05  # a driver's prevalence up by 5 points or more...
  lift_change: 0.10        # ...or its lift up by 10 points or more
  min_conversations: 30
  baseline_periods: 4      # the last period against up to 4 before it
root:
  id: sentiment
  name: Customer sentiment (share of negative conversations)
  owners:
    accountable: Head of Support
    webhook: ""
    responsible: [Support operations manager]
    consulted: [Quality assurance lead]
    informed: [Customer experience leadership]
  children:
    - id: wait_and_effort
      name: Wait and effort
      owners:
        accountable: Workforce management lead
        webhook: ""
        responsible: [Team leads]
        informed: [Head of Support]
      children:
        - id: slow_first_response
          name: First response after more than an hour
          when: {fact: first_response_minutes, at_least: 60}
        - id: many_replies
          name: Five or more agent replies to resolve
          when: {fact: agent_replies, at_least: 5}
        - id: handoffs
          name: Handed between agents or tiers
          when: {fact: handoffs, at_least: 1}
        - id: long_gap
          name: A customer waited more than four hours for a reply
          when: {fact: longest_wait_minutes, at_least: 240}
    - id: resolution_quality
      name: Resolution quality
      owners:
        accountable: Support quality lead
        webhook: ""
        responsible: [Team leads]
        consulted: [Knowledge base owner]
      children:
        - id: reopened
          name: Reopened after being solved
          when: {fact: reopened, at_least: 1}
        - id: repeated_question
          name: The customer had to repeat themselves
          when: {detector: repeated_question, role: customer, at_least: 1}
        - id: escalated
          name: Escalated
          when: {fact: escalated, at_least: 1}
    - id: agent_interaction
      name: Agent interaction
      owners:
        accountable: Support training lead
        webhook: ""
        responsible: [Team leads]
        consulted: [Quality assurance lead]
      children:
        - id: agent_tone
          name: The agent's tone was negative
          when: {fact: agent_tone_negative, at_least: 1}
        - id: policy_refusal
          name: A policy refusal ("unfortunately we can't")
          when: {detector: policy_refusal, role: agent, at_least: 1}
    - id: product_and_business_friction
      name: Product and business friction
      owners:
        accountable: Head of Product
        webhook: ""
        responsible: [Product managers]
        consulted: [Engineering on call]
        informed: [Head of Support]
      children:
        - id: bug_or_outage
          name: A bug or an outage mentioned
          when: {detector: bug_or_outage, role: customer, at_least: 1}
        - id: billing_dispute
          name: A billing dispute (charged twice, refund)
          owners:
            accountable: Billing operations lead
            webhook: ""
            responsible: [Billing team]
            informed: [Head of Support]
          when: {detector: billing_dispute, role: customer, at_least: 1}
        - id: cancellation_intent
          name: The customer means to cancel
          when: {detector: cancellation_intent, role: customer, at_least: 1}
)yaml";
  return kYaml;
}

bool DriverPresent(const DriverCondition& c, const ReportRow& r, uint32_t phrase_hits) {
  if (c.kind == DriverCondition::Kind::kPhrases) return (phrase_hits >> c.phrase_slot) & 1;
  if (c.kind == DriverCondition::Kind::kDetector) {
    return DetectorCounts(r.detectors).Get(c.detector, c.role) >= c.at_least;
  }
  auto minutes = [](const std::optional<int64_t>& ms) { return ms ? static_cast<double>(*ms) / 60000.0 : -1.0; };
  double v = 0;
  switch (c.fact) {
    case Fact::kFirstResponseMinutes: v = minutes(r.first_response_ms); break;
    case Fact::kLongestWaitMinutes: v = minutes(r.longest_wait_ms); break;
    case Fact::kResolutionHours: v = r.resolution_ms ? static_cast<double>(*r.resolution_ms) / 3600000.0 : -1.0; break;
    case Fact::kAgentReplies: v = r.agent_replies; break;
    case Fact::kCustomerTurns: v = r.customer_turns; break;
    case Fact::kHandoffs: v = r.handoffs; break;
    case Fact::kReopened: v = r.reopened; break;
    case Fact::kEscalated: v = r.escalated; break;
    case Fact::kAgentToneNegative: v = r.agent_tone == Sentiment::kNegative ? 1 : 0; break;
    case Fact::kSouring: v = r.trajectory == Trajectory::kSouring ? 1 : 0; break;
  }
  return v >= c.at_least;
}

}  // namespace convsent

namespace convsent {

bool HasPhraseDrivers(const TreeConfig& config) {
  return std::any_of(config.nodes.begin(), config.nodes.end(), [](const TreeNode& n) {
    return n.when && n.when->kind == DriverCondition::Kind::kPhrases;
  });
}

uint32_t PhraseDriverHits(const TreeConfig& config, const Conversation& c) {
  if (!HasPhraseDrivers(config)) return 0;
  // Each message's words as the tokenizer normalises them, between spaces,
  // so that a phrase matches whole words only.
  thread_local Tokenizer tokenizer;
  thread_local TokenizedText tokens;
  std::vector<std::string> words(c.messages.size());
  for (size_t i = 0; i < c.messages.size(); ++i) {
    if (c.messages[i].role == Role::kNote) continue;
    tokenizer.Tokenize(c.messages[i].text, &tokens);
    words[i] = " ";
    for (const Token& t : tokens.tokens) {
      if (t.kind == TokenKind::kPunct) {
        words[i] += "| ";  // no phrase reaches over punctuation
        continue;
      }
      words[i] += tokens.Normalized(t);
      words[i] += ' ';
    }
  }
  uint32_t hits = 0;
  for (const TreeNode& node : config.nodes) {
    if (!node.when || node.when->kind != DriverCondition::Kind::kPhrases) continue;
    const DriverCondition& when = *node.when;
    int matching = 0;
    for (size_t i = 0; i < c.messages.size(); ++i) {
      const Role role = c.messages[i].role == Role::kBot ? Role::kAgent : c.messages[i].role;
      if (role != when.role || words[i].empty()) continue;
      matching += std::any_of(when.phrases.begin(), when.phrases.end(), [&](const std::string& p) {
        return words[i].find(" " + p + " ") != std::string::npos;
      });
    }
    if (matching >= when.at_least) hits |= uint32_t{1} << when.phrase_slot;
  }
  return hits;
}

}  // namespace convsent
