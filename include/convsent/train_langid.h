// Training the language identifier (convsent/langid.h) from labelled text.
//
// Naive Bayes: each language's feature counts (a word and its character
// 1-4-grams), hashed into buckets, smoothed, stored as costs. The margin
// English needs to lose by, and the cost above which no language explains a
// text, are chosen on the dev files: the most accurate margin that sends
// at most `max_english_off` of the English dev texts elsewhere. Test files
// are never read here.
#ifndef CONVSENT_TRAIN_LANGID_H_
#define CONVSENT_TRAIN_LANGID_H_

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "convsent/langid.h"
#include "convsent/status.h"

namespace convsent {

struct LangIdFile {
  Language language = Language::kUnd;
  std::string path;    // a "label<TAB>text" TSV file: only the text is read
  double weight = 1;   // how much its text counts, relative to the language's other files
};

struct LangIdTrainOptions {
  std::vector<LangIdFile> train;
  std::vector<LangIdFile> dev;
  uint32_t bucket_bits = 18;
  double smoothing = 0.1;          // added to every count (Lidstone)
  double max_english_off = 0.002;  // share of English dev texts another language may take
  uint32_t min_letters = 4;
};

struct LangIdDevReport {
  double accuracy = 0;                           // over every dev text, und counting as wrong
  std::map<Language, double> accuracy_by_language;
  std::map<Language, int> texts_by_language;
  double english_off = 0;                        // English dev texts sent to another language (not und)
  double und = 0;                                // share of dev texts called und
};

struct LangIdTrainReport {
  std::string bytes;  // the identifier file
  LangIdParams params;
  LangIdDevReport dev;
};

// The recipe of the shipped identifier (scripts/train-model.sh): the UMSAB
// train splits of the eight languages under `data_dir`, and for English
// also the support dialogue and tweets convsent's English model learns
// from; the UMSAB dev splits and the English dev splits to choose on.
LangIdTrainOptions LangIdRecipe(const std::string& data_dir);

// The UMSAB folder of `language` ("umsab_spanish").
std::string UmsabFolder(Language language);

Result<LangIdTrainReport> TrainLanguageIdentifier(const LangIdTrainOptions& options, std::ostream* log);

// What `convsent train --for langid` prints: the file, the chosen
// thresholds and the dev accuracy of each language.
std::string LangIdTrainReportToText(const LangIdTrainReport& report, const std::string& path);

// How well `identifier` names the language of the texts of `files`.
Result<LangIdDevReport> EvaluateLanguageIdentifier(const LanguageIdentifier& identifier,
                                                   const std::vector<LangIdFile>& files);

}  // namespace convsent

#endif  // CONVSENT_TRAIN_LANGID_H_
