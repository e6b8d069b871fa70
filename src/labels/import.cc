#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "convsent/label_import.h"
#include "util/csv_reader.h"
#include "util/json_depth.h"
#include "util/line_reader.h"

namespace convsent {
namespace {

constexpr size_t kMaxLineBytes = 1 << 20;  // a label line is small; a text beside it may not be
constexpr size_t kMaxErrorsKept = 100;
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// One row's fields, before they are checked.
struct RawLabel {
  std::optional<std::string> conversation, label, message, reviewer, at, note;
};

class Importer {
 public:
  Importer(Store& store, const LabelImportOptions& o) : store_(store), o_(o) {}

  Status File(const std::string& path) {
    const bool is_stdin = path == "-";
    std::FILE* f = is_stdin ? stdin : std::fopen(path.c_str(), "rb");
    if (f == nullptr) return Error(path, 0, "", "cannot open the file"), Status::Ok();
    const bool csv = path.size() > 4 && path.compare(path.size() - 4, 4, ".csv") == 0;
    const Status s = csv ? Csv(path, f) : Jsonl(path, f);
    if (!is_stdin) std::fclose(f);
    return s;
  }

  LabelImportSummary& summary() { return summary_; }

 private:
  Status Jsonl(const std::string& path, std::FILE* f) {
    LineReader reader(f, kMaxLineBytes);
    std::string line;
    bool too_long = false;
    for (int64_t n = 1; reader.Next(&line, &too_long); ++n) {
      if (too_long) {
        Error(path, n, "", "line longer than " + std::to_string(kMaxLineBytes) + " bytes");
        continue;
      }
      if (n == 1 && line.starts_with(kUtf8Bom)) line.erase(0, kUtf8Bom.size());
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      if (JsonTooDeep(line) != std::string_view::npos) {
        Error(path, n, "", JsonTooDeepMessage());
        continue;
      }
      const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (!j.is_object()) {
        Error(path, n, "", "not a JSON object");
        continue;
      }
      RawLabel raw;
      bool ok = true;
      auto text = [&](const char* key, std::optional<std::string>* out, bool number_too) {
        const auto it = j.find(key);
        if (it == j.end() || it->is_null()) return;
        if (it->is_string())
          *out = it->get<std::string>();
        else if (number_too && it->is_number_integer())
          *out = std::to_string(it->get<int64_t>());
        else
          ok = ok && (Error(path, n, key, number_too ? "expected a number" : "expected a string"), false);
      };
      text("conversation_id", &raw.conversation, false);
      text("label", &raw.label, false);
      text("message", &raw.message, true);
      text("reviewer", &raw.reviewer, false);
      text("at", &raw.at, false);
      text("note", &raw.note, false);
      if (!ok) continue;
      RETURN_IF_ERROR(Row(path, n, raw));
    }
    if (reader.error()) Error(path, 0, "", "read error");
    return Status::Ok();
  }

  Status Csv(const std::string& path, std::FILE* f) {
    CsvReader reader(f, kMaxLineBytes);
    std::vector<std::string> fields, header;
    int64_t line = 0;
    std::map<std::string, size_t> column;
    for (;;) {
      const CsvReader::Result r = reader.Next(&fields, &line);
      if (r == CsvReader::Result::kEnd) break;
      if (r == CsvReader::Result::kUnterminatedQuote) {
        Error(path, line, "", "a quoted field is never closed");
        break;
      }
      if (r == CsvReader::Result::kTooLong) {
        Error(path, line, "", "record longer than " + std::to_string(kMaxLineBytes) + " bytes");
        continue;
      }
      if (header.empty()) {
        if (!fields.empty() && fields[0].starts_with(kUtf8Bom)) fields[0].erase(0, kUtf8Bom.size());
        header = fields;
        for (size_t i = 0; i < header.size(); ++i) column[header[i]] = i;
        for (const char* required : {"conversation_id", "label"}) {
          if (!column.contains(required)) {
            return Error(path, line, required, "the header has no such column"), Status::Ok();
          }
        }
        continue;
      }
      if (fields.size() == 1 && fields[0].empty()) continue;  // a blank line
      if (fields.size() != header.size()) {
        Error(path, line, "",
              std::to_string(fields.size()) + " fields where the header has " + std::to_string(header.size()));
        continue;
      }
      auto get = [&](const char* key) -> std::optional<std::string> {
        const auto it = column.find(key);
        if (it == column.end() || fields[it->second].empty()) return std::nullopt;
        return fields[it->second];
      };
      RETURN_IF_ERROR(Row(
          path, line, {get("conversation_id"), get("label"), get("message"), get("reviewer"), get("at"), get("note")}));
    }
    return Status::Ok();
  }

