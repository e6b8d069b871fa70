// What `convsent train` prints and where it writes by default: kept beside
// the trainer so the command only parses flags.
#include "convsent/adapt.h"
#include "convsent/train.h"
#include "convsent/train_langid.h"
#include "util/append_format.h"

namespace convsent {

std::string ShippedModelPath(ModelUse use, Language language) {
  if (language != Language::kEnglish) return "models/convsent-" + std::string(LanguageCode(language)) + ".cvsm";
  return use == ModelUse::kConversations ? "models/convsent-dialogue.cvsm" : "models/convsent-msg.cvsm";
}

std::string TrainReportToText(const TrainReport& report, const std::string& path, const std::string& version) {
  std::string out;
  AppendFormat(&out, "wrote %s (%zu bytes), model %s, %d examples, temperature %.3f\n", path.c_str(),
               report.model_bytes.size(), version.c_str(), report.examples, report.temperature);
  for (const auto& dev : report.dev) {
    AppendFormat(&out, "dev %-45s macro-F1 %.4f  macro-recall %.4f  acc %.4f  ECE %.4f\n", dev.path.c_str(),
                 dev.result.macro_f1, dev.result.macro_recall, dev.result.accuracy, dev.ece);
  }
  return out;
}

std::string LangIdTrainReportToText(const LangIdTrainReport& report, const std::string& path) {
  std::string out;
  const auto& dev = report.dev;
  AppendFormat(&out, "wrote %s (%zu bytes), English margin %.2f, max cost per feature %.2f, words decide English %.2f\n",
               path.c_str(), report.bytes.size(), report.params.english_margin, report.params.max_mean_cost,
               report.params.word_margin);
  AppendFormat(&out, "dev accuracy %.4f, und %.4f, English texts sent to another language %.4f\n", dev.accuracy,
               dev.und, dev.english_off);
  for (const auto& [language, accuracy] : dev.accuracy_by_language) {
    AppendFormat(&out, "dev %-3s %5d texts  accuracy %.4f\n", std::string(LanguageCode(language)).c_str(),
                 dev.texts_by_language.at(language), accuracy);
  }
  return out;
}

}  // namespace convsent
