// Internal to sim/ext: which callback runs, and on which CPU, for the duration of a call.
#ifndef SCXTWIN_SIM_EXT_CALL_SCOPE_H_
#define SCXTWIN_SIM_EXT_CALL_SCOPE_H_

#include <cstdint>

namespace scxtwin::sim {

// Saves and restores which callback runs and on which CPU (callbacks nest: ops.enqueue can run
// inside balance, via put_prev).
class CallScope {
 public:
  CallScope(int& cpu, uint8_t& kind, int new_cpu, uint8_t new_kind)
      : cpu_(cpu), kind_(kind), saved_cpu_(cpu), saved_kind_(kind) {
    cpu_ = new_cpu;
    kind_ = new_kind;
  }
  ~CallScope() {
    cpu_ = saved_cpu_;
    kind_ = saved_kind_;
  }

 private:
  int& cpu_;
  uint8_t& kind_;
  int saved_cpu_;
  uint8_t saved_kind_;
};

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_EXT_CALL_SCOPE_H_
