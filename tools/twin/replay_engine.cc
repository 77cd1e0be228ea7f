#include "tools/twin/replay_engine.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace scxtwin::twin {
namespace {

std::string Word(uint64_t w) {
  // Small values (CPUs, flags, -1) read best in decimal, masks and DSQ ids in hex.
  if (static_cast<int64_t>(w) >= -4096 && static_cast<int64_t>(w) < 100000000000LL) {
    return absl::StrCat(static_cast<int64_t>(w));
  }
  return absl::StrFormat("0x%x", w);
}

int ArgCount(uint32_t id) {
  switch (id) {
    case SCXTWIN_KF_scx_bpf_create_dsq:
      return 2;
    case SCXTWIN_KF_scx_bpf_select_cpu_dfl:
      return 3;
    case SCXTWIN_KF_scx_bpf_dsq_insert:
      return 4;
    case SCXTWIN_KF_scx_bpf_dsq_insert_vtime:
      return 5;
    case SCXTWIN_KF_scx_bpf_dsq_move_to_local:
      return 1;
    case SCXTWIN_KF_scx_bpf_dsq_nr_queued:
      return 1;
    case SCXTWIN_KF_scx_bpf_kick_cpu:
      return 2;
    case SCXTWIN_KF_scx_bpf_test_and_clear_cpu_idle:
      return 1;
    case SCXTWIN_KF_scx_bpf_pick_idle_cpu:
      return 2;
    case SCXTWIN_KF_scx_bpf_put_idle_cpumask:
      return 1;
    case SCXTWIN_KF_scx_bpf_task_cpu:
      return 1;
    case SCXTWIN_KF_scx_bpf_error_bstr:
      return 0;
    case SCXTWIN_KF_bpf_map_lookup_elem:
      return 1;
    case SCXTWIN_KF_bpf_map_update_elem:
      return 2;
    case SCXTWIN_KF_bpf_map_delete_elem:
      return 1;
    case SCXTWIN_KF_bpf_task_storage_get:
      return 3;
    case SCXTWIN_KF_bpf_task_storage_delete:
      return 1;
    case SCXTWIN_KF_scx_bpf_task_set_dsq_vtime:
      return 2;
    case SCXTWIN_KF_scx_bpf_task_running:
    case SCXTWIN_KF_bpf_task_from_pid:
    case SCXTWIN_KF_bpf_map_push_elem:
      return 1;
    case SCXTWIN_KF_bpf_timer_start:
      return 2;
    default:
      return 0;
  }
}

// Whether argument 0 of kfunc `id` is a task (recorded as its pid).
bool FirstArgIsTask(uint32_t id) {
  switch (id) {
    case SCXTWIN_KF_scx_bpf_select_cpu_dfl:
    case SCXTWIN_KF_scx_bpf_dsq_insert:
    case SCXTWIN_KF_scx_bpf_dsq_insert_vtime:
    case SCXTWIN_KF_scx_bpf_task_cpu:
    case SCXTWIN_KF_bpf_task_storage_get:
    case SCXTWIN_KF_bpf_task_storage_delete:
    case SCXTWIN_KF_scx_bpf_task_set_dsq_vtime:
    case SCXTWIN_KF_scx_bpf_task_running:
      return true;
    default:
      return false;
  }
}

std::string RecordedMapName(const scxtwin_rec_call& call) {
  std::string name(call.map, strnlen(call.map, sizeof(call.map)));
  if (!name.empty() && name[0] == '&') name.erase(0, 1);
  return name;
}

std::string Args(uint32_t id, const unsigned long long* args, int n, const std::string& map) {
  std::vector<std::string> words;
  if (!map.empty()) words.push_back(absl::StrCat("&", map));
  for (int i = 0; i < n; ++i) {
    words.push_back(i == 0 && FirstArgIsTask(id)
                        ? absl::StrCat("pid ", static_cast<int64_t>(args[i]))
                        : Word(args[i]));
  }
  return absl::StrCat(KfuncName(id), "(", absl::StrJoin(words, ", "), ")");
}

std::string Hex(const uint8_t* bytes, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) absl::StrAppendFormat(&out, "%02x", bytes[i]);
  return out;
}

}  // namespace

