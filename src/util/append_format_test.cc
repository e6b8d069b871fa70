// printf onto a string: appended, checked, and never cut at a buffer's size.
#include "util/append_format.h"

#include <gtest/gtest.h>

namespace convsent {
namespace {

TEST(AppendFormat, AppendsAndNeverCuts) {
  std::string out = "a";
  AppendFormat(&out, " %d %s", 7, "b");
  AppendLine(&out, " %.2f", 0.5);
  EXPECT_EQ(out, "a 7 b 0.50\n");
  const std::string long_word(5000, 'x');  // longer than the first guess
  std::string line;
  AppendLine(&line, "[%s]", long_word.c_str());
  EXPECT_EQ(line, "[" + long_word + "]\n");
  AppendFormat(&line, "%s", "");
  EXPECT_EQ(line.size(), long_word.size() + 3);
}

}  // namespace
}  // namespace convsent
