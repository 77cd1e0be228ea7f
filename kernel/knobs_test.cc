#include "kernel/knobs.h"

#include "gtest/gtest.h"

namespace scxtwin {
namespace {

KernelPolicy TwoKnobPolicy() {
  KernelPolicy p;
  p.name = "demo";
  p.knobs.push_back(KnobSpec{"slice_us", 20000, 100, 1000000, "the slice"});
  p.knobs.push_back(KnobSpec{"go_home", 1, 0, 1, "a switch"});
  return p;
}

TEST(ParseKnobAssignments, AcceptsInRangeValuesByName) {
  auto parsed = ParseKnobAssignments(TwoKnobPolicy(), {"go_home=0", "slice_us=100"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].index, 1u);
  EXPECT_EQ((*parsed)[0].value, 0u);
  EXPECT_EQ((*parsed)[1].index, 0u);
  EXPECT_EQ((*parsed)[1].value, 100u);
}

TEST(ParseKnobAssignments, AcceptsBothBounds) {
  EXPECT_TRUE(ParseKnobAssignments(TwoKnobPolicy(), {"slice_us=1000000"}).ok());
  EXPECT_TRUE(ParseKnobAssignments(TwoKnobPolicy(), {"slice_us=100"}).ok());
}

TEST(ParseKnobAssignments, RejectsUnknownKnobAndNamesTheKnownOnes) {
  auto parsed = ParseKnobAssignments(TwoKnobPolicy(), {"slice=5"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            "--set 'slice=5': policy demo has no knob 'slice' (knobs: slice_us, go_home)");
}

TEST(ParseKnobAssignments, RejectsOutOfRangeWithTheRange) {
  auto parsed = ParseKnobAssignments(TwoKnobPolicy(), {"slice_us=99"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            "--set 'slice_us=99': expected a whole number in [100, 1000000] for slice_us (the "
            "slice)");
  EXPECT_FALSE(ParseKnobAssignments(TwoKnobPolicy(), {"go_home=2"}).ok());
}

TEST(ParseKnobAssignments, RejectsNonNumbers) {
  for (const char* bad : {"slice_us=", "slice_us=-5", "slice_us=1e3", "slice_us=5ms",
                          "slice_us= 500", "slice_us=0x100", "slice_us=99999999999999999999999"}) {
    EXPECT_FALSE(ParseKnobAssignments(TwoKnobPolicy(), {bad}).ok()) << bad;
  }
}

TEST(ParseKnobAssignments, RejectsAssignmentWithoutEquals) {
  auto parsed = ParseKnobAssignments(TwoKnobPolicy(), {"slice_us"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            "--set 'slice_us': expected KNOB=VALUE (knobs of demo: slice_us, go_home)");
  EXPECT_FALSE(ParseKnobAssignments(TwoKnobPolicy(), {"=5"}).ok());
}

TEST(FormatKnobs, ListsEveryKnobWithItsValue) {
  EXPECT_EQ(FormatKnobs(TwoKnobPolicy(), [](size_t i) { return i == 0 ? 700u : 0u; }),
            "slice_us=700 go_home=0");
}

}  // namespace
}  // namespace scxtwin