std::string DescribeCall(const scxtwin_rec_call& call) {
  int n = ArgCount(call.hdr.id);
  std::string text = Args(call.hdr.id, call.args, n, RecordedMapName(call));
  if (call.hdr.id == SCXTWIN_KF_scx_bpf_error_bstr) {
    absl::StrAppend(
        &text, " \"",
        std::string(reinterpret_cast<const char*>(call.value),
                    strnlen(reinterpret_cast<const char*>(call.value), sizeof(call.value))),
        "\"");
    return text;
  }
  absl::StrAppend(&text, " = ", Word(call.ret));
  if (call.value_len > 0) absl::StrAppend(&text, " [", Hex(call.value, call.value_len), "]");
  return text;
}

std::string DescribeHostCall(uint32_t id, std::initializer_list<uint64_t> args,
                             const char* map_name) {
  std::vector<unsigned long long> words(args.begin(), args.end());
  return Args(id, words.data(), static_cast<int>(words.size()), map_name ? map_name : "");
}

Replayer::Replayer(const Record& record, host::PolicyInstance* policy,
                   absl::flat_hash_map<std::string, const CallbackSpec*> programs,
                   const ReplayOptions& options)
    : record_(record), policy_(policy), programs_(std::move(programs)), options_(options) {
  result_.policy = policy->name();

  result_.interleaved = record.interleaved;
}

void Replayer::Note(int call) {
  recent_.push_back(Event{cb_, call});
  while (recent_.size() > options_.context) recent_.pop_front();
}

std::string Replayer::Describe(const Event& e) const {
  if (e.call >= 0) {
    return absl::StrCat("  seq ", e.cb->calls[e.call].hdr.seq, " cpu ", e.cb->cpu(), ": ",
                        DescribeCall(e.cb->calls[e.call]));
  }
  std::string pid = e.cb->enter.task[0].addr ? absl::StrCat(" pid ", e.cb->enter.task[0].pid) : "";
  return absl::StrCat("  seq ", e.cb->seq(), " cpu ", e.cb->cpu(), ": enter ", e.cb->name(), pid);
}

std::string Replayer::NextKernelCall() const {
  if (cb_ == nullptr || cursor_ >= cb_->calls.size()) return "no further call";
  return DescribeCall(cb_->calls[cursor_]);
}

void Replayer::Diverge(const std::string& kernel, const std::string& host) {
  if (diverged_) return;
  diverged_ = true;
  Divergence d;
  d.callback = cb_->name();
  d.seq = cb_->seq();
  d.cpu = cb_->cpu();
  d.pid = cb_->enter.task[0].addr ? cb_->enter.task[0].pid
                                  : (cb_->enter.task[1].addr ? cb_->enter.task[1].pid : -1);
  d.kernel = kernel;
  d.host = host;
  for (const Event& e : recent_) d.before.push_back(Describe(e));
  d.interleaved = cb_->interleaved;
  pending_ = std::move(d);
}

absl::StatusOr<const host::Global*> HostGlobalFor(const host::PolicyInstance& policy,
                                                  const scxtwin_rec_global& g) {
  std::string name(g.name, strnlen(g.name, sizeof(g.name)));
  absl::StatusOr<const host::Global*> host = policy.FindGlobal(name);
  const bool same =
      host.ok() && ((*host)->size == g.size ||
                    ((*host)->scalar == SCXTWIN_SCALAR_NONE && (*host)->size > g.size));
  if (!same) {
    return absl::FailedPreconditionError(absl::StrCat("the host build of ", policy.name(),
                                                      " has no global '", name, "' of ", g.size,
                                                      " bytes, which the BPF build has"));
  }
  return host;
}

absl::Status Replayer::BindGlobals() {
  const scxtwin_rec_layout& layout = record_.header.layout;
  for (uint32_t i = 0; i < layout.nr_globals; ++i) {
    const scxtwin_rec_global& g = layout.globals[i];
    absl::StatusOr<const host::Global*> host = HostGlobalFor(*policy_, g);
    if (!host.ok()) return host.status();
    globals_.push_back(HostGlobal{(*host)->name, (*host)->addr, g.at, g.size});
  }
  return absl::OkStatus();
}

void Replayer::ValueDiffers(const void* value, const std::string& kernel, const std::string& host) {
  auto it = last_looker_.find(value);
  const RecordedCallback* writer = it == last_looker_.end() ? nullptr : it->second;
  if (writer != nullptr && writer->interleaved) {
    result_.unverified_reads++;
    return;
  }
  std::string by = writer == nullptr ? ""
                                     : absl::StrCat(" (last looked up by ", writer->name(), " seq ",
                                                    writer->seq(), ")");
  Diverge(kernel, host + by);
}

