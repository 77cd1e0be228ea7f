// What the kernel says about sched_ext in sysfs: whether it exists, its state, and which
// scheduler is active. The root is a parameter so tests can point it at a fake tree.
#ifndef SCXTWIN_KERNEL_SCHED_EXT_SYSFS_H_
#define SCXTWIN_KERNEL_SCHED_EXT_SYSFS_H_

#include <string>

#include "absl/status/statusor.h"

namespace scxtwin {

class SchedExtSysfs {
 public:
  explicit SchedExtSysfs(std::string root = "/sys/kernel/sched_ext") : root_(std::move(root)) {}

  const std::string& root() const { return root_; }

  // True iff the kernel was built with sched_ext (the sysfs directory exists).
  bool Available() const;

  // "disabled", "enabling", "enabled", "disabling".
  absl::StatusOr<std::string> State() const;

  // The active scheduler's ops name (root/ops), or "" when none is active.
  std::string ActiveOps() const;

 private:
  std::string root_;
};

}  // namespace scxtwin

#endif  // SCXTWIN_KERNEL_SCHED_EXT_SYSFS_H_
