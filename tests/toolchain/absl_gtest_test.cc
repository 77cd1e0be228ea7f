// Abseil and GoogleTest from Debian link and work together under Bazel.
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace {

absl::StatusOr<int> ParsePositive(const std::string& text) {
  int value = 0;
  if (!absl::SimpleAtoi(text, &value) || value <= 0) {
    return absl::InvalidArgumentError(absl::StrFormat("'%s' is not a positive integer", text));
  }
  return value;
}

TEST(AbslGtest, StatusOrCarriesValueOrError) {
  EXPECT_EQ(*ParsePositive("42"), 42);
  absl::StatusOr<int> bad = ParsePositive("-1");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "'-1' is not a positive integer");
}

TEST(AbslGtest, FlatHashMapCountsWords) {
  absl::flat_hash_map<std::string, int> counts;
  for (absl::string_view word : absl::StrSplit("a b a c a", ' ')) counts[word]++;
  EXPECT_EQ(counts["a"], 3);
  EXPECT_EQ(counts.size(), 3u);
}

}  // namespace
