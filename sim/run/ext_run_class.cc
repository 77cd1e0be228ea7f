// The sched_ext class of a run: a policy's host object (sim/host) hosted by ExtClass (sim/ext),
// with the fair class as the fallback after an ejection, as in the kernel.
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/knob_table.h"
#include "base/status_macros.h"
#include "sim/ext/ext_class.h"
#include "sim/fair/fair_class.h"
#include "sim/host/policy_loader.h"
#include "sim/run/class_registry.h"
#include "sim/run/policy_dirs.h"

namespace scxtwin::sim {
namespace {

class ExtRunClass final : public RunClass {
 public:
  ExtRunClass(std::string path, std::unique_ptr<host::PolicyInstance> policy)
      : path_(std::move(path)), policy_(std::move(policy)) {}

  std::string name() const override { return policy_->name(); }

  std::string Describe() const override {
    const host::PolicyInstance& p = *policy_;
    if (!p.knob_table().empty() || !p.stat_table().empty()) {
      return DescribePolicyTables(p.name(), p.knob_table(), p.stat_table());
    }
    // A scheduler without tables (the kernel tree's): its const volatile globals, by C type.
    std::string out = absl::StrCat(p.name(), " (", path_,
                                   ": no knob table, values checked by C type only)\n  knobs:\n");
    for (const host::Global* g : p.Knobs()) {
      auto v = p.ReadScalar(g->name);
      const char* type = g->scalar == SCXTWIN_SCALAR_BOOL     ? "bool"
                         : g->scalar == SCXTWIN_SCALAR_SIGNED ? "signed"
                                                              : "unsigned";
      absl::StrAppend(&out, "    ", g->name, " (", type, " ", g->size * 8, "-bit, default ",
                      v.ok() ? *v : 0, ")\n");
    }
    absl::StrAppend(&out, "  counters: none described\n");
    return out;
  }

  std::vector<std::string> KnobNames() const override {
    std::vector<std::string> names;
    for (const host::Global* g : policy_->Knobs()) names.push_back(g->name);
    return names;
  }

  absl::Status SetKnob(const std::string& key, const std::string& value) override {
    // A knob, or for a scheduler without a knob table any scalar global (skel->bss->NAME).
    const absl::Status s = policy_->SetGlobal(key, value);
    // A project policy's knobs are checked against its NAME_KNOBS table and worded as the
    // kernel loader words them ("--set 'K=V': expected a whole number in [MIN, MAX] ...").
    if (s.ok() || !policy_->knob_table().empty()) return s;
    return absl::InvalidArgumentError(absl::StrCat("--set ", key, "=", value, ": ", s.message()));
  }

  absl::StatusOr<SchedClass*> Build(const ClassBuildOptions& options) override {
    ExtPolicyBinding b;
    b.ops = policy_->ops();
    host::PolicyInstance* inst = policy_.get();
    b.install_api = [inst](const scxtwin_host_api& api) { inst->InstallApi(api); };
    b.forget_task = [inst](const task_struct* p) { inst->ForgetTask(p); };
    b.describe_fault = [inst](const host::CallFault& f) { return inst->DescribeFault(f); };
    b.before_attach = [inst] { return host::RunProgramsLikeTheLoader(inst); };
    // The policy's `extern unsigned CONFIG_HZ __kconfig` is the simulated kernel's tick.
    if (options.hz > 0) SCX_RETURN_IF_ERROR(policy_->SetKernelHz(options.hz));
    ExtOptions eo;
    eo.seed = options.seed;
    eo.log = options.log;
    ext_ = std::make_unique<ExtClass>(std::move(b), eo);
    // The kernel hands an ejected policy's tasks to its fair class: so does the run.
    if (options.continue_after_ejection) fallback_ = std::make_unique<fair::FairClass>();
    return ext_.get();
  }
  SchedClass* fallback() override { return fallback_.get(); }

  void Finish() override {
    if (auto stats = policy_->SumPerCpuCounters("stats"); stats.ok()) stats_ = *std::move(stats);
  }

  const ExtClass* ext() const override { return ext_.get(); }
  host::PolicyInstance* policy() const override { return policy_.get(); }
  const std::vector<uint64_t>& stats() const override { return stats_; }

 private:
  std::string path_;
  std::unique_ptr<host::PolicyInstance> policy_;
  std::unique_ptr<ExtClass> ext_;
  std::unique_ptr<fair::FairClass> fallback_;
  std::vector<uint64_t> stats_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<RunClass>> MakeExtRunClass(const std::string& policy,
                                                          const ClassSetup& setup) {
  SCX_ASSIGN_OR_RETURN(std::string path, ResolvePolicy(policy, setup.policy_dirs));
  host::LoadOptions lo;
  if (setup.nr_cpus > 0) lo.nr_cpus = setup.nr_cpus;
  if (setup.topology != nullptr && setup.topology->nr_cpus() == lo.nr_cpus) {
    for (int cpu = 0; cpu < lo.nr_cpus; ++cpu) {
      const CpuPlace& place = setup.topology->place(cpu);
      lo.cpus.push_back({.node = place.node, .llc = place.llc, .core = place.core});
    }
  }
  SCX_ASSIGN_OR_RETURN(std::unique_ptr<host::PolicyInstance> instance,
                       host::PolicyInstance::Load(path, lo));
  return std::make_unique<ExtRunClass>(std::move(path), std::move(instance));
}

}  // namespace scxtwin::sim