void Replayer::SetGlobals(const uint8_t* snapshot) {
  for (const HostGlobal& g : globals_) memcpy(g.addr, snapshot + g.at, g.size);
  last_set_ = snapshot;
}

void Replayer::Catch(uint64_t before) {
  auto it = std::lower_bound(record_.snapshots.begin(), record_.snapshots.end(), before,
                             [](const Record::Snapshot& s, uint64_t seq) { return s.seq < seq; });
  if (it == record_.snapshots.begin() || last_set_ == nullptr) return;
  const uint8_t* latest = record_.globals(*std::prev(it));
  for (const HostGlobal& g : globals_) {
    // Only what the callback has not written (still the value last set).
    if (memcmp(g.addr, last_set_ + g.at, g.size) == 0) memcpy(g.addr, latest + g.at, g.size);
  }
  last_set_ = latest;
}

bool Replayer::GlobalsDiffer(const RecordedCallback& cb, std::string* kernel_text,
                             std::string* host_text) const {
  // The snapshot after this callback's exit (whoever took it next), to tell a lasting write
  // from a transient value.
  auto next = std::upper_bound(record_.snapshots.begin(), record_.snapshots.end(), cb.exit.hdr.seq,
                               [](uint64_t seq, const Record::Snapshot& s) { return seq < s.seq; });
  for (const HostGlobal& g : globals_) {
    const uint8_t* exit = cb.exit.globals + g.at;
    if (memcmp(g.addr, exit, g.size) == 0) continue;
    bool host_wrote = memcmp(g.addr, cb.enter.globals + g.at, g.size) != 0;
    // The kernel's value changed though the host's did not: a write the host build did not make
    // if it lasts; if the next snapshot no longer has it, another CPU's transient store.
    if (!host_wrote && (next == record_.snapshots.end() ||
                        memcmp(record_.globals(*next) + g.at, exit, g.size) != 0)) {
      continue;
    }
    uint64_t kernel = 0, host = 0;
    memcpy(&kernel, exit, g.size < 8 ? g.size : 8);
    memcpy(&host, g.addr, g.size < 8 ? g.size : 8);
    *kernel_text = absl::StrCat("left global ", g.name, " = ", Word(kernel));
    *host_text = absl::StrCat("left it ", Word(host));
    return true;
  }
  return false;
}

const scxtwin_rec_call* Replayer::Expect(uint32_t id, std::initializer_list<uint64_t> args,
                                         const char* map_name, const std::string& host_detail) {
  if (diverged_) return nullptr;
  auto host = [&] { return DescribeHostCall(id, args, map_name) + host_detail; };
  if (cursor_ >= cb_->calls.size()) {
    Diverge("no further call", host());
    return nullptr;
  }
  const scxtwin_rec_call& c = cb_->calls[cursor_];
  bool same = c.hdr.id == id;
  size_t i = 0;
  for (uint64_t a : args) same = same && c.args[i++] == a;
  if (map_name != nullptr) same = same && RecordedMapName(c) == map_name;
  if (!same) {
    Diverge(DescribeCall(c), host());
    return nullptr;
  }
  Note(static_cast<int>(cursor_));
  cursor_++;
  attempt_calls_++;
  if (progressive_)
    Catch(cursor_ < cb_->calls.size() ? cb_->calls[cursor_].hdr.seq : cb_->exit.hdr.seq);
  return &c;
}

namespace {

// The fields a full task snapshot and a brief one both carry, written the same way for both.
template <typename Snapshot>
void WriteCommonTaskFields(task_struct* p, const Snapshot& s) {
  static char mm_stand_in;  // p->mm is only ever compared with NULL
  p->pid = s.pid;
  p->tgid = s.tgid;
  p->flags = s.flags;
  p->scx.flags = s.scx_flags;
  p->scx.weight = s.weight;
  p->nr_cpus_allowed = s.nr_cpus_allowed;
  p->scx.slice = s.slice;
  p->scx.dsq_vtime = s.dsq_vtime;
  memset(&p->cpus_mask, 0, sizeof(p->cpus_mask));
  p->cpus_mask.bits[0] = s.cpus_mask;
  p->cpus_ptr = &p->cpus_mask;
  p->migration_disabled = static_cast<unsigned short>(s.migration_disabled);
  p->mm = s.has_mm ? reinterpret_cast<mm_struct*>(&mm_stand_in) : nullptr;
}

}  // namespace

