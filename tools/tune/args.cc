#include "tools/tune/args.h"

#include <unistd.h>

#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace scxtwin::tune {

std::vector<char*> GatherRepeated(int argc, char** argv, const std::vector<std::string>& names,
                                  std::vector<std::vector<std::string>>* values) {
  values->assign(names.size(), {});
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    absl::string_view a = argv[i];
    bool taken = false;
    for (size_t n = 0; n < names.size() && !taken && i > 0; ++n) {
      const std::string flag = "--" + names[n];
      if (absl::StartsWith(a, flag + "=")) {
        (*values)[n].emplace_back(a.substr(flag.size() + 1));
        taken = true;
      } else if (a == flag && i + 1 < argc) {
        (*values)[n].emplace_back(argv[++i]);
        taken = true;
      }
    }
    if (!taken) rest.push_back(argv[i]);
  }
  return rest;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParsePairs(
    absl::string_view flag, const std::vector<std::string>& items) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& s : items) {
    for (absl::string_view kv : absl::StrSplit(s, ',', absl::SkipEmpty())) {
      std::pair<std::string, std::string> p = absl::StrSplit(kv, absl::MaxSplits('=', 1));
      if (p.first.empty() || !absl::StrContains(kv, '=')) {
        return absl::InvalidArgumentError(absl::StrCat("--", flag, " ", kv, ": expected K=V"));
      }
      out.push_back(std::move(p));
    }
  }
  return out;
}

}  // namespace scxtwin::tune
