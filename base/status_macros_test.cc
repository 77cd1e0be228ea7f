#include "base/status_macros.h"

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace scxtwin {
namespace {

absl::StatusOr<int> Half(int v) {
  if (v % 2 != 0) return absl::InvalidArgumentError(absl::StrCat(v, " is odd"));
  return v / 2;
}

absl::StatusOr<int> Quarter(int v, int* steps) {
  SCX_ASSIGN_OR_RETURN(int half, Half(v));
  ++*steps;
  SCX_ASSIGN_OR_RETURN(half, Half(half));  // assigns to an existing variable
  ++*steps;
  return half;
}

absl::Status CheckEven(int v, int* evaluations) {
  SCX_RETURN_IF_ERROR((++*evaluations, Half(v)));  // a StatusOr works too
  SCX_RETURN_IF_ERROR(v > 100 ? absl::OutOfRangeError("big") : absl::OkStatus());
  return absl::OkStatus();
}

TEST(StatusMacros, AssignOrReturnPassesValuesOnAndStopsAtTheFirstError) {
  int steps = 0;
  EXPECT_EQ(Quarter(12, &steps).value(), 3);
  EXPECT_EQ(steps, 2);
  steps = 0;
  absl::StatusOr<int> r = Quarter(6, &steps);  // 6 -> 3, then 3 is odd
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "3 is odd");
  EXPECT_EQ(steps, 1);
}

TEST(StatusMacros, AssignOrReturnMovesOnlyTypes) {
  auto make = []() -> absl::StatusOr<std::unique_ptr<std::string>> {
    return std::make_unique<std::string>("x");
  };
  auto use = [&]() -> absl::StatusOr<std::string> {
    SCX_ASSIGN_OR_RETURN(std::unique_ptr<std::string> p, make());
    return *p + "y";
  };
  EXPECT_EQ(use().value(), "xy");
}

TEST(StatusMacros, ReturnIfErrorEvaluatesOnceAndKeepsTheStatus) {
  int evaluations = 0;
  EXPECT_TRUE(CheckEven(4, &evaluations).ok());
  EXPECT_EQ(evaluations, 1);
  EXPECT_EQ(CheckEven(5, &evaluations).message(), "5 is odd");
  EXPECT_EQ(evaluations, 2);
  EXPECT_EQ(CheckEven(102, &evaluations).code(), absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace scxtwin
