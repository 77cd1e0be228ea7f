#include "tools/twin/replay_report.h"

#include "absl/strings/str_cat.h"

namespace scxtwin::twin {

std::string ClosingLine(const ReplayResult& result) {
  return absl::StrCat("twin replay: ", result.policy, ": ", result.callbacks, " callbacks, ",
                      result.calls, " kfunc calls replayed, ", result.divergences, " divergences");
}

std::string FormatReplayReport(const ReplayResult& result) {
  std::string out;
  for (const auto& [name, count] : result.not_replayed) {
    absl::StrAppend(&out, "not replayed: ", name, " x", count,
                    " (its arguments are not in the record)\n");
  }
  if (result.interleaved > 0) {
    absl::StrAppend(&out, "interleaved: ", result.interleaved,
                    " callbacks overlapped another in the kernel\n");
  }
  if (result.unverified_reads > 0) {
    absl::StrAppend(&out, "unverified: ", result.unverified_reads,
                    " map reads differed from a value last written by an interleaved callback\n");
  }
  if (result.reordered > 0) {
    absl::StrAppend(&out, "reordered: ", result.reordered,
                    " interleaved callbacks matched at an earlier point of their span\n");
  }
  int n = 0;
  for (const Divergence& d : result.first) {
    absl::StrAppend(&out, "divergence ", ++n, ": ", d.callback, " seq ", d.seq, " cpu ", d.cpu,
                    d.pid >= 0 ? absl::StrCat(" pid ", d.pid) : std::string(),
                    d.interleaved ? " (it overlapped another callback in the kernel)" : "", "\n");
    absl::StrAppend(&out, "  kernel: ", d.kernel, "\n");
    absl::StrAppend(&out, "  host:   ", d.host, "\n");
    if (!d.before.empty()) {
      absl::StrAppend(&out, "  before it:\n");
      for (const std::string& line : d.before) absl::StrAppend(&out, "  ", line, "\n");
    }
  }
  if (result.divergences > result.first.size()) {
    absl::StrAppend(&out, "... and ", result.divergences - result.first.size(),
                    " more diverging callbacks\n");
  }
  absl::StrAppend(&out, ClosingLine(result), "\n");
  return out;
}

}  // namespace scxtwin::twin
