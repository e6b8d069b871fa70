#include "text/cues.h"

#include <array>
#include <string_view>
#include <vector>

#include "convsent/text.h"

namespace convsent {
namespace {

// A negation scope ends at clause punctuation or a contrast cue; this caps it
// for run-on messages that have neither.
constexpr int kMaxNegationScope = 8;

// Negators include apostrophe-less spellings, which are common in chat.
// "no" is a negator so that "no problem" and "no complaints" are read as the
// negation of a complaint rather than as a complaint.
constexpr CueEntry kCues[] = {
    {"not", {kNegator}}, {"no", {kNegator}}, {"never", {kNegator}}, {"cannot", {kNegator}},
    {"without", {kNegator}}, {"nobody", {kNegator}}, {"nothing", {kNegator}}, {"none", {kNegator}},
    {"nowhere", {kNegator}}, {"neither", {kNegator}}, {"nor", {kNegator}}, {"hardly", {kNegator}},
    {"rarely", {kNegator}}, {"seldom", {kNegator}}, {"scarcely", {kNegator}}, {"lack", {kNegator}},
    {"lacks", {kNegator}}, {"lacking", {kNegator}}, {"nope", {kNegator}}, {"nah", {kNegator}},
    {"dont", {kNegator}}, {"doesnt", {kNegator}}, {"didnt", {kNegator}}, {"isnt", {kNegator}},
    {"arent", {kNegator}}, {"wasnt", {kNegator}}, {"werent", {kNegator}}, {"wont", {kNegator}},
    {"wouldnt", {kNegator}}, {"cant", {kNegator}}, {"couldnt", {kNegator}}, {"shouldnt", {kNegator}},
    {"havent", {kNegator}}, {"hasnt", {kNegator}}, {"hadnt", {kNegator}}, {"aint", {kNegator}},
    {"mustnt", {kNegator}}, {"neednt", {kNegator}}, {"darent", {kNegator}},
    // Intensifiers scale the next word up.
    {"very", {kIntensifier, kBoost}}, {"really", {kIntensifier, kBoost}}, {"so", {kIntensifier, kBoost}},
    {"too", {kIntensifier, kBoost}}, {"super", {kIntensifier, kBoost}}, {"highly", {kIntensifier, kBoost}},
    {"truly", {kIntensifier, kBoost}}, {"especially", {kIntensifier, kBoost}}, {"seriously", {kIntensifier, kBoost}},
    {"quite", {kIntensifier, kBoost}}, {"pretty", {kIntensifier, kBoost}}, {"most", {kIntensifier, kBoost}},
    {"more", {kIntensifier, kBoost}}, {"such", {kIntensifier, kBoost}}, {"damn", {kIntensifier, kBoost}},
    {"freaking", {kIntensifier, kBoost}}, {"fucking", {kIntensifier, kStrongBoost}},
    {"extremely", {kIntensifier, kStrongBoost}}, {"absolutely", {kIntensifier, kStrongBoost}},
    {"totally", {kIntensifier, kStrongBoost}}, {"completely", {kIntensifier, kStrongBoost}},
    {"incredibly", {kIntensifier, kStrongBoost}}, {"utterly", {kIntensifier, kStrongBoost}},
    {"insanely", {kIntensifier, kStrongBoost}}, {"hugely", {kIntensifier, kStrongBoost}},
    {"amazingly", {kIntensifier, kStrongBoost}}, {"exceptionally", {kIntensifier, kStrongBoost}},
    // Softeners scale it down. "kind of", "sort of", "a bit", "a little" are
    // recognised as pairs in the tokenizer.
    {"slightly", {kSoftener, kSoften}}, {"somewhat", {kSoftener, kSoften}}, {"kinda", {kSoftener, kSoften}},
    {"sorta", {kSoftener, kSoften}}, {"fairly", {kSoftener, kSoften}}, {"barely", {kSoftener, 0.5f}},
    {"marginally", {kSoftener, kSoften}}, {"partly", {kSoftener, kSoften}}, {"almost", {kSoftener, kSoften}},
    {"mildly", {kSoftener, kSoften}}, {"occasionally", {kSoftener, kSoften}}, {"less", {kSoftener, kSoften}},
    // Contrast: the clause after "but" carries the message.
    {"but", {kContrastCue}}, {"however", {kContrastCue}},
    {"nevertheless", {kContrastCue}}, {"nonetheless", {kContrastCue}}, {"except", {kContrastCue}},
    {"although", {kContrastCue, 1.0f, true}}, {"though", {kContrastCue, 1.0f, true}},
    {"whereas", {kContrastCue, 1.0f, true}}, {"despite", {kContrastCue, 1.0f, true}},
};

// Function words: grammar, pronouns, greetings. They say what a sentence is
// about, never how the writer feels, so a model trained with
// kFunctionWordContext gives them no weight of their own (only inside a
// bigram, credited to the other word) and explanations never name them.
// Negators are not here: "not" is a reason; nor are "down", "again" and
// "already", which in support say what happened ("the site is down again").
// "I'll" and its kind are marked by the tokenizer, which still sees the
// apostrophe that tells "I'll" from "ill". Changing this list changes what
// such a model reads: bump kTokenizerVersion with it.
constexpr std::string_view kFunctionWords[] = {
    // articles, determiners, quantifiers
    "a", "an", "the", "this", "that", "these", "those", "some", "any", "each", "every", "all", "both",
    "another", "other", "others", "such", "what", "which", "whose", "whatever", "whichever", "few", "many",
    "much", "more", "most", "several", "same", "own", "either",
    // pronouns, with their apostrophe-less contractions
    "i", "me", "my", "mine", "myself", "you", "your", "yours", "yourself", "yourselves", "he", "him", "his",
    "himself", "she", "her", "hers", "herself", "it", "its", "itself", "we", "us", "our", "ours", "ourselves",
    "they", "them", "their", "theirs", "themselves", "who", "whom", "someone", "somebody", "something",
    "anyone", "anybody", "anything", "everyone", "everybody", "everything", "u", "ur", "im", "ive", "id",
    "youre", "youve", "youd", "youll", "hes", "shes", "weve", "wed", "theyre", "theyve", "theyd", "theyll",
    "thats", "theres", "whats", "heres", "wheres", "whos", "lets", "there", "here",
    // auxiliaries and modals
    "am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "having", "do", "does",
    "did", "doing", "will", "would", "shall", "should", "can", "could", "may", "might", "must", "ought",
    // prepositions
    "of", "in", "on", "at", "to", "for", "with", "by", "from", "about", "into", "onto", "over", "under",
    "up", "out", "off", "through", "between", "after", "before", "during", "above", "below",
    "around", "across", "along", "via", "per", "than", "as", "upon", "within", "toward", "towards",
    "among", "against", "behind", "beside", "beyond", "till",
    // conjunctions and connectives
    "and", "or", "but", "so", "if", "then", "because", "while", "when", "where", "why", "how", "whether",
    "until", "unless", "since", "though", "although", "however", "also", "yet", "thus", "therefore",
    // adverbs of degree, time and focus
    "very", "really", "too", "quite", "only", "even", "just", "now", "ever", "else",
    "rather", "somewhat", "perhaps", "maybe", "once", "soon", "today", "yesterday", "tomorrow",
    // greetings and address
    "hi", "hello", "hey", "hiya", "dear", "mr", "mrs", "ms", "sir", "madam",
};

// Open addressing over the low hash bits; 512 slots for ~320 words keeps
// probes short. Most words looked up are in neither list: a 4096-bit filter
// over the high hash bits answers them with one test and no probe loop.
struct CueTable {
  static constexpr size_t kSlots = 512;
  static constexpr uint32_t kFilterBits = 4096;
  std::array<uint64_t, kSlots> keys{};
  std::array<Cue, kSlots> cues{};
  std::array<uint64_t, kFilterBits / 64> filter{};

