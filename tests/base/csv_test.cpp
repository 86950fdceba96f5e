// CSV cells (base/Csv.h), the one reader and writer of the sweep tables and the ncu import:
// expected values written out by hand from RFC 4180's rules.
#include "base/Csv.h"

#include <gtest/gtest.h>

namespace cascade::base {
namespace {

TEST(Csv, SplitsQuotedCells) {
  const CsvLine line = split_csv_line("a,\"b,c\",\"say \"\"hi\"\"\",,9\r");
  EXPECT_EQ(line.cells, (std::vector<std::string>{"a", "b,c", "say \"hi\"", "", "9"}));
  EXPECT_FALSE(line.unclosed_quote);
  EXPECT_TRUE(split_csv_line("a,\"b").unclosed_quote);
}

TEST(Csv, QuotesWhereItMust) {
  EXPECT_EQ(csv_quoted("x\"y"), "\"x\"\"y\"");
  EXPECT_EQ(csv_cell("plain"), "plain");
  EXPECT_EQ(csv_cell("a,b"), "\"a,b\"");
  // What is written reads back as itself.
  EXPECT_EQ(split_csv_line(csv_cell("q\"r,s") + "," + csv_quoted("t")).cells,
            (std::vector<std::string>{"q\"r,s", "t"}));
}

}  // namespace
}  // namespace cascade::base
