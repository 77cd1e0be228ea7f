// Runs with several scheduling classes: a workload with a task whose policy is not NORMAL
// (EXT, FIFO, RR), or a sched_ext policy with SCX_OPS_SWITCH_PARTIAL, runs the built class in a
// class stack (sim/stack) beside an RT class and, under a sched_ext policy, a fair class, as on
// a kernel. Other runs keep the one class (same bytes as without this file).
#ifndef SCXTWIN_SIM_RUN_CLASS_STACK_SETUP_H_
#define SCXTWIN_SIM_RUN_CLASS_STACK_SETUP_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "sim/core/sched_class.h"
#include "sim/fair/fair_class.h"
#include "sim/rt/rt_class.h"
#include "sim/stack/class_stack.h"
#include "sim/workload/spec.h"

namespace scxtwin::sim {

struct StackedClasses {
  std::unique_ptr<RtClass> rt;
  std::unique_ptr<fair::FairClass> fair;  // beside a sched_ext policy
  std::unique_ptr<ClassStack> stack;      // nullptr: the run has one class
};

// `built` (the run class's SchedClass, named `policy` for errors), or the stack holding it when
// the run needs several classes. A class that cannot share the machine (the `fifo` test class)
// is refused naming the group that needs the RT or ext class. `ejected_to_fair`: an ejected
// policy's tasks go on in fair (else the ejection ends the run).
absl::StatusOr<SchedClass*> StackIfNeeded(const WorkloadSpec& spec, const std::string& policy,
                                          SchedClass* built, bool ejected_to_fair,
                                          StackedClasses* out);

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_RUN_CLASS_STACK_SETUP_H_
