// The import driver: reads each file whole (bounded in size and nesting),
// unwraps responses saved with their request, and hands each document to
// the system's reader.
#include "convsent/import.h"

#include <sys/stat.h>

#include <cstdio>
#include <memory>

#include "import/clean_text.h"
#include "import/payload.h"
#include "util/json_depth.h"

namespace convsent {
namespace {

using import_internal::Context;
using import_internal::Node;
using import_internal::Reader;

constexpr struct {
  HelpDesk system;
  std::string_view name;
} kSystems[] = {{HelpDesk::kZendesk, "zendesk"},    {HelpDesk::kIntercom, "intercom"}, {HelpDesk::kFront, "front"},
                {HelpDesk::kGorgias, "gorgias"},    {HelpDesk::kZohoDesk, "zoho-desk"}, {HelpDesk::kTwilio, "twilio"},
                {HelpDesk::kConnect, "connect"}};


std::unique_ptr<Reader> NewReader(HelpDesk system) {
  switch (system) {
    case HelpDesk::kZendesk: return import_internal::NewZendeskReader();
    case HelpDesk::kIntercom: return import_internal::NewIntercomReader();
    case HelpDesk::kFront: return import_internal::NewFrontReader();
    case HelpDesk::kGorgias: return import_internal::NewGorgiasReader();
    case HelpDesk::kZohoDesk: return import_internal::NewZohoDeskReader();
    case HelpDesk::kTwilio: return import_internal::NewTwilioReader();
    case HelpDesk::kConnect: return import_internal::NewConnectReader();
  }
  return nullptr;
}

// The line and column of byte `offset`.
std::pair<int64_t, int64_t> LineColumn(std::string_view text, size_t offset) {
  int64_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') ++line, column = 1;
    else ++column;
  }
  return {line, column};
}

// A response saved with its request, as Nango records them:
// {"api": {"get": {"/api/v2/tickets/1.json": {"response": ...}}}, ...}.
bool IsRecording(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("api") || !j["api"].is_object()) return false;
  return j.contains("nango") || j.contains("output") || j.contains("input");
}

void ReadDocument(std::string_view name, std::string_view text, Reader* reader, ImportResult* result,
                  const std::string& request_path = "") {
  ++result->files;
  if (const size_t at = JsonTooDeep(text); at != std::string_view::npos) {
    result->errors.push_back(IngestError{std::string(name), LineColumn(text, at).first, "",
                                         JsonTooDeepMessage() + "; skipped"});
    return;
  }
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    const auto [line, column] = LineColumn(text, e.byte > 0 ? e.byte - 1 : 0);
    std::string what = e.what();
    if (const size_t at = what.find("syntax error"); at != std::string::npos) what = what.substr(at);
    result->errors.push_back(IngestError{std::string(name), line, "",
                                         "not valid JSON (column " + std::to_string(column) + ": " + what +
                                             "); the file was skipped"});
    return;
  } catch (const nlohmann::json::exception& e) {
    // Valid syntax the parser still refuses, such as a number beyond a
    // double (1e999): found by the import fuzz target.
    result->errors.push_back(IngestError{std::string(name), 0, "",
                                         std::string("not readable JSON (") + e.what() + "); the file was skipped"});
    return;
  }
  if (IsRecording(doc)) {
    for (const auto& [method, paths] : doc["api"].items()) {
      if (!paths.is_object()) continue;
      for (const auto& [path, exchange] : paths.items()) {
        Context ctx(std::string(name), path, result);
        const std::string at = "api." + method + "." + path + ".response";
        if (!exchange.is_object() || !exchange.contains("response")) {
          ctx.Error(at, "missing: a recorded exchange without its response");
          continue;
        }
        const nlohmann::json& response = exchange["response"];  // (clang 14 cannot capture a structured binding)
        ctx.Guard([&] { reader->Read(Node(&response, ""), ctx); });
      }
    }
    return;
  }
  Context ctx(std::string(name), request_path, result);
  ctx.Guard([&] { reader->Read(Node(&doc, ""), ctx); });
}

}  // namespace

std::string_view HelpDeskName(HelpDesk system) {
  for (const auto& s : kSystems) {
    if (s.system == system) return s.name;
  }
  return "?";
}

bool ParseHelpDesk(std::string_view name, HelpDesk* out) {
  for (const auto& s : kSystems) {
    if (s.name == name) return *out = s.system, true;
  }
  return false;
}

std::vector<HelpDesk> AllHelpDesks() {
  std::vector<HelpDesk> out;
  for (const auto& s : kSystems) out.push_back(s.system);
  return out;
}

ImportResult ImportDocuments(HelpDesk system, const std::vector<std::pair<std::string, std::string>>& documents) {
  ImportResult result;
  auto reader = NewReader(system);
  for (const auto& [name, text] : documents) ReadDocument(name, text, reader.get(), &result);
  reader->Finish(&result);
  return result;
}

std::string CleanMessageText(std::string_view body) {
  return import_internal::CleanBody(body, import_internal::LooksLikeHtml(body));
}

ImportResult ImportResponses(HelpDesk system, const std::vector<ImportResponse>& responses) {
  ImportResult result;
  auto reader = NewReader(system);
  for (const auto& r : responses) ReadDocument(r.name, r.body, reader.get(), &result, r.request_path);
  reader->Finish(&result);
  return result;
}

ImportResult ImportFiles(HelpDesk system, const std::vector<std::string>& paths) {
  ImportResult result;
  auto reader = NewReader(system);
  for (const auto& path : paths) {
    const bool is_stdin = path == "-";
    std::FILE* f = is_stdin ? stdin : std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
      result.errors.push_back(IngestError{path, 0, "", "cannot open the file"});
      continue;
    }
    std::string text;
    char buf[1 << 16];
    bool too_big = false;
    for (size_t n; (n = std::fread(buf, 1, sizeof(buf), f)) > 0;) {
      if (static_cast<int64_t>(text.size() + n) > kMaxImportFileBytes) {
        too_big = true;
        break;
      }
      text.append(buf, n);
    }
    const bool read_error = std::ferror(f) != 0;
    if (!is_stdin) std::fclose(f);
    if (too_big || read_error) {
      result.errors.push_back(IngestError{
          path, 0, "",
          too_big ? "larger than " + std::to_string(kMaxImportFileBytes >> 20) + " MiB; split the export into pages"
                  : "read error"});
      continue;
    }
    ReadDocument(is_stdin ? "<stdin>" : path, text, reader.get(), &result);
  }
  reader->Finish(&result);
  return result;
}

}  // namespace convsent
