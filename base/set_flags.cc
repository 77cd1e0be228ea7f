#include "base/set_flags.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace scxtwin {

absl::StatusOr<std::vector<std::string>> TakeRepeatedFlag(std::vector<char*>* args,
                                                          absl::string_view name,
                                                          absl::string_view value_name) {
  const std::string single = absl::StrCat("-", name), dashed = absl::StrCat("--", name);
  std::vector<std::string> values;
  std::vector<char*> rest;
  for (size_t i = 0; i < args->size(); ++i) {
    const absl::string_view a = (*args)[i];
    if (a == "--") {
      rest.insert(rest.end(), args->begin() + i, args->end());
      break;
    }
    if (a == single || a == dashed) {
      if (i + 1 >= args->size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " needs a ", value_name, " argument"));
      }
      values.emplace_back((*args)[++i]);
    } else if (absl::StartsWith(a, single + "=") || absl::StartsWith(a, dashed + "=")) {
      values.emplace_back(a.substr(a.find('=') + 1));
    } else {
      rest.push_back((*args)[i]);
    }
  }
  *args = std::move(rest);
  return values;
}

absl::StatusOr<std::vector<Assignment>> ParseAssignments(const std::vector<std::string>& values,
                                                         absl::string_view name,
                                                         absl::string_view value_name) {
  std::vector<Assignment> out;
  for (const std::string& value : values) {
    for (absl::string_view item : absl::StrSplit(value, ',', absl::SkipEmpty())) {
      const size_t eq = item.find('=');
      if (eq == absl::string_view::npos || eq == 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " '", item, "': expected ", value_name));
      }
      out.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
    }
  }
  return out;
}

}  // namespace scxtwin
