// Loads a host-compiled sched_ext policy (a shared object built by host_policy() or
// build_host_policy.sh) so that each simulation gets a fresh instance: its own globals, maps
// and host API table. (SCX_ASSIGN_OR_RETURN / SCX_RETURN_IF_ERROR: base/status_macros.h.)
//
//   SCX_ASSIGN_OR_RETURN(auto policy, PolicyInstance::Load(path, {.nr_cpus = 16}));
//   SCX_RETURN_IF_ERROR(policy->SetKnob("fifo_sched", "1"));  // before the run, like libbpf rodata
//   scxtwin_host_api api = ...;                             // the simulator's entries
//   policy->InstallApi(api);                                // maps entries are filled here
//   sched_ext_ops* ops = policy->ops();                     // call ops->init(), ...
//
// Fresh globals: the object is copied to a private temporary file and dlopen()ed from there, so
// the dynamic loader maps a new instance each time (dlopen of one path twice would share it).
#ifndef SCXTWIN_SIM_HOST_POLICY_LOADER_H_
#define SCXTWIN_SIM_HOST_POLICY_LOADER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/knob_table.h"
#include "scxtwin/host_api.h"
#include "scxtwin/host_registry.h"
#include "sim/host/fault_guard.h"
#include "sim/host/loader_defaults.h"
#include "sim/host/maps.h"

namespace scxtwin::host {

struct LoadOptions {
  // CPUs of the simulated machine (sizes per-CPU maps).
  int nr_cpus = 1;
  // Which `struct sched_ext_ops` variable to use when the object defines several; empty: the
  // only one.
  std::string ops_variable;
  // The simulated kernel's timer frequency: a scheduler's `extern unsigned CONFIG_HZ __kconfig`
  // reads it (0: the value of the kernel config the object was built against). The simulator
  // passes its tick (MachineCosts::hz) so both agree.
  int64_t hz = 0;
  // Where each CPU sits (node, LLC, core), for the loader defaults that copy the machine's
  // topology into a scheduler (loader_defaults.h). Empty: FlatLoaderCpus(nr_cpus). Otherwise
  // it has nr_cpus entries.
  std::vector<LoaderCpu> cpus;
};

// A Kconfig extern of the policy (`extern unsigned CONFIG_HZ __kconfig;`) and the value the
// loader gave it.
struct KconfigValue {
  std::string name;
  void* addr = nullptr;
  uint64_t size = 0;
  scxtwin_scalar scalar = SCXTWIN_SCALAR_NONE;
  bool weak = false;
  bool found = false;  // the kernel config has it (else it is a __weak extern reading 0)
  std::string text;    // the config's text ("250", "y", "\"str\"")
};

// A global of the policy (.data, .bss or .rodata).
struct Global {
  std::string name;
  void* addr = nullptr;
  uint64_t size = 0;
  scxtwin_section section = SCXTWIN_SECTION_DATA;
  scxtwin_scalar scalar = SCXTWIN_SCALAR_NONE;
  // A knob is a scalar `const volatile` global: set by name before the run.
  bool is_knob() const {
    return section == SCXTWIN_SECTION_RODATA && scalar != SCXTWIN_SCALAR_NONE;
  }
};

class PolicyInstance {
 public:
  // Loads `so_path`. Errors name the file: missing, not a host policy object, no or several
  // struct_ops, a map the simulator does not offer.
  static absl::StatusOr<std::unique_ptr<PolicyInstance>> Load(const std::string& so_path,
                                                              const LoadOptions& options);
  ~PolicyInstance();
  PolicyInstance(const PolicyInstance&) = delete;
  PolicyInstance& operator=(const PolicyInstance&) = delete;

  // The scheduler: the policy's one `struct sched_ext_ops` (SEC(".struct_ops[.link]")).
  sched_ext_ops* ops() const { return ops_; }
  // The ops variable's name (e.g. "simple_ops") and the scheduler's name (ops->name).
  const std::string& ops_variable() const { return ops_variable_; }
  std::string name() const { return ops_->name; }
  const std::string& path() const { return path_; }
  // Where each CPU of the machine it was loaded for sits (LoadOptions::cpus, or flat).
  const std::vector<LoaderCpu>& cpus() const { return cpus_; }

  // Sets a knob from text. A project policy (one with a knob table, below) is checked exactly as
  // the kernel loader checks it (base/knob_table.h): a decimal whole number in the row's
  // [min, max], errors in the loader's words ("--set 'NAME=VALUE': expected ..."). Any other
  // scheduler's knobs take decimal or 0x-hex integers (negative for signed knobs), true/false for
  // bool, checked against the knob's C type only.
  absl::Status SetKnob(absl::string_view name, absl::string_view value);
  absl::Status SetKnob(absl::string_view name, int64_t value);
  // The knobs, in name order.
  std::vector<const Global*> Knobs() const;

