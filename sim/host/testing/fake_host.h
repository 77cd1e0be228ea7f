// A stand-in simulator for host-mode tests: implements the simulator half of the host API
// with recordings instead of scheduling (every call is logged as text, DSQ inserts and timers
// are kept for inspection). It lets sim/host be tested without the simulator.
#ifndef SCXTWIN_SIM_HOST_TESTING_FAKE_HOST_H_
#define SCXTWIN_SIM_HOST_TESTING_FAKE_HOST_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "scxtwin/host_api.h"

namespace scxtwin::host {

class FakeHost {
 public:
  explicit FakeHost(int nr_cpus);

  // The table to install (PolicyInstance::InstallApi fills in the map entries).
  scxtwin_host_api Api();

  // A task the fake knows by pid (bpf_task_from_pid).
  task_struct* AddTask(int32_t pid, const char* comm);

  struct Insert {
    task_struct* task;
    uint64_t dsq_id;
    uint64_t slice;
    uint64_t vtime;
    uint64_t enq_flags;
    bool vtime_ordered;
  };

  int nr_cpus;
  int32_t current_cpu = 0;
  uint64_t now_ns = 0;
  std::vector<std::string> log;  // "create_dsq 7", "error <msg>", ...
  std::vector<Insert> inserts;
  std::vector<bpf_timer*> started_timers;
  bool exited = false;
  int64_t exit_code = 0;
  std::string exit_message;
  bool errored = false;
  std::string error_message;

 private:
  std::map<int32_t, task_struct> tasks_;
};

}  // namespace scxtwin::host

#endif  // SCXTWIN_SIM_HOST_TESTING_FAKE_HOST_H_
