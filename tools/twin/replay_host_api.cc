// The replay's host API: each slot the host build reaches for a recorded kfunc or helper takes
// the next recorded call of the running callback, checks it is the same call with the same
// argument words (replay_engine.h), and returns the kernel's result; outputs (DSQ insertions,
// kicks, errors, map writes) are compared the same way. Every other entry of the host API
// (kfunc_list.inc, map_helper_list.inc: the one table the simulator's entries come from too) is
// generated from that table and reports the call as one the record build does not record. The kfuncs change nothing in the task
// during the callback (the kernel applies an insertion's slice later), so neither do these.
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "sim/host/maps.h"
#include "tools/twin/replay_engine.h"

namespace scxtwin::twin {
namespace {

Replayer* R(void* sim) { return static_cast<Replayer*>(sim); }

static_assert(sizeof(scxtwin_rec_task_brief) <= SCXTWIN_REC_VALUE_LEN,
              "bpf_task_from_pid's task must fit a CALL record's value");

uint64_t Pid(const task_struct* p) {
  return p ? static_cast<uint64_t>(static_cast<int64_t>(p->pid)) : 0;
}
uint64_t MaskWord(const cpumask* m) { return m ? m->bits[0] : 0; }
uint64_t S(int64_t v) { return static_cast<uint64_t>(v); }

uint64_t KeyWord(const host::HostMap& m, const void* key) {
  uint64_t w = 0;
  if (key != nullptr) memcpy(&w, key, m.def().key_size < 8 ? m.def().key_size : 8);
  return w;
}

std::string Hex(const void* p, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    absl::StrAppend(&out, absl::Hex(static_cast<const uint8_t*>(p)[i], absl::kZeroPad2));
  }
  return out;
}

// The value the kernel read must be the one the host build left there: a difference means an
// earlier callback wrote it differently. Then the host's copy takes the kernel's value, so one
// difference is reported once.
void CheckAndSync(Replayer* r, const scxtwin_rec_call& c, void* value, const std::string& what) {
  if (memcmp(value, c.value, c.value_len) != 0) {
    r->ValueDiffers(value, absl::StrCat("read ", what, " = ", Hex(c.value, c.value_len)),
                    absl::StrCat("its copy held ", Hex(value, c.value_len)));
  }
  memcpy(value, c.value, c.value_len);
  r->LookedUp(value);
}

// When the callback already diverged, slots act like the host's own runtime would, neutrally.
#define EXPECT_OR(dflt, id, ...)                                              \
  const scxtwin_rec_call* c = R(sim)->Expect(SCXTWIN_KF_##id, {__VA_ARGS__}); \
  if (c == nullptr) return dflt

// Every recorded kfunc and helper (record.h) must be one the host API table offers.
constexpr bool SameName(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) ++a, ++b;
  return *a == *b;
}
constexpr const char* kTableNames[] = {
#define SCXTWIN_KFUNC(type, entry, params, args, forwarder, dflt, kfunc, ...) #kfunc,
#define SCXTWIN_KFUNC_VOID(entry, params, args, forwarder, kfunc, ...) #kfunc,
#include "scxtwin/kfunc_list.inc"
#undef SCXTWIN_KFUNC
#undef SCXTWIN_KFUNC_VOID
#define SCXTWIN_MAP_HELPER(type, entry, params, args, forwarder, dflt, helper, ...) #helper,
#include "scxtwin/map_helper_list.inc"
#undef SCXTWIN_MAP_HELPER
};
constexpr bool InTable(const char* name) {
  for (const char* n : kTableNames) {
    if (SameName(n, name)) return true;
  }
  return false;
}
#define SCXTWIN_CHECK_RECORDED(name, number) \
  static_assert(InTable(#name),              \
                #name " is recorded but is no kfunc_list.inc/map_helper_list.inc row");
SCXTWIN_REC_KFUNCS(SCXTWIN_CHECK_RECORDED)
#undef SCXTWIN_CHECK_RECORDED

void Unrecorded(void* sim, const char* name) {
  R(sim)->Diverge(R(sim)->NextKernelCall(),
                  absl::StrCat(name, "() (a call the record build does not record)"));
}

}  // namespace

scxtwin_host_api MakeReplayApi(Replayer* replayer, host::HostMaps* maps) {
  scxtwin_host_api api = {};
  api.sim = replayer;

  api.create_dsq = [](void* sim, u64 dsq_id, s32 node) -> s32 {
    EXPECT_OR(-22, scx_bpf_create_dsq, dsq_id, S(node));
    return static_cast<s32>(c->ret);
  };
  api.dsq_insert = [](void* sim, task_struct* p, u64 dsq_id, u64 slice, u64 enq_flags) {
    EXPECT_OR(, scx_bpf_dsq_insert, Pid(p), dsq_id, slice, enq_flags);
  };
  api.dsq_insert_vtime = [](void* sim, task_struct* p, u64 dsq_id, u64 slice, u64 vtime,
                            u64 enq_flags) {
    EXPECT_OR(, scx_bpf_dsq_insert_vtime, Pid(p), dsq_id, slice, vtime, enq_flags);
  };
  api.dsq_move_to_local = [](void* sim, u64 dsq_id, u64 enq_flags) -> bool {
    EXPECT_OR(false, scx_bpf_dsq_move_to_local, dsq_id);
    return c->ret != 0;
  };
  // The one recorded kfunc that writes the task during the callback (the kernel tree's
  // schedulers call it; the EXIT record's dsq_vtime is compared against what it left).
  api.task_set_dsq_vtime = [](void* sim, task_struct* p, u64 vtime) {
    EXPECT_OR(, scx_bpf_task_set_dsq_vtime, Pid(p), vtime);
    if (p != nullptr) p->scx.dsq_vtime = vtime;
  };
  api.dsq_nr_queued = [](void* sim, u64 dsq_id) -> s32 {
    EXPECT_OR(0, scx_bpf_dsq_nr_queued, dsq_id);
    return static_cast<s32>(c->ret);
  };
  api.select_cpu_dfl = [](void* sim, task_struct* p, s32 prev_cpu, u64 wake_flags,
                          bool* is_idle) -> s32 {
    EXPECT_OR(prev_cpu, scx_bpf_select_cpu_dfl, Pid(p), S(prev_cpu), wake_flags);
    if (is_idle != nullptr) *is_idle = c->value[0] != 0;
    return static_cast<s32>(c->ret);
  };
  api.test_and_clear_cpu_idle = [](void* sim, s32 cpu) -> bool {
    EXPECT_OR(false, scx_bpf_test_and_clear_cpu_idle, S(cpu));
    return c->ret != 0;
  };
  api.pick_idle_cpu = [](void* sim, const cpumask* cpus_allowed, int node, u64 flags) -> s32 {
    EXPECT_OR(-16, scx_bpf_pick_idle_cpu, MaskWord(cpus_allowed), flags);
    return static_cast<s32>(c->ret);
  };
  api.get_idle_cpumask = [](void* sim, int node) -> const cpumask* {
    static thread_local cpumask served;
    EXPECT_OR(nullptr, scx_bpf_get_idle_cpumask);
    if (!c->ret) return nullptr;
    memset(&served, 0, sizeof(served));
    memcpy(&served.bits[0], c->value, sizeof(served.bits[0]));
    return &served;
  };
  api.put_idle_cpumask = [](void* sim, const cpumask* mask) {
    EXPECT_OR(, scx_bpf_put_idle_cpumask, MaskWord(mask));
  };
  api.kick_cpu = [](void* sim, s32 cpu, u64 flags) {
    EXPECT_OR(, scx_bpf_kick_cpu, S(cpu), flags);
  };
  // Not recorded (a constant the host runtime also asks for itself): the recording machine's.
  api.nr_cpu_ids = [](void* sim) -> u32 { return R(sim)->nr_cpus(); };
  api.now = [](void* sim) -> u64 {
    EXPECT_OR(0, scx_bpf_now);
    return c->ret;
  };
  api.ktime_get_ns = [](void* sim) -> u64 {
    EXPECT_OR(0, bpf_ktime_get_ns);
    return c->ret;
  };
  api.prandom_u32 = [](void* sim) -> u32 {
    EXPECT_OR(0, bpf_get_prandom_u32);
    return static_cast<u32>(c->ret);
  };
  api.smp_processor_id = [](void* sim) -> s32 { return R(sim)->cpu(); };
  api.task_cpu = [](void* sim, const task_struct* p) -> s32 {
    EXPECT_OR(0, scx_bpf_task_cpu, Pid(p));
    return static_cast<s32>(c->ret);
  };
  api.dispatch_nr_slots = [](void* sim) -> u32 {
    EXPECT_OR(0, scx_bpf_dispatch_nr_slots);
    return static_cast<u32>(c->ret);
  };
  api.task_running = [](void* sim, const task_struct* p) -> bool {
    EXPECT_OR(false, scx_bpf_task_running, Pid(p));
    return c->ret != 0;
  };
  // The task in the state the kernel's had when it was looked up (bpf_task_release is the host
  // runtime's own no-op, not a call of this API, so it is not compared).
  api.task_from_pid = [](void* sim, s32 pid) -> task_struct* {
    EXPECT_OR(nullptr, bpf_task_from_pid, S(pid));
    if (!c->ret) return nullptr;
    scxtwin_rec_task_brief brief;
    memcpy(&brief, c->value, sizeof(brief));
    return R(sim)->TaskFromBrief(brief);
  };
  // The timer itself is the host's (a map value): its delay and flags are compared, and a
  // recorded firing of its callback fires it.
  api.timer_start = [](void* sim, bpf_timer* timer, u64 nsecs, u64 flags) -> long {
    R(sim)->TimerStarted(timer);
    EXPECT_OR(-22, bpf_timer_start, nsecs, flags);
    return static_cast<long>(c->ret);
  };
  api.error = [](void* sim, const char* msg) {
    R(sim)->Expect(SCXTWIN_KF_scx_bpf_error_bstr, {}, nullptr, absl::StrCat(" \"", msg, "\""));
  };
  api.exit = [](void* sim, s64 code, const char* msg) {
    // The record build does not record scx_bpf_exit_bstr: the project's policies never call it.
    R(sim)->Diverge(R(sim)->NextKernelCall(),
                    absl::StrCat("scx_bpf_exit(", code, ", \"", msg, "\") (not recorded)"));
  };

  // Maps: the map calls are checked like kfuncs; the values go through the host's own maps.
  api.maps = replayer;
  api.map_lookup_elem = [](void* sim, void* map, const void* key) -> void* {
    host::HostMap* m = host::HostMaps::Of(map);
    const scxtwin_rec_call* c =
        R(sim)->Expect(SCXTWIN_KF_bpf_map_lookup_elem, {KeyWord(*m, key)}, m->name().c_str());
    void* v = m->Lookup(key);
    if (c == nullptr) return v;
    std::string what = absl::StrCat(m->name(), "[", KeyWord(*m, key), "]");
    if (!c->ret) {
      if (v != nullptr) R(sim)->Diverge(absl::StrCat("found no ", what), "its map had it");
      return nullptr;
    }
    if (v == nullptr) {
      R(sim)->Diverge(absl::StrCat("found ", what), "its map did not have it");
      return nullptr;
    }
    // A value whose layout differs between the builds is not compared: a struct bpf_timer is
    // 16 opaque bytes (a kernel pointer) in the kernel and the host runtime's own struct here.
    if (c->value_size != m->def().value_size) return v;
    CheckAndSync(R(sim), *c, v, what);
    return v;
  };
  // Queue and stack maps: what is pushed is compared, what is popped is served from the record
  // (the queue is kernel state, filled by callbacks of every CPU in the kernel's order; the
  // host's own queue is not used).
  api.map_push_elem = [](void* sim, void* map, const void* value, u64 flags) -> long {
    host::HostMap* m = host::HostMaps::Of(map);
    const scxtwin_rec_call* c =
        R(sim)->Expect(SCXTWIN_KF_bpf_map_push_elem, {flags}, m->name().c_str());
    if (c == nullptr) return -EINVAL;
    if (memcmp(value, c->value, c->value_len) != 0) {
      R(sim)->Diverge(absl::StrCat("pushed ", Hex(c->value, c->value_len), " to ", m->name()),
                      absl::StrCat("pushed ", Hex(value, c->value_len)));
    }
    return static_cast<long>(c->ret);
  };
  api.map_pop_elem = [](void* sim, void* map, void* value) -> long {
    host::HostMap* m = host::HostMaps::Of(map);
    const scxtwin_rec_call* c = R(sim)->Expect(SCXTWIN_KF_bpf_map_pop_elem, {}, m->name().c_str());
    if (c == nullptr) return -ENOENT;
    if (c->ret == 0) memcpy(value, c->value, c->value_len);
    return static_cast<long>(c->ret);
  };
  api.map_update_elem = [](void* sim, void* map, const void* key, const void* value,
                           u64 flags) -> long {
    host::HostMap* m = host::HostMaps::Of(map);
    const scxtwin_rec_call* c = R(sim)->Expect(SCXTWIN_KF_bpf_map_update_elem,
                                               {KeyWord(*m, key), flags}, m->name().c_str());
    long ret = m->Update(key, value, flags);
    if (c == nullptr) return ret;
    if (memcmp(value, c->value, c->value_len) != 0) {
      R(sim)->Diverge(absl::StrCat("wrote ", m->name(), "[", KeyWord(*m, key),
                                   "] = ", Hex(c->value, c->value_len)),
                      absl::StrCat("wrote ", Hex(value, c->value_len)));
    }
    return static_cast<long>(c->ret);
  };
  api.map_delete_elem = [](void* sim, void* map, const void* key) -> long {
    host::HostMap* m = host::HostMaps::Of(map);
    const scxtwin_rec_call* c =
        R(sim)->Expect(SCXTWIN_KF_bpf_map_delete_elem, {KeyWord(*m, key)}, m->name().c_str());
    long ret = m->Delete(key);
    return c == nullptr ? ret : static_cast<long>(c->ret);
  };
  api.task_storage_get = [](void* sim, void* map, task_struct* task, void* value,
                            u64 flags) -> void* {
    host::HostMap* m = host::HostMaps::Of(map);
    const scxtwin_rec_call* c =
        R(sim)->Expect(SCXTWIN_KF_bpf_task_storage_get,
                       {Pid(task), value != nullptr ? 1u : 0u, flags}, m->name().c_str());
    if (c == nullptr) return m->TaskStorageGet(task, value, flags);
    void* v = m->TaskStorageGet(task, nullptr, 0);
    std::string what = absl::StrCat(m->name(), " of pid ", task->pid);
    if (!c->ret) {
      if (v != nullptr) R(sim)->Diverge(absl::StrCat("found no ", what), "it had one");
      return nullptr;
    }
    if (v == nullptr) {
      if (!(flags & BPF_LOCAL_STORAGE_GET_F_CREATE)) {
        R(sim)->Diverge(absl::StrCat("found ", what), "it had none");
      }
      v = m->TaskStorageGet(task, value, flags | BPF_LOCAL_STORAGE_GET_F_CREATE);
      if (v == nullptr) return nullptr;
    }
    CheckAndSync(R(sim), *c, v, what);
    return v;
  };
  api.task_storage_delete = [](void* sim, void* map, task_struct* task) -> long {
    host::HostMap* m = host::HostMaps::Of(map);
    const scxtwin_rec_call* c =
        R(sim)->Expect(SCXTWIN_KF_bpf_task_storage_delete, {Pid(task)}, m->name().c_str());
    long ret = m->TaskStorageDelete(task);
    return c == nullptr ? ret : static_cast<long>(c->ret);
  };
  // bpf_timer_init finds a timer's element through the host's own maps (bpf_timer_init and
  // bpf_timer_set_callback are the host runtime's own, not calls of this API).
  scxtwin_host_api own = {};
  maps->FillApi(&own);
  api.map_elem_of = own.map_elem_of;
  // The rest of the table: calls the record build does not record.
#define SCXTWIN_KFUNC(type, entry, params, args, forwarder, dflt, kfunc, ...) \
  if (api.entry == nullptr) {                                                 \
    api.entry = [] SCXTWIN_WITH_CONTEXT(void* sim, params) -> type {          \
      Unrecorded(sim, #kfunc);                                                \
      return dflt;                                                            \
    };                                                                        \
  }
#define SCXTWIN_KFUNC_VOID(entry, params, args, forwarder, kfunc, ...)                   \
  if (api.entry == nullptr) {                                                            \
    api.entry = [] SCXTWIN_WITH_CONTEXT(void* sim, params) { Unrecorded(sim, #kfunc); }; \
  }
#include "scxtwin/kfunc_list.inc"
#undef SCXTWIN_KFUNC
#undef SCXTWIN_KFUNC_VOID
#define SCXTWIN_MAP_HELPER(type, entry, params, args, forwarder, dflt, helper, ...) \
  if (api.entry == nullptr) {                                                       \
    api.entry = [] SCXTWIN_WITH_CONTEXT(void* sim, params) -> type {                \
      Unrecorded(sim, #helper);                                                     \
      return dflt;                                                                  \
    };                                                                              \
  }
#include "scxtwin/map_helper_list.inc"
#undef SCXTWIN_MAP_HELPER
  return api;
}

}  // namespace scxtwin::twin
