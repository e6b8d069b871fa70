#include "convsent/detectors.h"

#include <array>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace convsent {
namespace {

struct DetectorSpec {
  Detector detector;
  std::string_view name;
  // Phrases as written by customers and agents, matched as whole words in
  // lower case ("charged twice" does not match "discharged twice").
  std::vector<std::string_view> phrases;
};

const std::array<DetectorSpec, kDetectorCount>& Specs() {
  static const std::array<DetectorSpec, kDetectorCount> specs = {{
      {Detector::kRepeatedQuestion,
       "repeated_question",
       {"third time", "second time", "fourth time", "asked three times", "asked twice", "asking again",
        "already told you", "already said", "already asked", "already explained", "i told you", "as i said",
        "as i mentioned", "like i said", "again and again", "keep asking", "how many times", "for the last time",
        "still no answer", "still waiting for an answer", "once again", "asked you before"}},
      {Detector::kPolicyRefusal,
       "policy_refusal",
       {"our policy", "company policy", "against policy", "against our policy", "policy does not allow",
        "policy doesn't allow", "can't help with that", "cannot help with that", "can't do anything",
        "cannot do anything", "unable to help", "not able to help", "unfortunately we can't",
        "unfortunately we cannot", "unfortunately we are unable", "we don't offer", "not eligible",
        "non refundable", "no exceptions", "read the faq", "nothing we can do", "not possible"}},
      {Detector::kBugOrOutage,
       "bug_or_outage",
       {"crash", "crashes", "crashed", "crashing", "bug", "bugs", "buggy", "broken", "error", "errors", "outage",
        "down again", "service is down", "site is down", "app is down", "not working", "doesn't work",
        "does not work", "doesn't seem to do anything", "stopped working", "isn't working", "won't load",
        "not loading", "keeps failing", "glitch", "deleted half", "lost my data", "data loss"}},
      {Detector::kBillingDispute,
       "billing_dispute",
       {"charged twice", "double charge", "double charged", "overcharged", "over charged", "billed me",
        "billed twice", "payment twice", "charge i never", "unauthorized charge", "never authorized",
        "wrong charge", "wrong amount", "dispute the charge", "chargeback", "refund", "money back",
        "extra charge", "charged me", "charged again", "took the payment"}},
      {Detector::kCancellationIntent,
       "cancellation_intent",
       {"cancel my account", "cancel my subscription", "cancel the subscription", "close my account",
        "closing my account", "delete my account", "want to cancel", "going to cancel", "switching to",
        "switch to another", "another provider", "taking my business elsewhere", "i'm done", "im done",
        "unsubscribe me", "leaving for"}},
  }};
  return specs;
}

// Lower-cased words: runs of ASCII letters, digits and apostrophes (curly
// apostrophes folded to '). Other bytes (UTF-8 included) separate words.
void Words(std::string_view text, std::string* buf, std::vector<std::string_view>* words) {
  buf->clear();
  words->clear();
  buf->reserve(text.size());
  std::vector<std::pair<size_t, size_t>> spans;
  size_t start = std::string::npos;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char ch = static_cast<unsigned char>(text[i]);
    // U+2019 RIGHT SINGLE QUOTATION MARK is E2 80 99.
    if (ch == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        static_cast<unsigned char>(text[i + 2]) == 0x99) {
      ch = '\'';
      i += 2;
    }
    const bool word = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '\'';
    if (word) {
      if (start == std::string::npos) start = buf->size();
      buf->push_back(static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch));
    } else if (start != std::string::npos) {
      spans.emplace_back(start, buf->size() - start);
      start = std::string::npos;
    }
  }
  if (start != std::string::npos) spans.emplace_back(start, buf->size() - start);
  for (const auto& [s, n] : spans) words->emplace_back(buf->data() + s, n);
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

// Phrases indexed by their first word.
struct PhraseIndex {
  struct Entry {
    Detector detector;
    std::vector<std::string> words;
  };
  std::unordered_map<std::string, std::vector<Entry>, StringHash, std::equal_to<>> by_first;

  PhraseIndex() {
    std::string buf;
    std::vector<std::string_view> words;
    for (const DetectorSpec& spec : Specs()) {
      for (std::string_view phrase : spec.phrases) {
        Words(phrase, &buf, &words);
        Entry e{spec.detector, {}};
        for (auto w : words) e.words.emplace_back(w);
        by_first[e.words[0]].push_back(std::move(e));
      }
    }
  }
};

const PhraseIndex& Index() {
  static const PhraseIndex index;
  return index;
}

// Words that carry content, for comparing two customer messages.
std::unordered_set<std::string> ContentWords(const std::vector<std::string_view>& words) {
  std::unordered_set<std::string> out;
  for (auto w : words) {
    if (w.size() >= 3) out.emplace(w);
  }
  return out;
}

double Jaccard(const std::unordered_set<std::string>& a, const std::unordered_set<std::string>& b) {
  if (a.empty() || b.empty()) return 0;
  size_t common = 0;
  for (const auto& w : a) common += b.count(w);
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

}  // namespace

std::string_view DetectorName(Detector d) { return Specs()[static_cast<size_t>(d)].name; }

std::optional<Detector> ParseDetector(std::string_view name) {
  for (const DetectorSpec& s : Specs()) {
    if (s.name == name) return s.detector;
  }
  return std::nullopt;
}

DetectorCounts DetectInConversation(const Conversation& c) {
  const PhraseIndex& index = Index();
  DetectorCounts counts;
  std::string buf;
  std::vector<std::string_view> words;
  // Earlier customer messages long enough to be a question asked again.
  std::vector<std::unordered_set<std::string>> earlier;
  for (const Message& m : c.messages) {
    if (m.role == Role::kNote) continue;
    const Role role = m.role == Role::kCustomer ? Role::kCustomer : Role::kAgent;
    Words(m.text, &buf, &words);
    std::array<bool, kDetectorCount> hit{};
    for (size_t i = 0; i < words.size(); ++i) {
      const auto it = index.by_first.find(words[i]);
      if (it == index.by_first.end()) continue;
      for (const auto& e : it->second) {
        if (hit[static_cast<size_t>(e.detector)] || i + e.words.size() > words.size()) continue;
        bool match = true;
        for (size_t k = 1; k < e.words.size() && match; ++k) match = words[i + k] == e.words[k];
        hit[static_cast<size_t>(e.detector)] = match;
      }
    }
    // A customer message that nearly repeats an earlier one (four or more
    // content words, Jaccard >= 0.6) is a question asked again.
    if (role == Role::kCustomer) {
      auto content = ContentWords(words);
      if (content.size() >= 4) {
        for (const auto& e : earlier) {
          if (Jaccard(content, e) >= 0.6) {
            hit[static_cast<size_t>(Detector::kRepeatedQuestion)] = true;
            break;
          }
        }
        if (earlier.size() < 32) earlier.push_back(std::move(content));
      }
    }
    for (int d = 0; d < kDetectorCount; ++d) {
      if (hit[static_cast<size_t>(d)]) counts.Add(static_cast<Detector>(d), role);
    }
  }
  return counts;
}

}  // namespace convsent