task_struct* Replayer::TaskFor(const scxtwin_rec_task& snap, bool fresh) {
  std::unique_ptr<task_struct>& t = tasks_[snap.addr];
  if (t != nullptr && fresh) {
    policy_->ForgetTask(t.get());
    t = nullptr;
  }
  if (t == nullptr) {
    t = std::make_unique<task_struct>();
    memset(t.get(), 0, sizeof(task_struct));
  }
  task_struct* p = t.get();
  WriteCommonTaskFields(p, snap);
  p->prio = snap.prio;
  p->static_prio = snap.static_prio;
  p->normal_prio = snap.normal_prio;
  p->policy = snap.policy;
  static_assert(sizeof(p->comm) == sizeof(snap.comm), "comm sizes");
  memcpy(p->comm, snap.comm, sizeof(p->comm));
  return p;
}

task_struct* Replayer::TaskFromBrief(const scxtwin_rec_task_brief& b) {
  std::unique_ptr<task_struct>& t = tasks_[b.addr];
  if (t == nullptr) {
    t = std::make_unique<task_struct>();
    memset(t.get(), 0, sizeof(task_struct));
  }
  task_struct* p = t.get();
  WriteCommonTaskFields(p, b);
  return p;
}

bpf_timer* Replayer::TimerFor(const std::string& callback) const {
  auto fn = functions_.find(callback);
  if (fn == functions_.end()) return nullptr;
  for (bpf_timer* t : timers_) {
    if (t->callback == fn->second) return t;
  }
  return nullptr;
}

void Replayer::RunCallback(const RecordedCallback& cb) {
  const std::deque<Event> recent = recent_;
  SetGlobals(cb.enter.globals);
  bool matched = Attempt(cb);
  if (!matched && cb.interleaved) {
    const Divergence first = pending_;
    auto it = std::upper_bound(record_.snapshots.begin(), record_.snapshots.end(), cb.seq(),
                               [](uint64_t seq, const Record::Snapshot& s) { return seq < s.seq; });
    for (; it != record_.snapshots.end() && it->seq < cb.exit.hdr.seq; ++it) {
      SetGlobals(record_.globals(*it));
      recent_ = recent;
      if (Attempt(cb)) {
        result_.reordered++;
        matched = true;
        break;
      }
    }
    if (!matched) {
      // A callback that reads globals other CPUs write while it runs (scx_central's timer reads
      // each CPU's cpu_started_at in turn) may have seen none of the snapshots whole: run it
      // once more with the globals it has not written itself brought up, after each of its
      // calls, to the latest snapshot before its next call (what a plain read there could see).
      SetGlobals(cb.enter.globals);
      recent_ = recent;
      progressive_ = true;
      if (Attempt(cb)) {
        result_.reordered++;
        matched = true;
      }
      progressive_ = false;
    }
    if (!matched) pending_ = first;
  }
  // A late exit snapshot (another CPU took records while it was read) may hold others' writes.
  const bool exit_late = cb.exit.seq_before_globals + 1 != cb.exit.hdr.seq;
  if (matched && !cb.interleaved && !exit_late) {
    // What it wrote to the globals must be what the kernel's run wrote. (With other CPUs in its
    // span, the kernel's exit snapshot may hold their writes too: not compared.)
    std::string kernel, host;
    if (GlobalsDiffer(cb, &kernel, &host)) {
      Diverge(kernel, host);
      matched = false;
    }
  }
  result_.callbacks++;
  result_.calls += attempt_calls_;
  if (!matched) {
    result_.divergences++;
    if (result_.first.size() < options_.max_reported) result_.first.push_back(pending_);
  }
}

bool Replayer::EndedAsRecorded(const RecordedCallback& cb, uint64_t ret) {
  if (diverged_) return false;
  if (cursor_ < cb.calls.size()) {
    Diverge(DescribeCall(cb.calls[cursor_]),
            absl::StrCat("no further call (returned ", Word(ret), ")"));
    return false;
  }
  if (ret != cb.exit.ret) {
    Diverge(absl::StrCat("returned ", Word(cb.exit.ret)), absl::StrCat("returned ", Word(ret)));
    return false;
  }
  return true;
}

