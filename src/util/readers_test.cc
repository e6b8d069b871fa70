// The line and CSV readers on their own: line endings, caps, quotes, and
// the line numbers errors are reported with.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "util/csv_reader.h"
#include "util/csv_writer.h"
#include "util/line_reader.h"

namespace convsent {
namespace {

struct Closer {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, Closer>;

// An in-memory file holding `text`.
File Of(const std::string& text) {
  std::FILE* f = std::tmpfile();
  std::fwrite(text.data(), 1, text.size(), f);
  std::rewind(f);
  return File(f);
}

TEST(LineReader, SplitsOnNewlinesDropsCarriageReturnsAndCapsLongLines) {
  // A line longer than the reader's 64 KiB buffer, then one over the cap.
  const std::string wide(70000, 'w');
  File f = Of("one\r\ntwo\n\n" + wide + "\n" + std::string(12, 'x') + "\nlast");
  LineReader reader(f.get(), 100000);
  std::vector<std::pair<std::string, bool>> got;
  std::string line;
  bool too_long = false;
  while (reader.Next(&line, &too_long)) got.emplace_back(line, too_long);
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(got[0], std::make_pair(std::string("one"), false));
  EXPECT_EQ(got[1], std::make_pair(std::string("two"), false));
  EXPECT_EQ(got[2], std::make_pair(std::string(""), false));
  EXPECT_EQ(got[3], std::make_pair(wide, false));
  EXPECT_EQ(got[5], std::make_pair(std::string("last"), false));  // no final newline
  EXPECT_FALSE(reader.error());

  File g = Of(std::string(12, 'x') + "\nok\n");
  LineReader capped(g.get(), 5);
  ASSERT_TRUE(capped.Next(&line, &too_long));
  EXPECT_TRUE(too_long);
  EXPECT_EQ(line, "xxxxx");  // the first bytes are kept
  ASSERT_TRUE(capped.Next(&line, &too_long));
  EXPECT_FALSE(too_long);
  EXPECT_EQ(line, "ok");  // and reading goes on
  EXPECT_FALSE(capped.Next(&line, &too_long));
}

TEST(CsvReader, QuotesNewlinesInsideAndPhysicalLineNumbers) {
  File f = Of("id,text\r\nc-1,\"said \"\"hi\"\"\nthen left\"\nc-2,plain\n\"open");
  CsvReader reader(f.get(), 1000);
  std::vector<std::string> fields;
  int64_t line = 0;
  ASSERT_EQ(reader.Next(&fields, &line), CsvReader::Result::kRecord);
  EXPECT_EQ(fields, (std::vector<std::string>{"id", "text"}));
  EXPECT_EQ(line, 1);
  ASSERT_EQ(reader.Next(&fields, &line), CsvReader::Result::kRecord);
  EXPECT_EQ(fields, (std::vector<std::string>{"c-1", "said \"hi\"\nthen left"}));
  EXPECT_EQ(line, 2);
  ASSERT_EQ(reader.Next(&fields, &line), CsvReader::Result::kRecord);
  EXPECT_EQ(fields, (std::vector<std::string>{"c-2", "plain"}));
  EXPECT_EQ(line, 4);  // the quoted newline counted
  EXPECT_EQ(reader.Next(&fields, &line), CsvReader::Result::kUnterminatedQuote);
  EXPECT_EQ(line, 5);
}

TEST(CsvReader, ARecordOverTheCapIsReportedAndTheNextOneRead) {
  File f = Of("a," + std::string(50, 'z') + "\nb,ok\n");
  CsvReader reader(f.get(), 20);
  std::vector<std::string> fields;
  int64_t line = 0;
  EXPECT_EQ(reader.Next(&fields, &line), CsvReader::Result::kTooLong);
  ASSERT_EQ(reader.Next(&fields, &line), CsvReader::Result::kRecord);
  EXPECT_EQ(fields, (std::vector<std::string>{"b", "ok"}));
  EXPECT_EQ(line, 2);
  EXPECT_EQ(reader.Next(&fields, &line), CsvReader::Result::kEnd);
}

TEST(CsvField, WhatTheReaderReadsBack) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"x\"\nok"), "\"say \"\"x\"\"\nok\"");
  File f = Of(CsvField("x") + "," + CsvField("a,\"b\"\r\nc") + "\n");
  CsvReader reader(f.get(), 1000);
  std::vector<std::string> fields;
  int64_t line = 0;
  ASSERT_EQ(reader.Next(&fields, &line), CsvReader::Result::kRecord);
  EXPECT_EQ(fields, (std::vector<std::string>{"x", "a,\"b\"\r\nc"}));
}

}  // namespace
}  // namespace convsent
