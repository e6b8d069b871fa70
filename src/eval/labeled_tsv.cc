#include <fstream>

#include "convsent/eval.h"

namespace convsent {

Result<std::vector<LabeledText>> ReadLabeledTsv(const std::string& path, std::vector<Status>* errors) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + path);
  std::vector<LabeledText> rows;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_no == 1 && line.rfind("label\t", 0) == 0) continue;  // header
    const auto tab = line.find('\t');
    const std::string where = path + ":" + std::to_string(line_no);
    if (tab == std::string::npos) {
      if (errors) errors->push_back(Status::InvalidArgument(where + ": no TAB between label and text"));
      continue;
    }
    LabeledText row;
    if (!ParseSentiment(std::string_view(line).substr(0, tab), &row.label)) {
      if (errors) {
        errors->push_back(Status::InvalidArgument(where + ": field label: '" + line.substr(0, std::min<size_t>(tab, 40)) +
                                                  "' is not negative, neutral or positive"));
      }
      continue;
    }
    row.text = line.substr(tab + 1);
    row.line = line_no;
    rows.push_back(std::move(row));
  }
  if (in.bad()) return Status::IoError("read error in " + path);
  return rows;
}

}  // namespace convsent
