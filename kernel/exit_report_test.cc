#include "kernel/exit_report.h"

#include "gtest/gtest.h"

namespace scxtwin {
namespace {

TEST(ExitReport, NamesTheKernelsExitKinds) {
  EXPECT_EQ(ExitKindName(64), "unregistered");
  EXPECT_EQ(ExitKindName(1024), "error");
  EXPECT_EQ(ExitKindName(1025), "error_bpf");
  EXPECT_EQ(ExitKindName(1026), "error_stall");
  EXPECT_EQ(ExitKindName(12345), "unknown");
}

TEST(ExitReport, DistinctCodesForNormalErrorAndStall) {
  EXPECT_EQ(ExitCodeForKind(64), kExitNormal);
  EXPECT_EQ(ExitCodeForKind(1), kExitNormal);
  EXPECT_EQ(ExitCodeForKind(67), kExitNormal);
  EXPECT_EQ(ExitCodeForKind(1024), kExitError);
  EXPECT_EQ(ExitCodeForKind(1025), kExitError);
  EXPECT_EQ(ExitCodeForKind(1026), kExitStall);
  EXPECT_NE(kExitError, kExitStall);
  EXPECT_NE(kExitCannotLoad, kExitError);
  EXPECT_NE(kExitCannotLoad, kExitNormal);
}

TEST(ExitReport, OneLineWithKindCodeReasonAndEscapedMessage) {
  EXPECT_EQ(FormatExitLine("vtime", 1026, 0, "runnable task stall", "kworker/0:1[12] failed\n"),
            "exit: policy=vtime kind=error_stall(1026) code=0 reason=\"runnable task stall\" "
            "message=\"kworker/0:1[12] failed\\n\"");
}

}  // namespace
}  // namespace scxtwin
