#include "kernel/exit_report.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"

namespace scxtwin {

// Values of enum scx_exit_kind (kernel/sched/ext_internal.h), stable kernel ABI.
std::string ExitKindName(uint64_t kind) {
  switch (kind) {
    case 0:
      return "none";
    case 1:
      return "done";
    case 64:
      return "unregistered";
    case 65:
      return "unregistered_bpf";
    case 66:
      return "unregistered_kernel";
    case 67:
      return "sysrq";
    case 68:
      return "parent";
    case 69:
      return "parent_kill";
    case 1024:
      return "error";
    case 1025:
      return "error_bpf";
    case 1026:
      return "error_stall";
    case 1027:
      return "error_reenq";
    case 1028:
      return "error_rescue";
    default:
      return "unknown";
  }
}

LoaderExitCode ExitCodeForKind(uint64_t kind) {
  if (kind == 1026) return kExitStall;
  if (kind >= 1024) return kExitError;
  return kExitNormal;
}

std::string FormatExitLine(const std::string& policy, uint64_t kind, int64_t exit_code,
                           const std::string& reason, const std::string& message) {
  return absl::StrFormat("exit: policy=%s kind=%s(%d) code=%d reason=\"%s\" message=\"%s\"", policy,
                         ExitKindName(kind), kind, exit_code, absl::CEscape(reason),
                         absl::CEscape(message));
}

}  // namespace scxtwin
