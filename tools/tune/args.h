// Command-line pieces the tune subcommands share: repeated flags gathered in order (absl keeps
// only the last), K=V lists, and paths as the user typed them under `bazel run`.
#ifndef SCXTWIN_TOOLS_TUNE_ARGS_H_
#define SCXTWIN_TOOLS_TUNE_ARGS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/user_paths.h"

namespace scxtwin::tune {

// Takes every --NAME=V / --NAME V of each repeated flag in `names` out of argv (in order) and
// returns the rest for absl's parser; values[i] gets flag names[i]'s values.
std::vector<char*> GatherRepeated(int argc, char** argv, const std::vector<std::string>& names,
                                  std::vector<std::vector<std::string>>* values);

// "K=V[,K=V...]" items of `flag` into pairs. Error: "--FLAG ITEM: expected K=V".
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParsePairs(
    absl::string_view flag, const std::vector<std::string>& items);

// Paths the user typed to `bazel run` (base/user_paths.h).
using ::scxtwin::UserOutPath;
using ::scxtwin::UserPath;

}  // namespace scxtwin::tune

#endif  // SCXTWIN_TOOLS_TUNE_ARGS_H_
