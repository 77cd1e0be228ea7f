#include "kernel/policy_registry.h"

#include <algorithm>

#include "absl/strings/str_join.h"

namespace scxtwin {

const KernelPolicy* FindPolicy(const std::vector<const KernelPolicy*>& policies,
                               absl::string_view name, bool record) {
  for (const KernelPolicy* p : policies) {
    if (p->name == name && p->record == record) return p;
  }
  return nullptr;
}

std::string PolicyNames(const std::vector<const KernelPolicy*>& policies) {
  std::vector<std::string> names;
  for (const KernelPolicy* p : policies) {
    if (!p->record) names.push_back(p->name);
  }
  std::sort(names.begin(), names.end());
  return absl::StrJoin(names, ", ");
}

}  // namespace scxtwin