bool Replayer::Attempt(const RecordedCallback& cb) {
  cb_ = &cb;
  cursor_ = 0;
  diverged_ = false;
  attempt_calls_ = 0;
  cpu_ = static_cast<int32_t>(cb.cpu());
  Note(-1);
  if (cb.enter.hdr.id == SCXTWIN_REC_CB_TIMER) {
    // The host build's own timer with this callback (the one bpf_timer_start was given), fired
    // as the simulator fires it.
    bpf_timer* timer = TimerFor(cb.name());
    if (timer == nullptr) {
      Diverge(absl::StrCat("timer callback ", cb.name(), " fired"),
              "started no timer with that callback");
      return false;
    }
    return EndedAsRecorded(cb,
                           static_cast<uint64_t>(static_cast<int64_t>(scxtwin_timer_fire(timer))));
  }
  const CallbackSpec* spec = programs_.at(cb.name());

  task_struct* tasks[SCXTWIN_REC_TASKS] = {nullptr, nullptr};
  for (int i = 0; i < SCXTWIN_REC_TASKS; ++i) {
    if (!(spec->task_args & (1u << i)) || cb.enter.args[i] == 0) continue;
    const scxtwin_rec_task& snap = cb.enter.task[i];
    if (snap.addr != cb.enter.args[i]) {
      Diverge(absl::StrCat("argument ", i, " is a task the record holds no state of"), "(not run)");
      return false;
    }
    bool fresh = i == 0 && strcmp(spec->member, "init_task") == 0;
    tasks[i] = TaskFor(snap, fresh);
  }
  if (!EndedAsRecorded(cb, spec->invoke(*policy_->ops(), cb.enter.args, tasks))) return false;
  for (int i = 0; i < SCXTWIN_REC_TASKS; ++i) {
    if (tasks[i] == nullptr) continue;
    // With other CPUs in its span, the kernel may have written the task's fields itself (a
    // preempting kick from another CPU zeroes the running task's slice): a field the host build
    // left as it found it is not compared then.
    if (cb.interleaved && tasks[i]->scx.slice == cb.enter.task[i].slice &&
        tasks[i]->scx.dsq_vtime == cb.enter.task[i].dsq_vtime) {
      continue;
    }
    if (tasks[i]->scx.slice != cb.exit.slice[i]) {
      Diverge(absl::StrCat("left pid ", tasks[i]->pid, "'s scx.slice at ", cb.exit.slice[i]),
              absl::StrCat("left it at ", tasks[i]->scx.slice));
      return false;
    }
    if (tasks[i]->scx.dsq_vtime != cb.exit.dsq_vtime[i]) {
      Diverge(
          absl::StrCat("left pid ", tasks[i]->pid, "'s scx.dsq_vtime at ", cb.exit.dsq_vtime[i]),
          absl::StrCat("left it at ", tasks[i]->scx.dsq_vtime));
      return false;
    }
  }
  return true;
}

ReplayResult Replayer::Run() {
  for (const RecordedCallback& cb : record_.callbacks) {
    const bool timer = cb.enter.hdr.id == SCXTWIN_REC_CB_TIMER;
    auto it = programs_.find(cb.name());
    if ((!timer && it == programs_.end()) || !cb.has_exit) {
      result_.not_replayed[cb.has_exit ? cb.name() : cb.name() + " (no exit record)"]++;
      continue;
    }
    RunCallback(cb);
  }
  cb_ = nullptr;
  return std::move(result_);
}

absl::StatusOr<ReplayResult> Replay(const Record& record, const std::string& host_so,
                                    const ReplayOptions& options) {
  host::LoadOptions load;
  load.nr_cpus = static_cast<int>(record.header.nr_cpus);
  absl::StatusOr<std::unique_ptr<host::PolicyInstance>> policy =
      host::PolicyInstance::Load(host_so, load);
  if (!policy.ok()) return policy.status();
  for (const std::string& set : options.knob_sets) {
    std::pair<std::string, std::string> kv = absl::StrSplit(set, absl::MaxSplits('=', 1));
    if (absl::Status s = (*policy)->SetKnob(kv.first, kv.second); !s.ok()) return s;
  }
  absl::StatusOr<absl::flat_hash_map<std::string, const CallbackSpec*>> programs =
      CallbackPrograms(**policy);
  if (!programs.ok()) return programs.status();
  absl::StatusOr<absl::flat_hash_map<std::string, void*>> functions = HostFunctions(**policy);
  if (!functions.ok()) return functions.status();
  Replayer replayer(record, policy->get(), *std::move(programs), options);
  replayer.set_functions(*std::move(functions));
  if (absl::Status s = replayer.BindGlobals(); !s.ok()) return s;
  scxtwin_host_api api = MakeReplayApi(&replayer, &(*policy)->maps());
  if (options.api_hook) options.api_hook(&api);
  (*policy)->InstallApiWithOwnMapEntries(api);
  return replayer.Run();
}

}  // namespace scxtwin::twin
