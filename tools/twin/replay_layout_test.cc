// The layout check (replay_layout.h) finds a host build that does not match a record build,
// from the two objects alone, and names the first difference.
#include "tools/twin/replay_layout.h"

#include <string>

#include "gtest/gtest.h"

namespace scxtwin::twin {
namespace {

void ExpectRefused(const std::string& record_obj, const std::string& host_so,
                   const std::string& named) {
  absl::Status s = CheckHostLayout(record_obj, host_so);
  ASSERT_FALSE(s.ok()) << record_obj << " against " << host_so;
  EXPECT_NE(s.message().find(named), std::string::npos) << s.message();
}

TEST(ReplayLayoutTest, TwinSkewsOwnHostBuildMatches) {
  absl::Status s = CheckHostLayout("tools/twin/testdata/twin_skew_record_bpf.bpf.o",
                                   "tools/twin/testdata/twin_skew_host.so");
  EXPECT_TRUE(s.ok()) << s;
}

TEST(ReplayLayoutTest, AGlobalOfAnotherSizeIsNamed) {
  ExpectRefused("tools/twin/testdata/twin_skew_record_bpf.bpf.o",
                "tools/twin/testdata/twin_skew_layout_host.so",
                "has no global 'vtime_now' of 8 bytes");
}

TEST(ReplayLayoutTest, AnotherPolicysHostBuildLacksTheCallbacks) {
  ExpectRefused("policy/homing_record_bpf.bpf.o", "policy/vtime_host.so",
                "has no callback homing_");
}

TEST(ReplayLayoutTest, ObjectsThatCannotBeOpenedAreNamed) {
  ExpectRefused("/nonexistent/x.bpf.o", "policy/vtime_host.so", "cannot open /nonexistent/x.bpf.o");
  ExpectRefused("policy/homing_record_bpf.bpf.o", "/nonexistent/x.so", "/nonexistent/x.so");
}

}  // namespace
}  // namespace scxtwin::twin
