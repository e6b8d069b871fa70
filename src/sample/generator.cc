// Sample conversations with planted causes. The text templates below were
// written for convsent. Each conversation draws an outcome (negative,
// neutral, positive) whose odds the planted causes shift; its messages are
// then composed from templates that fit the outcome, the topic and the
// agent.
#include "convsent/generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "convsent/conversation.h"
#include "convsent/score_format.h"

namespace convsent {
namespace {

// splitmix64: small, fast, and the same everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double Unit() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }
  int Int(int lo, int hi) { return lo + static_cast<int>(Next() % static_cast<uint64_t>(hi - lo + 1)); }
  bool Chance(double p) { return Unit() < p; }
  template <typename T, size_t N>
  const T& Pick(const std::array<T, N>& a) { return a[Next() % N]; }
  template <typename T>
  const T& Pick(const std::vector<T>& a) { return a[Next() % a.size()]; }

 private:
  uint64_t s_;
};

using Lines = std::vector<const char*>;

const std::array<const char*, 5> kTopics = {"billing", "shipping", "account", "technical", "returns"};

// What a customer first says, by topic: [topic][0 calm, 1 upset].
const Lines kOpenCalm[5] = {
    {"Hi, I have a question about my last invoice.", "Hello, can you explain the charge on my statement?",
     "Hi there, I'd like to change my payment method.", "Could you send me a copy of my October invoice?"},
    {"Hi, when will my order arrive?", "Hello, I'd like to check the status of order #{n}.",
     "Can I change the delivery address for my order?", "Hi, the tracking page hasn't updated since Monday."},
    {"Hi, I need to update the email on my account.", "Hello, how do I add a second user to our account?",
     "I'd like to reset my password please.", "Can you help me change my username?"},
    {"Hi, the export button doesn't seem to do anything.", "Hello, how do I connect the app to my calendar?",
     "The sync seems slow today, is there an issue?", "Hi, I get an error code {n} when I log in."},
    {"Hi, I'd like to return an item from order #{n}.", "Hello, how long does a refund take after a return?",
     "Can I exchange a jacket for a larger size?", "Hi, do I need to print the return label?"},
};
const Lines kOpenUpset[5] = {
    {"I was charged twice for my subscription this month!!", "Why is there a charge I never authorized?!",
     "You billed me again after I cancelled. This is ridiculous.", "I was overcharged and nobody explains why."},
    {"My order is two weeks late and nobody tells me anything.", "The package arrived damaged. Again.",
     "Where is my order?? This is the third time I'm asking.", "The courier says delivered but nothing arrived!"},
    {"I'm locked out of my account and the reset link is broken.", "Someone changed my password and I can't get in!!",
     "Your login keeps failing and I've lost a whole morning.", "I've asked three times to close my account."},
    {"The app crashes every time I open it. Useless.", "Everything has been broken since the update!!",
     "Your service is down AGAIN and we're losing money.", "Sync deleted half of my data. Unacceptable."},
    {"I returned the item a month ago and still no refund.", "The return label you sent doesn't work.",
     "You rejected my return for no reason. Terrible service.", "Still waiting for my refund, this is a joke."},
};
const Lines kBillingBug = {
    "I was charged twice this month, please fix this now!", "Double charge on my card again. What is going on?",
    "You took the payment twice!! I want my money back.", "Charged twice for one order. This is the second time."};
const Lines kWaitComplaint = {
    "I've been waiting for hours for a reply.", "Hello?? Is anyone there? It's been half a day.",
    "Why does it take so long to get an answer?", "Still no answer after all this time."};
const Lines kFollowCalm = {"Thanks, I'll wait then.", "Ok, here is the order number: {n}.", "Sure, one moment.",
                           "I tried that, it's the same.", "Ok. What do you need from me?",
                           "My account email is the one I'm writing from.", "Yes, that's the one."};
const Lines kFollowUpset = {"That doesn't help at all.", "I already told you my order number twice.",
                            "This is taking forever.", "Still not working.", "Why is this so complicated?",
                            "I've done that already. Twice.", "Nobody ever reads what I write."};
// What the negatives a planted cause adds say: the cause, not a generic
// complaint, so that the tree can tell the causes apart.
const Lines kFollowSlow = {"Hours for a reply. Seriously?", "Why does it take so long to get an answer?",
                           "This is taking forever.", "Hello? Anyone?"};
const Lines kCloseSlow = {"Way too slow. Not impressed.", "Hours of waiting for this. Terrible service.",
                          "Next time answer faster, this was awful."};
const Lines kFollowCurt = {"That's not an answer.", "Can I talk to someone who can actually help?",
                           "Why are you being so dismissive?", "That's rude."};
const Lines kCloseCurt = {"Rude and useless.", "What a dismissive answer. Awful.", "Terrible attitude from your agent."};
const Lines kFollowBilling = {"I want my money back.", "Please refund the second payment.", "Why was I charged twice?"};
const Lines kCloseBilling = {"Refund me now or I'll dispute the charge.", "Unacceptable to be charged twice.",
                             "Awful. Just give me my money back."};
// The emerging issue: a release that broke staying signed in on Android,
// which no detector of the default tree knows.
const Lines kEmergingOpen = {"Since the new Android update the app logs me out every few minutes.",
                             "The Android app logs me out right after I sign in. Started with the new version.",
                             "After updating the Android app I can't stay signed in, it logs me out constantly.",
                             "Your Android app keeps logging me out since the update."};
const Lines kEmergingFollow = {"It logs me out again as soon as I open it.", "Reinstalled the Android app, still logs me out.",
                               "Same on my other Android phone.", "Still logs me out. Please fix the app."};
const Lines kFollowFlat = {"ok", "Ok.", "fine", "I see.", "Noted.", "Alright.", "Sure.", "k"};
const Lines kCloseNegative = {"Forget it, I want to cancel my account.", "Worst support I've ever had.",
                              "I'm done. Switching to another provider.", "Useless. I'll dispute the charge.",
                              "This is unacceptable, I want to speak to a manager."};
const Lines kClosePositive = {"Thank you so much, that fixed it!", "Perfect, thanks for the quick help :)",
                              "Great, it works now. Thanks!", "Brilliant, really appreciate it 🙏",
                              "That's sorted, you've been super helpful."};
const Lines kCloseNeutral = {"Ok, thanks.", "Got it.", "Alright, I'll check tomorrow.", "Ok. Bye.",
                             "I'll try that later."};
const Lines kAgentGreet = {"Hi, thanks for reaching out. Let me look into this.",
                           "Hello! I'm checking your account now.", "Thanks for the details, one moment please.",
                           "Hi, sorry for the trouble. I'm on it."};
const Lines kAgentWork = {"I can see the issue on our side. I've fixed it and added a note.",
                          "I've issued a refund; it takes 3-5 business days.",
                          "I've sent a new link to your email.", "Could you try again now? I reset the sync.",
                          "I've escalated this to our technical team.", "Your order is on its way, here is the tracking."};
const Lines kAgentCurt = {"Read the FAQ.", "Can't help with that.", "That's our policy.", "Try again later.",
                          "Unfortunately we can't do anything.", "As I said, wait."};
const Lines kAgentClose = {"Glad I could help! Have a great day.", "Anything else I can do for you?",
                           "Thanks for your patience.", "You're welcome, take care!"};

std::string Fill(const char* tmpl, Rng& rng, const std::string& customer) {
  std::string out;
  for (const char* p = tmpl; *p; ++p) {
    if (p[0] == '{' && p[1] == 'n' && p[2] == '}') {
      out += std::to_string(rng.Int(10000, 99999));
      p += 2;
    } else if (p[0] == '{' && p[1] == 'c' && p[2] == '}') {
      out += customer;
      p += 2;
    } else {
      out.push_back(*p);
    }
  }
  return out;
}

struct Planted {
  int slow_week_from = 21, slow_week_to = 28;   // days since start
  int billing_bug_from = 35, billing_fix_at = 49;
  int drift_from = 42;                          // neutral drift until the end
  int model_change_at = 28;
  std::string pocket_channel = "social";
  std::string curt_agent = "a-07";
  // What discovery must find (docs/discovery.md): new phrases in one topic
  // from a day on, and a channel x team pair whose share rises.
  int emerging_from = 49;
  std::string emerging_topic = "account";
  int pair_from = 42, pair_to = 49;  // one week
  std::string pair_channel = "chat", pair_team = "tier2";
};

}  // namespace

