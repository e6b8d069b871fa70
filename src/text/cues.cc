#include "text/cues.h"

#include <array>
#include <string_view>

#include "convsent/text.h"

namespace convsent {
namespace {

struct CueEntry {
  std::string_view word;
  Cue cue;
};

constexpr float kBoost = 1.3f;
constexpr float kStrongBoost = 1.5f;
constexpr float kSoften = 0.7f;

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

// Open addressing over the low hash bits; 256 slots for ~100 cues keeps
// probes short and the whole table in a few cache lines. Nearly every word
// looked up is not a cue: a 1024-bit filter over the high hash bits answers
// most of them with one test and no probe loop.
struct CueTable {
  static constexpr size_t kSlots = 256;
  static constexpr uint32_t kFilterBits = 1024;
  std::array<uint64_t, kSlots> keys{};
  std::array<Cue, kSlots> cues{};
  std::array<uint64_t, kFilterBits / 64> filter{};

  static uint32_t FilterBit(uint64_t h) { return static_cast<uint32_t>(h >> 54); }

  CueTable() {
    for (const auto& e : kCues) {
      const uint64_t h = HashToken(e.word);
      filter[FilterBit(h) >> 6] |= uint64_t{1} << (FilterBit(h) & 63);
      size_t i = h & (kSlots - 1);
      while (keys[i] != 0) i = (i + 1) & (kSlots - 1);
      keys[i] = h;
      cues[i] = e.cue;
    }
  }
};

const CueTable& Table() {
  static const CueTable table;
  return table;
}

}  // namespace

const Cue* FindCue(uint64_t token_hash) {
  const CueTable& t = Table();
  const uint32_t bit = CueTable::FilterBit(token_hash);
  if (!(t.filter[bit >> 6] >> (bit & 63) & 1)) return nullptr;
  for (size_t i = token_hash & (CueTable::kSlots - 1);; i = (i + 1) & (CueTable::kSlots - 1)) {
    if (t.keys[i] == token_hash) return &t.cues[i];
    if (t.keys[i] == 0) return nullptr;
  }
}

}  // namespace convsent
