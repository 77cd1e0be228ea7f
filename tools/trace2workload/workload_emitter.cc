#include "tools/trace2workload/workload_emitter.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace scxtwin::trace2workload {

std::string GroupName(const ThreadTrace& t) { return absl::StrCat(t.comm, "-", t.tid); }

// The process is named for the root's executable: the file name's last component, trailing
// slashes ignored. A file name with none ("/" or empty, as a corrupt trace may carry) would give
// an empty name, which the loader refuses, so the root's pid names it then.
std::string ProcessName(const TreeTrace& tree) {
  absl::string_view file = tree.root_filename;
  while (absl::ConsumeSuffix(&file, "/")) {
  }
  const size_t slash = file.rfind('/');
  if (slash != absl::string_view::npos) file = file.substr(slash + 1);
  return file.empty() ? absl::StrCat("pid", tree.root_pid) : std::string(file);
}

scxtwin::workload::Workload ToWorkload(const TreeTrace& tree, absl::string_view name,
                                       absl::string_view source) {
  namespace wl = scxtwin::workload;
  absl::flat_hash_map<int, std::string> group_of;
  int64_t cpu_ns = 0;
  for (const ThreadTrace& t : tree.threads) {
    group_of[t.tid] = GroupName(t);
    cpu_ns += t.cpu_ns;
  }

  wl::Workload w;
  w.set_name(std::string(name));
  w.set_description(absl::StrFormat(
      "Imported by trace2workload from %s: the tree of %s (pid %d), %d threads, "
      "%.3f s of CPU in %.3f s of traced wall time. Runs replay CPU bursts; wait/wake pairs "
      "replay who woke whom; sleeps are blocks nothing in the tree ended.",
      source, tree.root_filename, tree.root_pid, tree.threads.size(), cpu_ns / 1e9,
      (tree.end_ns - tree.start_ns) / 1e9));
  wl::Process* p = w.add_process();
  p->set_name(ProcessName(tree));
  p->set_instances(1);
  p->mutable_arrival()->set_at_ns(0);

  for (const ThreadTrace& t : tree.threads) {
    wl::TaskGroup* g = p->add_group();
    g->set_name(group_of[t.tid]);
    g->set_count(1);
    // Every thread but the root is created by its parent's fork step. (By tid: a root whose pid
    // is 0 in the trace makes parent_tid 0 for its children too.)
    g->set_on_fork(t.tid != tree.root_pid);
    for (const Step& s : t.program) {
      wl::Op* op = g->add_program();
      switch (s.kind) {
        case Step::kRun:
          op->mutable_run()->set_fixed_ns(s.ns);
          break;
        case Step::kSleep:
          op->mutable_sleep()->set_fixed_ns(s.ns);
          break;
        case Step::kWait:
          op->set_wait(true);
          break;
        case Step::kWake: {
          wl::Target* target = op->mutable_wake();
          target->set_group(group_of[s.peer]);
          target->set_pick(wl::Target::INDEX);
          target->set_index(0);
          break;
        }
        case Step::kFork:
          op->mutable_fork()->set_group(group_of[s.peer]);
          op->mutable_fork()->set_count(1);
          break;
        case Step::kExit:
          op->set_exit(true);
          break;
      }
    }
    // A thread the trace shows created but never running has no steps: it exits at once (a
    // spec's program must have an op).
    if (g->program_size() == 0) g->add_program()->set_exit(true);
  }
  return w;
}

}  // namespace scxtwin::trace2workload
