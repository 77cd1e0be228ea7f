#include "base/knob_table.h"

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace scxtwin {
namespace {

std::vector<KnobSpec> TwoKnobs() {
  return {KnobSpec{"slice_us", 20000, 100, 1000000, "the slice"},
          KnobSpec{"go_home", 1, 0, 1, "a switch"}};
}

TEST(ParseKnobAssignments, AcceptsInRangeValuesByName) {
  auto parsed = ParseKnobAssignments("demo", TwoKnobs(), {{"go_home", "0"}, {"slice_us", "100"}});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].index, 1u);
  EXPECT_EQ((*parsed)[0].value, 0u);
  EXPECT_EQ((*parsed)[1].index, 0u);
  EXPECT_EQ((*parsed)[1].value, 100u);
}

TEST(ParseKnobAssignments, AcceptsBothBounds) {
  EXPECT_TRUE(ParseKnobAssignments("demo", TwoKnobs(), {{"slice_us", "1000000"}}).ok());
  EXPECT_TRUE(ParseKnobAssignments("demo", TwoKnobs(), {{"slice_us", "100"}}).ok());
}

TEST(ParseKnobAssignments, RejectsUnknownKnobAndNamesTheKnownOnes) {
  auto parsed = ParseKnobAssignments("demo", TwoKnobs(), {{"slice", "5"}});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            "--set 'slice=5': policy demo has no knob 'slice' (knobs: slice_us, go_home)");
}

TEST(ParseKnobAssignments, RejectsOutOfRangeWithTheRange) {
  auto parsed = ParseKnobAssignments("demo", TwoKnobs(), {{"slice_us", "99"}});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            "--set 'slice_us=99': expected a whole number in [100, 1000000] for slice_us (the "
            "slice)");
  EXPECT_FALSE(ParseKnobAssignments("demo", TwoKnobs(), {{"go_home", "2"}}).ok());
}

TEST(ParseKnobAssignments, RejectsNonNumbers) {
  for (const char* bad :
       {"", "-5", "-0", "+5", "1e3", "5ms", " 500", "0x100", "0100x", "99999999999999999999999"}) {
    EXPECT_FALSE(ParseKnobAssignments("demo", TwoKnobs(), {{"slice_us", bad}}).ok()) << bad;
  }
}

TEST(ParseKnobAssignments, ALaterAssignmentOfAKnobComesLater) {
  auto parsed =
      ParseKnobAssignments("demo", TwoKnobs(), {{"slice_us", "100"}, {"slice_us", "200"}});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[1].value, 200u);
}

TEST(FormatKnobs, ListsEveryKnobWithItsValue) {
  EXPECT_EQ(FormatKnobs(TwoKnobs(), [](size_t i) { return i == 0 ? 700u : 0u; }),
            "slice_us=700 go_home=0");
}

TEST(ParseKnobAssignment, NamesTheKnobsOfAPolicyWithout) {
  auto parsed = ParseKnobAssignment("bare", {}, "slice_us", "5");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            "--set 'slice_us=5': policy bare has no knob 'slice_us' (knobs: none)");
}

TEST(ParseKnobAssignment, RejectsJustPastEitherBound) {
  auto below = ParseKnobAssignment("demo", TwoKnobs(), "slice_us", "99");
  auto above = ParseKnobAssignment("demo", TwoKnobs(), "slice_us", "1000001");
  EXPECT_EQ(below.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(above.status().code(), absl::StatusCode::kOutOfRange);
  auto at_max = ParseKnobAssignment("demo", TwoKnobs(), "slice_us", "1000000");
  ASSERT_TRUE(at_max.ok()) << at_max.status();
  EXPECT_EQ(at_max->index, 0u);
  EXPECT_EQ(at_max->value, 1000000u);
}

TEST(DescribePolicyTables, ListsKnobsWithDefaultsRangesAndHelpThenCounters) {
  EXPECT_EQ(DescribePolicyTables("demo", TwoKnobs(), {StatSpec{"kicks", "idle CPUs kicked"}}),
            "demo\n"
            "  knobs:\n"
            "    slice_us (default 20000, 100..1000000): the slice\n"
            "    go_home (default 1, 0..1): a switch\n"
            "  counters:\n"
            "    kicks: idle CPUs kicked\n");
}

}  // namespace
}  // namespace scxtwin
