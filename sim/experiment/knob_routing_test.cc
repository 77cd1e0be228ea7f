#include "sim/experiment/knob_routing.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace scxtwin::experiment {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

const std::vector<std::string> kLabels = {"eevdf", "vtime", "homing"};
const std::vector<std::vector<std::string>> kKnobs = {
    {"base_slice_normalized_ns", "sis_util"},
    {"sleep_credit_us", "slice_us"},
    {"go_home", "sleep_credit_us", "slice_max_us"},
};

TEST(PolicyLabel, NamesAndPaths) {
  EXPECT_EQ(PolicyLabel("homing"), "homing");
  EXPECT_EQ(PolicyLabel("/x/policy/homing_host.so"), "homing");
  EXPECT_EQ(PolicyLabel("out/wvtime.so"), "wvtime");
  EXPECT_EQ(PolicyLabel("mine.so"), "mine");
}

TEST(RouteSets, PrefixedKnobReachesOnlyItsPolicy) {
  auto r = RouteSets(kLabels, kKnobs, {{"homing.slice_max_us", "900"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT((*r)[0], IsEmpty());
  EXPECT_THAT((*r)[1], IsEmpty());
  EXPECT_THAT((*r)[2], ElementsAre(Pair("slice_max_us", "900")));
}

TEST(RouteSets, UnprefixedKnobReachesEveryPolicyThatHasIt) {
  auto r = RouteSets(kLabels, kKnobs, {{"sleep_credit_us", "0"}, {"sis_util", "0"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT((*r)[0], ElementsAre(Pair("sis_util", "0")));
  EXPECT_THAT((*r)[1], ElementsAre(Pair("sleep_credit_us", "0")));
  EXPECT_THAT((*r)[2], ElementsAre(Pair("sleep_credit_us", "0")));
}

TEST(RouteSets, CostsReachEveryPolicyAsGiven) {
  auto r = RouteSets(kLabels, kKnobs, {{"cost.hz", "1000"}});
  ASSERT_TRUE(r.ok()) << r.status();
  for (const auto& sets : *r) EXPECT_THAT(sets, ElementsAre(Pair("cost.hz", "1000")));
}

TEST(RouteSets, KnobNoChosenPolicyHasIsAnError) {
  auto r = RouteSets(kLabels, kKnobs, {{"nosuch", "1"}});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(),
              HasSubstr("--set nosuch=1: unknown knob 'nosuch': no chosen policy has it"));
  // go_home exists, but only in a policy that was not chosen.
  auto r2 = RouteSets({"eevdf", "vtime"}, {kKnobs[0], kKnobs[1]}, {{"go_home", "0"}});
  ASSERT_FALSE(r2.ok());
  EXPECT_THAT(r2.status().message(), HasSubstr("unknown knob 'go_home'"));
}

TEST(RouteSets, PrefixErrorsNameThePolicyAndKnob) {
  auto wrong_knob = RouteSets(kLabels, kKnobs, {{"vtime.go_home", "0"}});
  ASSERT_FALSE(wrong_knob.ok());
  EXPECT_THAT(wrong_knob.status().message(),
              HasSubstr("--set vtime.go_home=0: policy vtime has no knob 'go_home' (its knobs: "
                        "sleep_credit_us, slice_us)"));
  auto not_chosen =
      RouteSets({"eevdf", "vtime"}, {kKnobs[0], kKnobs[1]}, {{"homing.go_home", "0"}});
  ASSERT_FALSE(not_chosen.ok());
  EXPECT_THAT(not_chosen.status().message(),
              HasSubstr("'homing' is not a chosen policy (eevdf, vtime)"));
}

}  // namespace
}  // namespace scxtwin::experiment
