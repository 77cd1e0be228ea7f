// The replay: the host build of a policy runs every recorded callback with the recorded inputs,
// behind a host API (replay_host_api.cc) that serves each kfunc's result from the record and
// checks that the host build asks for the same call with the same arguments. Every result is
// compared: the calls (DSQ insertions, kicks, errors are calls), the return value, the task
// fields a callback may write, and the map values the host build left for the next read.
//
// Order (why it is sound is in tools/twin/README.md): callbacks run one at a time in the order of
// the sequence number each took at entry. Everything a callback can learn comes from the record:
// its arguments, its tasks' state, its kfunc results, the map values the kernel read (the host's
// copy is checked against them, then set to them) and the policy's own global variables at its
// entry (the host's are set to them; what the callback wrote is checked against the kernel's at
// its exit). So no callback depends on the replay's order. A callback that another CPU's records
// interleave (the kernel ran other callbacks in its middle) may have read globals those wrote:
// if it does not match from its entry's globals, it is run again from the globals of each record
// inside its span, and matches if one of them reproduces it.
#ifndef SCXTWIN_TOOLS_TWIN_REPLAY_ENGINE_H_
#define SCXTWIN_TOOLS_TWIN_REPLAY_ENGINE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "sim/host/policy_loader.h"
#include "tools/twin/replay_callbacks.h"
#include "tools/twin/replay_record.h"

namespace scxtwin::twin {

struct Divergence {
  std::string callback;  // program name
  uint64_t seq = 0;      // of the callback's entry
  uint32_t cpu = 0;
  int32_t pid = -1;                 // the callback's first task, -1 if none
  bool interleaved = false;         // another CPU ran between its last call and its exit
  std::string kernel;               // what the kernel's run did at that point
  std::string host;                 // what the host build did
  std::vector<std::string> before;  // the last calls and entries before it, oldest first
};

struct ReplayResult {
  std::string policy;
  uint64_t callbacks = 0;         // replayed
  uint64_t calls = 0;             // recorded kfunc/helper calls the host build made identically
  uint64_t divergences = 0;       // callbacks in which the host build differed
  std::vector<Divergence> first;  // the first few, in detail
  std::map<std::string, uint64_t> not_replayed;  // program -> count (arguments not recorded)
  uint64_t interleaved = 0;                      // callbacks that overlapped another in the kernel
  // Map reads whose value differed from the host's copy when the callback that last wrote it
  // overlapped another one in the kernel (so its writes may rest on globals the record's order
  // cannot tell): synced, counted, not divergences.
  uint64_t unverified_reads = 0;
  // Interleaved callbacks that matched only from the globals of a later point of their span.
  uint64_t reordered = 0;
};

struct ReplayOptions {
  size_t max_reported = 3;  // divergences described in detail
  size_t context = 6;       // calls shown before a divergence
  // Knobs set for the record run (`NAME=VALUE`), set the same way on the host build. Knobs not
  // listed keep each build's own default, so a default that differs between builds shows.
  std::vector<std::string> knob_sets;
  // Tests: changes the replay's host API before it is installed (a test double of a kfunc).
  std::function<void(scxtwin_host_api*)> api_hook;
};

// Replays `record` through the host build at `host_so`. Errors: the object cannot be loaded,
// or a knob cannot be set.
absl::StatusOr<ReplayResult> Replay(const Record& record, const std::string& host_so,
                                    const ReplayOptions& options);

// The host build's global for the recorded global `g`: the same name and size or, for an array,
// longer on the host (a kernel-tree scheduler's per-CPU RESIZABLE_ARRAY has the recording
// machine's CPU count in the record build, the host's maximum in the host build). An error names
// it. The replay binds the record's globals with it, and CheckHostLayout (replay_layout.h) a
// record build's before any record exists.
absl::StatusOr<const host::Global*> HostGlobalFor(const host::PolicyInstance& policy,
                                                  const scxtwin_rec_global& g);

// The host API the replay installs (replay_host_api.cc); `replayer` is its `sim` context.
class Replayer;
scxtwin_host_api MakeReplayApi(Replayer* replayer, host::HostMaps* maps);

// What the slots of the replay host API use.
class Replayer {
 public:
  Replayer(const Record& record, host::PolicyInstance* policy,
           absl::flat_hash_map<std::string, const CallbackSpec*> programs,
           const ReplayOptions& options);
  ReplayResult Run();