  // A project policy's NAME_KNOBS / NAME_STATS rows in list order (the counters' order is that of
  // the `stats` map's keys), reported by the object itself (SCXTWIN_KNOB_DESCRIBE in
  // host_registry.h). Empty for a kernel-tree scheduler, which has no table.
  const std::vector<KnobSpec>& knob_table() const { return knob_table_; }
  const std::vector<StatSpec>& stat_table() const { return stat_table_; }

  // `--set NAME=VALUE` for a scheduler without a knob table: a knob as SetKnob does, else any
  // other scalar global (.data, .bss), as its user-space half could set skel->bss->NAME. (A
  // project policy's --set is SetKnob: its table, the kernel loader's check.)
  absl::Status SetGlobal(absl::string_view name, absl::string_view value);
  // Writes raw bytes into a global at `offset` (a .rodata one too: its page is made writable for
  // the write), as user space writes a skeleton's data before load (array elements, ...).
  absl::Status WriteGlobalBytes(absl::string_view name, uint64_t offset, const void* data,
                                size_t len);

  // Every global (knobs included), in the object's order.
  const std::vector<Global>& globals() const { return globals_; }
  // Any global by name (counters in .bss, the exit record in .data, ...).
  absl::StatusOr<const Global*> FindGlobal(absl::string_view name) const;
  // Reads a scalar global (up to 8 bytes), sign-extended if signed.
  absl::StatusOr<int64_t> ReadScalar(absl::string_view name) const;
  // Writes a scalar .data/.bss global, as user space writes skel->bss->NAME (knobs: SetKnob).
  absl::Status WriteScalar(absl::string_view name, int64_t value);

  // A SEC("syscall") program by name: what user space runs with bpf_prog_test_run. Call it
  // with the simulator's host API installed (its kfuncs run outside any callback).
  absl::StatusOr<scxtwin_syscall_prog_fn> FindProgram(absl::string_view name) const;

  // The Kconfig externs the policy declares, as resolved at load (name order).
  const std::vector<KconfigValue>& kconfig() const { return kconfig_; }
  // Sets CONFIG_HZ (if the policy reads it) to the simulated kernel's tick frequency; before the
  // run, like every Kconfig value. Also sets the CONFIG_HZ_<N> choice externs a policy declares.
  absl::Status SetKernelHz(int64_t hz);

  // Maps.
  HostMaps& maps() { return *maps_; }
  // Sums a per-CPU array of u64 counters (e.g. `stats`) over CPUs: one sum per index.
  absl::StatusOr<std::vector<uint64_t>> SumPerCpuCounters(absl::string_view map_name) const;

  // Installs the simulator's table. Copies it, fills the map entries, and hands the copy to the
  // policy object. Call before the first callback; again to replace the simulator's entries.
  void InstallApi(const scxtwin_host_api& api);
  // Installs `api` as given, its map entries included: for a caller that stands between the
  // policy and its maps (the twin replay checks each map access against a record), after
  // filling the entries it wraps with maps().FillApi().
  void InstallApiWithOwnMapEntries(const scxtwin_host_api& api);
  const scxtwin_host_api& api() const { return api_; }

  // Where a fault happened in the policy's code: the innermost frame of `fault` inside this
  // object, as "OBJECT: fn+0xOFF (file.bpf.c:LINE)" (the line when built with line tables); ""
  // if no frame is (the fault was elsewhere, e.g. in the simulator).
  std::string DescribeFault(const CallFault& fault) const;

  // A task is freed: its task local storage goes with it.
  void ForgetTask(const task_struct* task) { maps_->ForgetTask(task); }

 private:
  PolicyInstance() = default;
  const Global* FindKnob(absl::string_view name) const;
  absl::Status UnknownKnob(absl::string_view name) const;
  // Writes `value` to `knob` if it fits the knob's C type.
  absl::Status WriteKnob(const Global& knob, int64_t value);

  std::string path_;
  void* handle_ = nullptr;
  sched_ext_ops* ops_ = nullptr;
  std::string ops_variable_;
  std::vector<Global> globals_;
  std::vector<KnobSpec> knob_table_;
  std::vector<StatSpec> stat_table_;
  std::vector<std::pair<std::string, scxtwin_syscall_prog_fn>> programs_;
  std::vector<KconfigValue> kconfig_;
  std::vector<LoaderCpu> cpus_;
  std::unique_ptr<HostMaps> maps_;
  scxtwin_set_host_api_fn set_api_ = nullptr;
  uintptr_t base_ = 0;  // where the dynamic loader mapped the object
  scxtwin_host_api api_ = {};
};

}  // namespace scxtwin::host

#endif  // SCXTWIN_SIM_HOST_POLICY_LOADER_H_
