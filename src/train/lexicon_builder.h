// Builds a Lexicon from lexicon files at training time (never at run time:
// the result is stored in the model file).
#ifndef CONVSENT_SRC_TRAIN_LEXICON_BUILDER_H_
#define CONVSENT_SRC_TRAIN_LEXICON_BUILDER_H_

#include <string>
#include <utility>
#include <vector>

#include "convsent/status.h"
#include "model/lexicon.h"

namespace convsent {

// Adds each entry of a VADER-format lexicon ("token<TAB>mean<TAB>sd<TAB>[...]"),
// normalized by the tokenizer. Returns how many were added through `added`.
// Each added entry's text and valence is appended to `texts` when given.
Status AddVaderLexicon(const std::string& path, Lexicon* lexicon, int* added,
                       std::vector<std::pair<std::string, float>>* texts = nullptr);

// Adds emoji from VADER's emoji file ("emoji<TAB>description"), each valued
// by the lexicon's valence of the words of its description. Call after the
// word lexicon is added and built.
Status AddEmojiLexicon(const std::string& path, Lexicon* lexicon, int* added);

// Adds "phrase<TAB>valence" lines ('#' starts a comment). Phrases of up to
// three tokens; later entries replace earlier ones.
Status AddPhraseLexicon(const std::string& path, Lexicon* lexicon, int* added,
                        std::vector<std::pair<std::string, float>>* texts = nullptr);

// Adds AFINN's {"word": score, ...} JSON (scores -5..+5, rescaled by 0.8
// to VADER's range).
Status AddAfinnLexicon(const std::string& path, Lexicon* lexicon, int* added,
                       std::vector<std::pair<std::string, float>>* texts = nullptr);

}  // namespace convsent

#endif  // CONVSENT_SRC_TRAIN_LEXICON_BUILDER_H_