  // The next recorded call of the current callback if it is kfunc `id` with these argument
  // words (and map, for map calls); otherwise notes the divergence and returns nullptr, and the
  // slot returns a neutral value (the callback's result no longer counts).
  // `host_detail` adds to the description of the host's call (an error's message).
  const scxtwin_rec_call* Expect(uint32_t id, std::initializer_list<uint64_t> args,
                                 const char* map_name = nullptr,
                                 const std::string& host_detail = "");
  // The next recorded call of the current callback, described, or "no further call".
  std::string NextKernelCall() const;
  // A difference found by a slot itself (e.g. a map value the host build left differently).
  void Diverge(const std::string& kernel, const std::string& host);
  // A map value the kernel read differs from the host's copy at `value`: a divergence of the
  // callback that last looked it up, unless that one overlapped another (unverified_reads).
  void ValueDiffers(const void* value, const std::string& kernel, const std::string& host);
  // The current callback looked up the map value at `value` (it may write it).
  void LookedUp(const void* value) { last_looker_[value] = cb_; }
  bool diverged() const { return diverged_; }
  // bpf_task_from_pid's task: the host task of that kernel address, in the recorded state.
  task_struct* TaskFromBrief(const scxtwin_rec_task_brief& brief);
  // The host build started `timer` (its callback is set): a recorded firing of that callback
  // fires it.
  void TimerStarted(bpf_timer* timer) { timers_.insert(timer); }
  // The host object's functions by name (timer callbacks are named by the record).
  void set_functions(absl::flat_hash_map<std::string, void*> functions) {
    functions_ = std::move(functions);
  }
  int32_t cpu() const { return cpu_; }
  uint32_t nr_cpus() const { return record_.header.nr_cpus; }

 private:
  void RunCallback(const RecordedCallback& cb);
  // One run of `cb` from the current globals; true if everything matched. A difference is kept in
  // pending_ and counted only if no order matches.
  bool Attempt(const RecordedCallback& cb);
  // After the host build ran cb (returning ret): true if it made every recorded call and
  // returned what the kernel did; otherwise notes the first difference.
  bool EndedAsRecorded(const RecordedCallback& cb, uint64_t ret);
  // The host's copies of the recorded globals: set from a snapshot, compared with one.
  void SetGlobals(const uint8_t* snapshot);
  // The progressive attempt: the globals the callback has not written, brought to the latest
  // snapshot before seq `before`.
  void Catch(uint64_t before);
  // The first global the host build left differently from the kernel's run of `cb` (its exit
  // snapshot): its name and both values.
  bool GlobalsDiffer(const RecordedCallback& cb, std::string* kernel, std::string* host) const;
  task_struct* TaskFor(const scxtwin_rec_task& snap, bool fresh);
  // The timer the host build started whose callback is the host function named `callback`.
  bpf_timer* TimerFor(const std::string& callback) const;

  const Record& record_;
  host::PolicyInstance* policy_;
  absl::flat_hash_map<std::string, const CallbackSpec*> programs_;
  ReplayOptions options_;
  ReplayResult result_;
  // Host tasks by the kernel task's address (a pid can be reused by a new task, an address only
  // after the task is gone, and init_task comes first).
  absl::flat_hash_map<uint64_t, std::unique_ptr<task_struct>> tasks_;

  const RecordedCallback* cb_ = nullptr;
  size_t cursor_ = 0;
  bool diverged_ = false;
  int32_t cpu_ = 0;
  // The last entries (call -1) and matched calls, rendered only for a divergence.
  struct Event {
    const RecordedCallback* cb;
    int call;
  };
  std::deque<Event> recent_;
  Divergence pending_;
  uint64_t attempt_calls_ = 0;
  bool progressive_ = false;
  const uint8_t* last_set_ = nullptr;  // the snapshot the host's globals were last set from
  // The recorded globals (the header's layout) in the host object: address, snapshot offset, size.
  struct HostGlobal {
    std::string name;
    void* addr;
    uint32_t at;
    uint32_t size;
  };
  std::vector<HostGlobal> globals_;
  absl::flat_hash_map<const void*, const RecordedCallback*> last_looker_;
  absl::flat_hash_set<bpf_timer*> timers_;
  absl::flat_hash_map<std::string, void*> functions_;

 public:
  // Binds the record's globals to the host object's by name; fails naming a missing one.
  absl::Status BindGlobals();

 private:
  void Note(int call);
  std::string Describe(const Event& e) const;
};

// "scx_bpf_dsq_insert(pid 42, 0x0, 5000000, 0)": a recorded call, for reports.
std::string DescribeCall(const scxtwin_rec_call& call);
// The same for what the host build asked.
std::string DescribeHostCall(uint32_t id, std::initializer_list<uint64_t> args,
                             const char* map_name);

}  // namespace scxtwin::twin

#endif  // SCXTWIN_TOOLS_TWIN_REPLAY_ENGINE_H_
