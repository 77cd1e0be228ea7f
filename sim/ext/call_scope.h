// Internal to sim/ext: which callback runs, and on which CPU, for the duration of a call.
#ifndef SCXTWIN_SIM_EXT_CALL_SCOPE_H_
#define SCXTWIN_SIM_EXT_CALL_SCOPE_H_

namespace scxtwin::sim {

// Saves and restores which callback runs and on which CPU (callbacks nest: ops.enqueue can run
// inside balance, via put_prev).
template <typename Kind>
class CallScope {
 public:
  CallScope(int& cpu, Kind& kind, int new_cpu, Kind new_kind)
      : cpu_(cpu), kind_(kind), saved_cpu_(cpu), saved_kind_(kind) {
    cpu_ = new_cpu;
    kind_ = new_kind;
  }
  ~CallScope() {
    cpu_ = saved_cpu_;
    kind_ = saved_kind_;
  }
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

 private:
  int& cpu_;
  Kind& kind_;
  int saved_cpu_;
  Kind saved_kind_;
};

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_EXT_CALL_SCOPE_H_