  static uint32_t FilterBit(uint64_t h) { return static_cast<uint32_t>(h >> 52); }

  explicit CueTable(const CueWords& words) {
    for (const auto& e : words.cues) Slot(e.word) = e.cue;
    for (std::string_view w : words.function_words) Slot(w).flags |= kFunctionWord;  // "very" is both
  }

  // The entry of `word`, added empty if it is new.
  Cue& Slot(std::string_view word) {
    const uint64_t h = HashToken(word);
    filter[FilterBit(h) >> 6] |= uint64_t{1} << (FilterBit(h) & 63);
    size_t i = h & (kSlots - 1);
    while (keys[i] != 0 && keys[i] != h) i = (i + 1) & (kSlots - 1);
    keys[i] = h;
    return cues[i];
  }
};

const CueTable& Table(Language language) {
  static const auto* tables = [] {
    auto* t = new std::vector<CueTable>;
    t->reserve(kNumLanguages);
    for (int i = 0; i < kNumLanguages; ++i) t->emplace_back(CueWordsOf(static_cast<Language>(i)));
    return t;
  }();
  return (*tables)[static_cast<size_t>(language)];
}

}  // namespace

CueWords EnglishCueWords() { return {kCues, kFunctionWords}; }

const Cue* FindCue(Language language, uint64_t token_hash) {
  const CueTable& t = Table(language);
  const uint32_t bit = CueTable::FilterBit(token_hash);
  if (!(t.filter[bit >> 6] >> (bit & 63) & 1)) return nullptr;
  for (size_t i = token_hash & (CueTable::kSlots - 1);; i = (i + 1) & (CueTable::kSlots - 1)) {
    if (t.keys[i] == token_hash) return &t.cues[i];
    if (t.keys[i] == 0) return nullptr;
  }
}

void MarkCues(TokenizedText* out, Language language, const std::vector<std::pair<uint32_t, const Cue*>>& overrides,
              std::vector<const Cue*>* cue_scratch) {
  auto& tokens = out->tokens;
  const size_t n = tokens.size();
  cue_scratch->resize(n);
  auto cues = [&](size_t i) -> const Cue*& { return (*cue_scratch)[i]; };
  // Two-word softeners: "kind of", "sort of", "a bit", "a little".
  static const Cue kPairSoftener{kSoftener, 0.7f};
  static const uint64_t kOf = HashToken("of"), kKind = HashToken("kind"), kSort = HashToken("sort"),
                        kA = HashToken("a"), kBit = HashToken("bit"), kLittle = HashToken("little"),
                        kOnly = HashToken("only"), kJust = HashToken("just");
  // Negation scope. It is marked one token behind the cues, because "not
  // only" takes the negator back when the next token is read.
  int scope = 0;
  auto negation = [&scope](Token& t) {
    if (t.Has(kNegator)) {
      scope = kMaxNegationScope;
      return;
    }
    if (t.Has(kClauseEnd) || t.Has(kContrastCue)) {
      scope = 0;
      return;
    }
    if (scope > 0 && (t.kind == TokenKind::kWord || t.kind == TokenKind::kHashtag)) {
      t.flags |= kNegated;
      --scope;
    }
  };
  // One pass: each token's cue, then what it does to its neighbours.
  bool any_contrast = false;
  size_t next_override = 0;
  for (size_t i = 0; i < n; ++i) {
    Token& t = tokens[i];
    const Cue* cue = t.kind == TokenKind::kWord ? FindCue(language, t.hash) : nullptr;
    if (next_override < overrides.size() && overrides[next_override].first == i) {
      cue = overrides[next_override++].second;  // "sooo" is "so"
    }
    if (cue) t.flags |= cue->flags;
    if (i > 0) {
      Token& prev = tokens[i - 1];
      const uint64_t a = prev.hash, b = t.hash;
      if ((b == kOf && (a == kKind || a == kSort)) || (a == kA && (b == kBit || b == kLittle))) {
        cue = &kPairSoftener;
        t.flags |= kSoftener;
      }
      // "not only ... but also" is not a negation.
      if (prev.Has(kNegator) && (b == kOnly || b == kJust)) prev.flags &= ~kNegator;
      // Emphasis carried by intensifiers and softeners onto the next word.
      if ((prev.Has(kIntensifier) || prev.Has(kSoftener)) && cues(i - 1) != nullptr) {
        float e = cues(i - 1)->emphasis * prev.emphasis;
        if (prev.Has(kAllCaps) || prev.Has(kElongated)) e *= prev.Has(kIntensifier) ? 1.15f : 1.0f;
        t.emphasis = e;
      }
      negation(prev);
    }
    cues(i) = cue;
    any_contrast |= t.Has(kContrastCue) && cue != nullptr;
  }
  if (n > 0) negation(tokens[n - 1]);
  if (!any_contrast) return;
  // Contrast clauses.
  size_t sentence_start = 0;
  for (size_t i = 0; i < n; ++i) {
    const Token& t = tokens[i];
    if (t.Has(kSentenceEnd)) { sentence_start = i + 1; continue; }
    if (!t.Has(kContrastCue) || cues(i) == nullptr) continue;
    size_t sentence_end = i + 1;
    while (sentence_end < n && !tokens[sentence_end].Has(kSentenceEnd)) ++sentence_end;
    if (!cues(i)->clause_first) {
      // "but": what came before (in this sentence, or the whole message when
      // "But" opens a sentence) is overridden by what follows.
      const size_t from = i == sentence_start ? 0 : sentence_start;
      for (size_t k = from; k < i; ++k) {
        tokens[k].flags = static_cast<uint16_t>((tokens[k].flags & ~kAfterContrast) | kBeforeContrast);
      }
      for (size_t k = i + 1; k < sentence_end; ++k) tokens[k].flags |= kAfterContrast;
    } else {
      // "although X, Y": X is conceded, Y (or the clause before) carries it.
      size_t clause_end = i + 1;
      while (clause_end < sentence_end && !tokens[clause_end].Has(kClauseEnd)) ++clause_end;
      for (size_t k = i + 1; k < clause_end; ++k) tokens[k].flags |= kBeforeContrast;
      if (i == sentence_start) {
        for (size_t k = clause_end; k < sentence_end; ++k) tokens[k].flags |= kAfterContrast;
      } else {
        for (size_t k = sentence_start; k < i; ++k) tokens[k].flags |= kAfterContrast;
      }
    }
  }
}

}  // namespace convsent