  // Checks and stores one row. A bad row is reported; only the store's
  // own failures are returned.
  Status Row(const std::string& path, int64_t line, const RawLabel& raw) {
    HumanLabel l;
    if (!raw.conversation || raw.conversation->empty())
      return Error(path, line, "conversation_id", "missing"), Status::Ok();
    l.conversation = *raw.conversation;
    if (!raw.label) return Error(path, line, "label", "missing"), Status::Ok();
    if (!ParseSentiment(*raw.label, &l.label)) {
      return Error(path, line, "label", "'" + *raw.label + "': expected negative, neutral or positive"), Status::Ok();
    }
    if (raw.message) {
      char* end = nullptr;
      const long long m = std::strtoll(raw.message->c_str(), &end, 10);
      if (end == raw.message->c_str() || *end != '\0' || m < 0 || m > 1000000) {
        return Error(path, line, "message", "'" + *raw.message + "': expected a message index, 0 or more"),
               Status::Ok();
      }
      l.message = static_cast<int>(m);
    }
    l.at_ms = o_.now_ms;
    if (raw.at && !ParseTime(*raw.at, &l.at_ms)) {
      return Error(path, line, "at", "'" + *raw.at + "': expected an RFC 3339 time"), Status::Ok();
    }
    l.reviewer = raw.reviewer.value_or(""), l.note = raw.note.value_or("");
    l.source = o_.audit ? "audit" : "import";  // the model: the store's current one (Labels::Add)
    const Status s = store_.labels().Add(l);
    if (s.code() == StatusCode::kNotFound) return Error(path, line, "conversation_id", s.message()), Status::Ok();
    if (s.code() == StatusCode::kInvalidArgument) return Error(path, line, "message", s.message()), Status::Ok();
    RETURN_IF_ERROR(s);
    ++summary_.imported;
    return Status::Ok();
  }

  void Error(const std::string& file, int64_t line, const std::string& field, const std::string& message) {
    LabelImportError e{file, line, field, message};
    ++summary_.skipped;
    if (o_.on_error) o_.on_error(e);
    if (summary_.errors.size() < kMaxErrorsKept) summary_.errors.push_back(std::move(e));
  }

  Store& store_;
  const LabelImportOptions& o_;
  LabelImportSummary summary_;
};

}  // namespace

Result<LabelImportSummary> ImportLabels(Store& store, const std::vector<std::string>& files,
                                        const LabelImportOptions& options) {
  Importer importer(store, options);
  RETURN_IF_ERROR(store.InTransaction([&]() -> Status {
    for (const std::string& f : files) RETURN_IF_ERROR(importer.File(f));
    return Status::Ok();
  }));
  return std::move(importer.summary());
}

std::string LabelImportSummaryToJson(const LabelImportSummary& summary, std::string_view source) {
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : summary.errors) {
    errors.push_back({{"file", e.file}, {"line", e.line}, {"field", e.field}, {"message", e.message}});
  }
  return nlohmann::json({{"imported", summary.imported}, {"skipped", summary.skipped},
                         {"source", std::string(source)}, {"errors", errors}})
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace convsent
