// `convsent labels export`: the stored labels as a file that ImportLabels
// reads back.
#include <nlohmann/json.hpp>

#include "convsent/label_import.h"
#include "util/csv_writer.h"

namespace convsent {

Result<std::string> ExportLabels(Store& store, bool jsonl) {
  std::string out = jsonl ? "" : "conversation_id,message,label,source,reviewer,model,at,note\n";
  RETURN_IF_ERROR(store.labels().ForEach([&](const HumanLabel& l) {
    const std::string at = FormatTime(l.at_ms), label(SentimentName(l.label));
    if (jsonl) {
      out += nlohmann::json({{"conversation_id", l.conversation},
                             {"message", l.message < 0 ? nlohmann::json() : nlohmann::json(l.message)},
                             {"label", label},
                             {"source", l.source},
                             {"reviewer", l.reviewer},
                             {"model", l.model},
                             {"at", at},
                             {"note", l.note}})
                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      out += CsvField(l.conversation) + "," + (l.message < 0 ? "" : std::to_string(l.message)) + "," + label + "," +
             l.source + "," + CsvField(l.reviewer) + "," + CsvField(l.model) + "," + at + "," + CsvField(l.note);
    }
    out += "\n";
    return Status::Ok();
  }));
  return out;
}

}  // namespace convsent
