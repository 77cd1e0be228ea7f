// Early returns on an error Status, for functions that return absl::Status or absl::StatusOr<T>
// (Abseil 20220623 has no such macros):
//
//   SCX_RETURN_IF_ERROR(policy->SetKnob("slice_us", "500"));
//   SCX_ASSIGN_OR_RETURN(std::unique_ptr<PolicyInstance> policy, PolicyInstance::Load(path, opts));
//
// The error is returned as it is (same code, same message): callers that add context still
// write the check out, so the message says what they were doing.
#ifndef SCXTWIN_BASE_STATUS_MACROS_H_
#define SCXTWIN_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace scxtwin::status_internal {

inline const absl::Status& ToStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& ToStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

}  // namespace scxtwin::status_internal

// Evaluates `expr` (an absl::Status or absl::StatusOr) once; returns its status if not OK.
#define SCX_RETURN_IF_ERROR(expr)                               \
  do {                                                          \
    const auto& scx_status_ = (expr);                           \
    if (ABSL_PREDICT_FALSE(!scx_status_.ok())) {                \
      return ::scxtwin::status_internal::ToStatus(scx_status_); \
    }                                                           \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>) once; returns its status if not OK, else moves its
// value into `lhs`, which may declare a variable (`auto x`, `std::string s`) or name one.
#define SCX_ASSIGN_OR_RETURN(lhs, rexpr) \
  SCX_ASSIGN_OR_RETURN_IMPL_(SCX_STATUS_CONCAT_(scx_statusor_, __LINE__), lhs, rexpr)

#define SCX_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                               \
  if (ABSL_PREDICT_FALSE(!statusor.ok())) {              \
    return std::move(statusor).status();                 \
  }                                                      \
  lhs = *std::move(statusor)

#define SCX_STATUS_CONCAT_INNER_(a, b) a##b
#define SCX_STATUS_CONCAT_(a, b) SCX_STATUS_CONCAT_INNER_(a, b)

#endif  // SCXTWIN_BASE_STATUS_MACROS_H_
