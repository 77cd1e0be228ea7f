#include "sim/run/class_registry.h"

#include <algorithm>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "sim/ext/ext_class.h"
#include "sim/fair/fair_class.h"
#include "sim/host/policy_loader.h"
#include "sim/run/policy_dirs.h"

namespace scxtwin::sim {
namespace {

ClassSetup TestSetup() { return {DefaultPolicyDirs(nullptr), 4}; }

TEST(ClassRegistry, BuiltinsInListOrder) {
  std::vector<std::string> names;
  for (const BuiltinClass& c : BuiltinClasses()) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"eevdf", "fifo"}));
}

TEST(ClassRegistry, EevdfIsTheFairClassWithItsKnobs) {
  auto cls = MakeRunClass("eevdf", TestSetup());
  ASSERT_TRUE(cls.ok()) << cls.status();
  EXPECT_EQ((*cls)->name(), "eevdf");
  const std::vector<std::string> knobs = (*cls)->KnobNames();
  EXPECT_NE(std::find(knobs.begin(), knobs.end(), "sis_util"), knobs.end());
  EXPECT_TRUE((*cls)->SetKnob("eevdf.sis_util", "0").ok());
  const absl::Status bad = (*cls)->SetKnob("busy_factor", "0");
  EXPECT_EQ(bad.message(),
            "--set busy_factor=0: eevdf knob busy_factor=0: expected an integer >= 1");
  EXPECT_EQ((*cls)->fair(), nullptr);  // not built yet
  auto built = (*cls)->Build({});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(*built, (*cls)->fair());
  EXPECT_EQ((*cls)->ext(), nullptr);
  EXPECT_EQ((*cls)->fallback(), nullptr);
}

TEST(ClassRegistry, FifoHasNoKnobs) {
  auto cls = MakeRunClass("fifo", TestSetup());
  ASSERT_TRUE(cls.ok()) << cls.status();
  EXPECT_TRUE((*cls)->KnobNames().empty());
  EXPECT_EQ((*cls)->SetKnob("slice_us", "5").message(),
            "--set slice_us=5: the built-in class 'fifo' has no knobs; expected cost.NAME=V");
  auto built = (*cls)->Build({});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ((*built)->name(), "fifo");
  EXPECT_EQ((*cls)->fair(), nullptr);
}

TEST(ClassRegistry, AnyOtherNameIsAPolicyHostedByTheExtClass) {
  auto cls = MakeRunClass("wvtime", TestSetup());
  ASSERT_TRUE(cls.ok()) << cls.status();
  ASSERT_NE((*cls)->policy(), nullptr);
  EXPECT_EQ((*cls)->name(), (*cls)->policy()->name());
  EXPECT_FALSE((*cls)->KnobNames().empty());
  ClassBuildOptions with_fallback, without;
  without.continue_after_ejection = false;
  auto built = (*cls)->Build(with_fallback);
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(*built, (*cls)->ext());
  EXPECT_NE((*cls)->fallback(), nullptr);  // the fair class takes over after an ejection

  auto other = MakeRunClass("wvtime", TestSetup());
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_TRUE((*other)->Build(without).ok());
  EXPECT_EQ((*other)->fallback(), nullptr);
}

TEST(ClassRegistry, AnUnknownNameListsWhatExists) {
  auto cls = MakeRunClass("nosuch", TestSetup());
  ASSERT_FALSE(cls.ok());
  EXPECT_EQ(cls.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(cls.status().message().find("unknown policy 'nosuch'; expected one of: "),
            std::string::npos)
      << cls.status();
  EXPECT_NE(cls.status().message().find("wvtime"), std::string::npos) << cls.status();
}

}  // namespace
}  // namespace scxtwin::sim
