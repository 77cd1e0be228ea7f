// Every default the machine model uses, in ONE table, each with where it comes from
// (docs/model.md section 4 and the kernel config of the cached sched_ext kernel).
// The migration refill costs are estimates, not measurements: they are parameters (--set
// cost.*) and the CLI output says so.
#ifndef SCXTWIN_SIM_MACHINE_COSTS_H_
#define SCXTWIN_SIM_MACHINE_COSTS_H_

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "sim/engine/time.h"
#include "sim/machine/effects.h"
#include "sim/machine/topology.h"

namespace scxtwin::sim {

// Working-set class of a task (mirrors workload.proto's WorkingSet; DEFAULT maps to SMALL).
enum class WorkingSet : uint8_t { kTiny = 0, kSmall = 1, kMedium = 2, kLarge = 3 };
inline constexpr int kNumWorkingSets = 4;
const char* WorkingSetName(WorkingSet ws);

// The sched_ext_ops callbacks the ext class calls, by their names in sched_ext_ops (the keys of
// cost.ext_callback_ns.<name>).
absl::Span<const char* const> ExtCallbackNames();
bool IsExtCallbackName(absl::string_view op);

struct MachineCosts {
  // Timer interrupt rate. Source: CONFIG_HZ=250 in Debian's cloud kernel config (the cached
  // kernel's `config`).
  int64_t hz = 250;
  // Direct cost of a context switch, charged to the CPU (not to any task) before the next task
  // runs. Source: docs/model.md 4, "~1-2.5 us direct"; the middle of that range.
  SimDuration context_switch_ns = 1500;
  // CPU time each sched_ext callback costs the CPU it runs on, charged like the context switch
  // (to the CPU, not to a task). 0 by default: callbacks are free, as they always were here.
  // Under TCG emulation a callback takes tens to hundreds of microseconds of guest time
  // (kernel/README.md, "Measuring programs"); docs/twin.md measures what charging that does.
  SimDuration ext_callback_ns = 0;
  // Per callback, by its sched_ext_ops name ("select_cpu", "dispatch", ...): that callback's CPU
  // time in place of ext_callback_ns, which the callbacks not listed keep
  // ("ext_callback_ns.<name>"; twin compare sets them from the guest's own measurement of the
  // policy's programs). Empty by default.
  std::vector<std::pair<std::string, SimDuration>> ext_callback_ns_by_op;
  // A task that last ran on another CPU less than this long ago is cache-hot and pays the
  // refill below. Source: the kernel's sysctl_sched_migration_cost (500 us), docs/model.md 1 and 4.
  SimDuration cache_hot_ns = 500 * kNsPerUs;
  // Extra CPU work a cache-hot task does after migrating, by distance and working-set class.
  // Sources: docs/model.md 4 (SMT sibling free; same LLC ~5-50 us; cross-LLC ~50-500 us), spread
  // over the classes small..large; tiny is a fifth of small; other node is 1.5x other LLC for
  // the remote memory. Estimates.
  std::array<std::array<SimDuration, kNumWorkingSets>, kNumDistances> refill_ns = {{
      //  tiny      small      medium      large
      {{0, 0, 0, 0}},                    // same CPU
      {{0, 0, 0, 0}},                    // SMT sibling
      {{1000, 5000, 20000, 50000}},      // same LLC
      {{10000, 50000, 200000, 500000}},  // other LLC
      {{15000, 75000, 300000, 750000}},  // other node
  }};

  // The host effects (effects.h): set through the same keys, printed after the costs.
  HostEffects effects;

  SimDuration tick_ns() const { return kNsPerSec / hz; }
  SimDuration refill(Distance d, WorkingSet ws) const {
    return refill_ns[static_cast<int>(d)][static_cast<int>(ws)];
  }

  // The CPU time of callback `op`: its own cost if set, else ext_callback_ns.
  SimDuration ExtCallbackNs(const char* op) const;

  // Sets one parameter by name ("hz", "context_switch_ns", "ext_callback_ns[.<op>]", "cache_hot_ns",
  // "refill_ns.<distance>.<class>", or a host effect's key, see effects.h); errors name the key
  // and the expected values.
  absl::Status Set(absl::string_view key, absl::string_view value);
  // Every parameter as "name=value", in a fixed order, the effects last (printed by the CLI).
  std::vector<std::string> Describe() const;
};

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_MACHINE_COSTS_H_
