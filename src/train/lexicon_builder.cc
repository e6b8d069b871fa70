#include "train/lexicon_builder.h"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "convsent/text.h"

namespace convsent {
namespace {

// Adds `text` (one to three tokens after tokenizing) with `valence`.
bool AddNormalized(std::string_view text, float valence, Lexicon* lexicon) {
  Tokenizer tokenizer;
  TokenizedText tt;
  tokenizer.Tokenize(text, &tt);
  const auto& t = tt.tokens;
  if (t.empty() || t.size() > 3) return false;
  // The tokens must cover the entry whole: an emoticon the tokenizer does
  // not know (":-||") must not turn into a valence for ':'.
  size_t covered = 0, visible = 0;
  for (const Token& tok : t) {
    if (tok.kind == TokenKind::kPunct) return false;
    covered += tok.end - tok.begin;
  }
  for (char c : tt.text) visible += c != ' ';
  if (covered != visible) return false;
  uint64_t key = t[0].hash;
  for (size_t i = 1; i < t.size(); ++i) key = i == 1 ? PhraseKey(t[0].hash, t[1].hash) : PhraseKey(key, t[i].hash);
  lexicon->Add(key, valence, static_cast<uint8_t>(t.size()));
  return true;
}

bool ParseFloat(const std::string& s, float* out) {
  char* end = nullptr;
  *out = std::strtof(s.c_str(), &end);
  return end != s.c_str();
}

}  // namespace

Status AddVaderLexicon(const std::string& path, Lexicon* lexicon, int* added,
                       std::vector<std::pair<std::string, float>>* texts) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot open lexicon " + path);
  std::string line;
  int line_no = 0;
  *added = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const auto t1 = line.find('\t');
    if (t1 == std::string::npos) continue;
    const auto t2 = line.find('\t', t1 + 1);
    float v = 0;
    if (!ParseFloat(line.substr(t1 + 1, t2 - t1 - 1), &v)) {
      return Status::InvalidArgument(path + ":" + std::to_string(line_no) + ": field mean: not a number");
    }
    if (AddNormalized(std::string_view(line).substr(0, t1), v, lexicon)) {
      ++*added;
      if (texts) texts->emplace_back(line.substr(0, t1), v);
    }
  }
  return Status::Ok();
}

Status AddEmojiLexicon(const std::string& path, Lexicon* lexicon, int* added) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot open emoji lexicon " + path);
  std::string line;
  Tokenizer tokenizer;
  TokenizedText emoji, words;
  *added = 0;
  while (std::getline(in, line)) {
    const auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    tokenizer.Tokenize(std::string_view(line).substr(0, tab), &emoji);
    if (emoji.tokens.size() != 1 || emoji.tokens[0].kind != TokenKind::kEmoji) continue;
    tokenizer.Tokenize(std::string_view(line).substr(tab + 1), &words);
    float sum = 0;
    for (const Token& t : words.tokens) {
      if (const Lexicon::Slot* e = lexicon->Find(t.hash, 1)) sum += e->valence();
    }
    if (sum == 0) continue;
    sum = std::max(-3.0f, std::min(3.0f, sum));
    // An emoji is as strong as the words that describe it, slightly damped.
    lexicon->Add(emoji.tokens[0].hash, 0.8f * sum, 1);
    ++*added;
  }
  return Status::Ok();
}

Status AddPhraseLexicon(const std::string& path, Lexicon* lexicon, int* added,
                        std::vector<std::pair<std::string, float>>* texts) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot open lexicon " + path);
  std::string line;
  int line_no = 0;
  *added = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    float v = 0;
    const std::string where = path + ":" + std::to_string(line_no);
    if (tab == std::string::npos || !ParseFloat(line.substr(tab + 1), &v)) {
      return Status::InvalidArgument(where + ": expected 'phrase<TAB>valence'");
    }
    if (!AddNormalized(std::string_view(line).substr(0, tab), v, lexicon)) {
      return Status::InvalidArgument(where + ": field phrase: must be one to three tokens");
    }
    ++*added;
    if (texts) texts->emplace_back(line.substr(0, tab), v);
  }
  return Status::Ok();
}

Status AddAfinnLexicon(const std::string& path, Lexicon* lexicon, int* added,
                       std::vector<std::pair<std::string, float>>* texts) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot open AFINN lexicon " + path);
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument(path + ": not a JSON object of word scores");
  *added = 0;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it.value().is_number()) return Status::InvalidArgument(path + ": field " + it.key() + ": not a number");
    const float v = 0.8f * it.value().get<float>();
    if (AddNormalized(it.key(), v, lexicon)) {
      ++*added;
      if (texts) texts->emplace_back(it.key(), v);
    }
  }
  return Status::Ok();
}

}  // namespace convsent
