#include "model/lexicon.h"

#include <unordered_map>

namespace convsent {

void Lexicon::Add(uint64_t key, float valence, uint8_t tokens) {
  entries_.push_back({key ? key : 1, valence, tokens});
}

void Lexicon::Build() {
  // Later entries replace earlier ones with the same key.
  std::unordered_map<uint64_t, size_t> last;
  for (size_t i = 0; i < entries_.size(); ++i) last[entries_[i].key] = i;
  std::vector<Entry> unique;
  unique.reserve(last.size());
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (last[entries_[i].key] == i) unique.push_back(entries_[i]);
  }
  entries_.swap(unique);
  size_t capacity = 16;
  while (capacity < entries_.size() * 2) capacity *= 2;
  slots_.assign(capacity, Entry{});
  mask_ = capacity - 1;
  has_phrases_ = false;
  for (const Entry& e : entries_) {
    size_t i = e.key & mask_;
    while (slots_[i].key != 0) i = (i + 1) & mask_;
    slots_[i] = e;
    if (e.tokens > 1) has_phrases_ = true;
  }
}

}  // namespace convsent
