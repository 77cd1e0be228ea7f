// Repeated `--set NAME=VALUE` style flags on a command line, read the same way by the
// simulator (//sim: --set, --param) and the kernel loader (//kernel:load: --set).
//
// Abseil keeps only the last value of a flag, so these flags are taken out of argv before
// Abseil parses the rest. Each value is one or more comma-separated NAME=VALUE items:
//   --set a=1 --set=b=2,c=3 -set d=4   ->  (a,1) (b,2) (c,3) (d,4)
#ifndef SCXTWIN_BASE_SET_FLAGS_H_
#define SCXTWIN_BASE_SET_FLAGS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace scxtwin {

// One NAME=VALUE item: (name, value).
using Assignment = std::pair<std::string, std::string>;

// Removes every `--NAME X`, `--NAME=X`, `-NAME X` and `-NAME=X` from `args` (up to a "--",
// which stays with what follows it) and returns the Xs in order. A trailing `--NAME` without a
// value is an error: "--NAME needs a VALUE_NAME argument"; `args` is unchanged then.
absl::StatusOr<std::vector<std::string>> TakeRepeatedFlag(std::vector<char*>* args,
                                                          absl::string_view name,
                                                          absl::string_view value_name);

// Splits the values of flag `name` into NAME=VALUE items: each value at its commas (empty items
// skipped), each item at its first '='. An item without '=' or with an empty NAME is an error:
// "--NAME 'ITEM': expected VALUE_NAME".
absl::StatusOr<std::vector<Assignment>> ParseAssignments(const std::vector<std::string>& values,
                                                         absl::string_view name,
                                                         absl::string_view value_name);

}  // namespace scxtwin

#endif  // SCXTWIN_BASE_SET_FLAGS_H_