Result<std::string> GenerateConversations(const GeneratorOptions& o, std::ostream& out) {
  if (o.conversations < 1) return Status::InvalidArgument("--conversations must be at least 1");
  if (o.days < 14) return Status::InvalidArgument("--days must be at least 14 (the planted causes need weeks)");
  int64_t start_ms = 0;
  if (!ParseTime(o.start, &start_ms)) return Status::InvalidArgument("--start: not a date");
  Planted pl;
  // Scale the plan to the span, keeping its shape over eight weeks.
  auto at = [&](int day56) { return day56 * o.days / 56; };
  pl.slow_week_from = at(21), pl.slow_week_to = at(21) + 7;
  pl.billing_bug_from = at(35), pl.billing_fix_at = at(49), pl.drift_from = at(42), pl.model_change_at = at(28);
  pl.emerging_from = at(49), pl.pair_from = at(42), pl.pair_to = at(42) + 7;
  const int64_t kDay = 86400000LL, kMin = 60000LL;
  auto day_time = [&](int day) { return FormatTime(start_ms + day * kDay); };

  Rng rng(o.seed * 0x2545F4914F6CDD1DULL + 1);
  const std::array<const char*, 4> channels = {"chat", "email", "phone", "social"};
  const std::array<double, 4> channel_odds = {0.45, 0.30, 0.15, 0.10};
  std::vector<std::string> agents;
  for (int i = 1; i <= 24; ++i) agents.push_back((i < 10 ? "a-0" : "a-") + std::to_string(i));
  auto team_of = [](const std::string& agent, const std::string& topic) {
    const int n = std::atoi(agent.c_str() + 2);
    if (topic == "billing" && n % 3 == 0) return "billing-ops";
    return n <= 14 ? "tier1" : "tier2";
  };
  std::string line;
  for (int64_t k = 0; k < o.conversations; ++k) {
    const int day = static_cast<int>(rng.Next() % static_cast<uint64_t>(o.days));
    const int64_t created = start_ms + day * kDay + (8 * 60 + rng.Int(0, 12 * 60 - 1)) * kMin;
    double u = rng.Unit();
    int ch = 0;
    while (ch < 3 && u >= channel_odds[ch]) u -= channel_odds[ch++];
    const std::string channel = channels[ch];
    const int topic_i = rng.Int(0, 4);
    const std::string topic = kTopics[topic_i];
    const std::string& agent = rng.Pick(agents);
    const std::string team = team_of(agent, topic);
    const bool curt = agent == pl.curt_agent;
    const bool slow_week = day >= pl.slow_week_from && day < pl.slow_week_to;
    const bool billing_bug = topic == "billing" && day >= pl.billing_bug_from && day < pl.billing_fix_at;
    const bool pocket = channel == pl.pocket_channel;
    const double drift = day >= pl.drift_from ? static_cast<double>(day - pl.drift_from + 1) / (o.days - pl.drift_from) : 0;

    // The outcome's odds, shifted by what was planted; a negative outcome
    // remembers why: the base odds, or the cause whose share it fell in.
    const bool emerging = topic == pl.emerging_topic && day >= pl.emerging_from;
    const bool pair = channel == pl.pair_channel && team == pl.pair_team && day >= pl.pair_from && day < pl.pair_to;
    enum class Why { kNone, kBase, kSlow, kBilling, kPocket, kCurt, kEmerging, kPair };
    const double r = rng.Unit();
    double p_neg = 0.12, p_pos = 0.40;
    Why why = r < p_neg ? Why::kBase : Why::kNone;
    auto cause = [&](bool active, double add, Why w) {
      if (!active) return;
      const double edge = std::min(p_neg + add, 0.9);
      if (why == Why::kNone && r < edge) why = w;
      p_neg = edge;
    };
    cause(slow_week, 0.25, Why::kSlow);
    cause(billing_bug, 0.45, Why::kBilling);
    cause(pocket, 0.40, Why::kPocket);
    cause(curt, 0.30, Why::kCurt);
    cause(emerging, 0.30, Why::kEmerging);
    cause(pair, 0.50, Why::kPair);
    // The negatives of the pair and of the emerging issue come from their
    // positives first: the neutral share, and so the drift toward neutral
    // planted in the same weeks, stay as they were.
    const double from_positive = (pair ? 0.50 : 0.0) + (emerging ? 0.30 : 0.0);
    p_pos = std::max(0.0, std::min(p_pos, 1 - p_neg) - from_positive) * (1 - 0.6 * drift);  // drift: positives turn flat
    const int outcome = r < p_neg ? 0 : r < p_neg + p_pos ? 2 : 1;  // 0 negative, 1 neutral, 2 positive

    // First response time: minutes, or hours in the slow week.
    const int64_t frt = slow_week ? rng.Int(180, 540) * kMin
                                  : (channel == "email" ? rng.Int(30, 240) : rng.Int(1, 25)) * kMin;
    const std::string customer = "u-" + std::to_string(100000 + rng.Int(0, 899999));
    struct Msg { const char* role; std::string author; int64_t at; std::string text; };
    std::vector<Msg> msgs;
    int64_t t = created;
    auto say = [&](const char* role, const std::string& author, std::string text, int64_t gap) {
      t += gap;
      msgs.push_back({role, author, t, std::move(text)});
    };
    // Generic negatives often open upset (some sour later); a cause's
    // negatives open calmly and go wrong on what the cause did.
    const bool generic = why == Why::kBase || why == Why::kPocket || why == Why::kPair;
    const bool upset_open = outcome == 0 && generic && !rng.Chance(0.35);
    const char* open = billing_bug                ? rng.Pick(kBillingBug)
                       : why == Why::kEmerging ? rng.Pick(kEmergingOpen)
                                   : upset_open ? rng.Pick(kOpenUpset[topic_i]) : rng.Pick(kOpenCalm[topic_i]);
    say("customer", customer, Fill(open, rng, customer), 0);
    if (slow_week && rng.Chance(0.7)) say("customer", customer, rng.Pick(kWaitComplaint), frt / 2);
    std::string current_agent = agent;
    say("agent", current_agent, Fill(curt ? rng.Pick(kAgentCurt) : rng.Pick(kAgentGreet), rng, customer),
        slow_week ? frt / 2 : frt);
    const int rounds = rng.Int(1, 4);
    bool handoff = false;
    for (int i = 0; i < rounds; ++i) {
      const char* follow = outcome == 0 ? (why == Why::kSlow      ? rng.Pick(kFollowSlow)
                                           : why == Why::kCurt    ? rng.Pick(kFollowCurt)
                                           : why == Why::kBilling ? rng.Pick(kFollowBilling)
                                           : why == Why::kEmerging ? rng.Pick(kEmergingFollow)
                                                                  : rng.Pick(kFollowUpset))
                           : (drift > 0 && rng.Chance(drift)) ? rng.Pick(kFollowFlat)
                                                              : rng.Pick(kFollowCalm);
      say("customer", customer, Fill(follow, rng, customer), rng.Int(1, 10) * kMin);
      if (!handoff && rng.Chance(0.08)) {
        handoff = true;
        current_agent = rng.Pick(agents);
        say("note", current_agent, "Taking over from " + agent + ".", kMin);
      }
      say("agent", current_agent, Fill(curt && current_agent == agent ? rng.Pick(kAgentCurt) : rng.Pick(kAgentWork), rng, customer),
          rng.Int(2, 30) * kMin);
    }
    const char* close = outcome == 0 ? (why == Why::kSlow      ? rng.Pick(kCloseSlow)
                                        : why == Why::kCurt    ? rng.Pick(kCloseCurt)
                                        : why == Why::kBilling ? rng.Pick(kCloseBilling)
                                                               : rng.Pick(kCloseNegative))
                        : outcome == 2 ? rng.Pick(kClosePositive)
                                       : (drift > 0 && rng.Chance(drift)) ? rng.Pick(kFollowFlat) : rng.Pick(kCloseNeutral);
    say("customer", customer, close, rng.Int(1, 20) * kMin);
    if (outcome != 0 && !curt && rng.Chance(0.7)) say("agent", current_agent, rng.Pick(kAgentClose), rng.Int(1, 5) * kMin);

    // JSON by hand: this loop writes a million lines in seconds.
    line.clear();
    line += "{\"id\":\"C-";
    line += std::to_string(k + 1);
    line += "\",\"channel\":\"" + channel + "\",\"topic\":\"" + topic + "\",\"team\":\"" + team + "\",\"tags\":[";
    if (billing_bug) line += "\"double-charge\"";
    if (upset_open && topic == "returns") line += std::string(billing_bug ? "," : "") + "\"refund\"";
    line += "],\"created_at\":\"" + FormatTime(created) + "\",\"messages\":[";
    for (size_t i = 0; i < msgs.size(); ++i) {
      if (i) line.push_back(',');
      line += "{\"role\":\"";
      line += msgs[i].role;
      line += "\",\"author\":\"" + msgs[i].author + "\",\"at\":\"" + FormatTime(msgs[i].at) + "\",\"text\":";
      AppendJsonString(msgs[i].text, &line);
      line.push_back('}');
    }
    line += "],\"events\":[";
    std::vector<std::string> events;
    if (handoff) events.push_back("{\"type\":\"handoff\",\"at\":\"" + FormatTime(created + kMin) + "\"}");
    if (rng.Chance(outcome == 0 ? 0.25 : 0.03)) events.push_back("{\"type\":\"escalated\",\"at\":\"" + FormatTime(t) + "\"}");
    events.push_back("{\"type\":\"resolved\",\"at\":\"" + FormatTime(t + 5 * kMin) + "\"}");
    if (rng.Chance(outcome == 0 ? 0.20 : 0.04)) {
      events.push_back("{\"type\":\"reopened\",\"at\":\"" + FormatTime(t + 2 * kDay) + "\"}");
    }
    for (size_t i = 0; i < events.size(); ++i) line += (i ? "," : "") + events[i];
    line += "]";
    if (rng.Chance(0.35)) {
      const int csat = outcome == 0 ? rng.Int(1, 2) : outcome == 2 ? rng.Int(4, 5) : rng.Int(3, 4);
      line += ",\"csat\":" + std::to_string(csat);
    }
    if (rng.Chance(0.2)) {
      const int nps = outcome == 0 ? rng.Int(0, 6) : outcome == 2 ? rng.Int(8, 10) : rng.Int(6, 8);
      line += ",\"nps\":" + std::to_string(nps);
    }
    line += ",\"customer\":\"" + customer + "\",\"agent\":\"" + agent + "\"}\n";
    out << line;
    if (!out) return Status::IoError("write failed");
  }

  nlohmann::json truth = {
      {"generator", "convsent generate"}, {"seed", o.seed}, {"conversations", o.conversations},
      {"start", FormatTime(start_ms)}, {"days", o.days},
      {"planted",
       nlohmann::json::array({
           {{"cause", "slow_first_response"}, {"from", day_time(pl.slow_week_from)}, {"to", day_time(pl.slow_week_to)},
            {"effect", "first responses take 3-9 hours instead of minutes; the negative share rises by about 25 points"}},
           {{"cause", "billing_bug"}, {"segment", {{"topic", "billing"}}}, {"tag", "double-charge"},
            {"from", day_time(pl.billing_bug_from)}, {"fixed_at", day_time(pl.billing_fix_at)},
            {"effect", "billing conversations complain of double charges; their negative share rises by about 45 points until the fix"}},
           {{"cause", "painful_pocket"}, {"segment", {{"channel", pl.pocket_channel}}},
            {"effect", "the social channel's negative share is about 40 points above the rest, throughout"}},
           {{"cause", "curt_agent"}, {"segment", {{"agent", pl.curt_agent}}},
            {"effect", "this agent's replies are curt refusals; the negative share of their conversations rises by about 30 points"}},
           {{"cause", "neutral_drift"}, {"from", day_time(pl.drift_from)}, {"to", day_time(o.days)},
            {"effect", "positive conversations turn flat; the neutral share rises toward the end"}},
           {{"cause", "model_change"}, {"at", day_time(pl.model_change_at)},
            {"effect", "the sample job rescores conversations from this day with another model version"}},
       })},
      // What `convsent discover` must find (docs/discovery.md).
      {"emerging",
       nlohmann::json::array({{{"phrases", {"android", "android app", "logs"}},
                               {"from", day_time(pl.emerging_from)},
                               {"segment", {{"topic", pl.emerging_topic}}},
                               {"effect", "account conversations complain that the Android app logs them out; their negative share rises by about 30 points (mostly instead of positive)"}}})},
      {"drilldown",
       nlohmann::json::array({{{"segment", {{"channel", pl.pair_channel}, {"team", pl.pair_team}}},
                               {"from", day_time(pl.pair_from)}, {"to", day_time(pl.pair_to)},
                               {"effect", "for one week, chat conversations handled by tier2 turn negative about 50 points more often (mostly instead of positive)"}}})},
      {"clean_segments", {{"channel", {"chat", "email", "phone"}}, {"team", {"tier1", "tier2"}}}},
      // What the metric tree should find: the planted causes as drivers of
      // the default tree (docs/metric-tree.md), and the one change that worked.
      {"tree",
       {{"top_driver",
         nlohmann::json::array({{{"node", "slow_first_response"}, {"from", day_time(pl.slow_week_from)}, {"to", day_time(pl.slow_week_to)}},
                                {{"node", "billing_dispute"}, {"from", day_time(pl.billing_bug_from)}, {"to", day_time(pl.billing_fix_at)}}})},
        {"intervention_that_worked",
         {{"node", "billing_dispute"}, {"at", day_time(pl.billing_fix_at)}, {"segment", {{"topic", "billing"}}},
          {"note", "the double-charge bug was fixed"}}}}},
  };
  return truth.dump(2);
}

}  // namespace convsent
