#include "base/set_flags.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace scxtwin {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

// argv as char*s over strings the test owns.
struct Argv {
  explicit Argv(std::vector<std::string> a) : storage(std::move(a)) {
    for (std::string& s : storage) args.push_back(s.data());
  }
  std::vector<std::string> Rest() const { return {args.begin(), args.end()}; }
  std::vector<std::string> storage;
  std::vector<char*> args;
};

TEST(TakeRepeatedFlag, TakesEverySpellingInOrderAndLeavesTheRest) {
  Argv argv({"prog", "--set", "a=1", "--policy=x", "--set=b=2", "-set", "c=3", "-set=d=4",
             "--settle=5", "--", "--set", "e=5"});
  auto values = TakeRepeatedFlag(&argv.args, "set", "NAME=VALUE");
  ASSERT_TRUE(values.ok()) << values.status();
  EXPECT_THAT(*values, ElementsAre("a=1", "b=2", "c=3", "d=4"));
  EXPECT_THAT(argv.Rest(), ElementsAre("prog", "--policy=x", "--settle=5", "--", "--set", "e=5"));
}

TEST(TakeRepeatedFlag, ATrailingFlagWithoutValueIsAnError) {
  Argv argv({"prog", "--set=a=1", "--set"});
  auto values = TakeRepeatedFlag(&argv.args, "set", "KNOB=VALUE");
  ASSERT_FALSE(values.ok());
  EXPECT_EQ(values.status().message(), "--set needs a KNOB=VALUE argument");
  EXPECT_EQ(argv.args.size(), 3u);  // unchanged
}

TEST(ParseAssignments, SplitsAtCommasAndAtTheFirstEquals) {
  auto a = ParseAssignments({"a=1,b=x=y", ",,c=", "d=4,"}, "set", "NAME=VALUE");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_THAT(*a, ElementsAre(Pair("a", "1"), Pair("b", "x=y"), Pair("c", ""), Pair("d", "4")));
}

TEST(ParseAssignments, AnItemWithoutNameOrEqualsIsAnErrorNamingIt) {
  auto a = ParseAssignments({"a=1,slice_us"}, "set", "NAME=VALUE");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message(), "--set 'slice_us': expected NAME=VALUE");
  a = ParseAssignments({"=5"}, "param", "NAME=VALUE");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message(), "--param '=5': expected NAME=VALUE");
}

}  // namespace
}  // namespace scxtwin
