#include "sim/experiment/process_pool.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace scxtwin::experiment {
namespace {

int global_counter = 0;  // each child sees its own copy

TEST(ProcessPool, ResultsInIndexOrderWithFreshGlobals) {
  std::vector<int> progress;
  auto results = RunInProcesses(
      7, 3,
      [](int i) -> absl::StatusOr<std::string> {
        global_counter += 1;     // would reach 7 if jobs shared the process
        usleep((7 - i) * 2000);  // later jobs finish first
        return absl::StrCat(i, ":", global_counter, ":", getpid() != 0);
      },
      [&](int done, int total) {
        EXPECT_EQ(total, 7);
        progress.push_back(done);
      });
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 7u);
  for (int i = 0; i < 7; ++i) EXPECT_EQ((*results)[i], absl::StrCat(i, ":1:1"));
  EXPECT_EQ(global_counter, 0);
  EXPECT_EQ(progress, (std::vector<int>{1, 2, 3, 4, 5, 6, 7}));
}

TEST(ProcessPool, ReportsFailingJobByIndex) {
  auto results = RunInProcesses(4, 2, [](int i) -> absl::StatusOr<std::string> {
    if (i == 2) return absl::InvalidArgumentError("bad knob");
    return std::string("ok");
  });
  ASSERT_FALSE(results.ok());
  EXPECT_NE(results.status().message().find("run 2"), std::string::npos);
  EXPECT_NE(results.status().message().find("bad knob"), std::string::npos);
  // The job's status code survives the trip from the child (bad input is not an internal error).
  EXPECT_EQ(results.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ProcessPool, ReportsCrashedChild) {
  auto results = RunInProcesses(2, 2, [](int i) -> absl::StatusOr<std::string> {
    if (i == 1) std::abort();
    return std::string("ok");
  });
  ASSERT_FALSE(results.ok());
  EXPECT_NE(results.status().message().find("run 1: child process died (signal 6)"),
            std::string::npos)
      << results.status();
}

TEST(ProcessPool, LargeResultsArriveWhole) {
  auto results = RunInProcesses(
      2, 2, [](int i) -> absl::StatusOr<std::string> { return std::string(300000 + i, 'x'); });
  ASSERT_TRUE(results.ok());
  EXPECT_EQ((*results)[0].size(), 300000u);
  EXPECT_EQ((*results)[1].size(), 300001u);
}

}  // namespace
}  // namespace scxtwin::experiment
