#include "sim/run/class_stack_setup.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "sim/ext/ext_class.h"

namespace scxtwin::sim {

absl::StatusOr<SchedClass*> StackIfNeeded(const WorkloadSpec& spec, const std::string& policy,
                                          SchedClass* built, bool ejected_to_fair,
                                          StackedClasses* out) {
  auto* ext = dynamic_cast<ExtClass*>(built);
  auto* fair = dynamic_cast<fair::FairClass*>(built);
  std::string needs;  // the first group whose policy needs another class
  for (size_t p = 0; p < spec.processes.size() && needs.empty(); ++p) {
    const CompiledProcess& proc = spec.processes[p];
    for (size_t g = 0; g < proc.groups.size(); ++g) {
      if (proc.groups[g].policy != workload::TaskGroup::NORMAL) {
        needs =
            absl::StrCat("process[", p, "].group[", g, "] (", proc.name, "/", proc.groups[g].name,
                         ") has policy ", workload::TaskGroup::Policy_Name(proc.groups[g].policy));
        break;
      }
    }
  }
  const bool partial = ext != nullptr && ext->switch_partial();
  if (needs.empty() && !partial) return built;
  if (ext == nullptr && fair == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(spec.file, ": ", needs, "; --policy=", policy,
                     " cannot run beside the RT class; expected the fair class (--policy=eevdf) "
                     "or a sched_ext policy"));
  }
  ClassStackOptions o;
  out->rt = std::make_unique<RtClass>();
  o.rt = out->rt.get();
  if (ext != nullptr) {
    out->fair = std::make_unique<fair::FairClass>();
    o.fair = out->fair.get();
    o.ext = ext;
    o.switch_partial = partial;
    o.ext_foreign_new = [ext](TaskId t, TaskId parent) { ext->InitForeignTask(t, parent); };
    o.ext_foreign_exit = [ext](TaskId t) { ext->ExitForeignTask(t); };
    o.ejected_to_fair = ejected_to_fair;
  } else {
    o.fair = fair;
  }
  out->stack = std::make_unique<ClassStack>(std::move(o));
  return out->stack.get();
}

}  // namespace scxtwin::sim
