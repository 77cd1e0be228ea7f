// The replay engine against the host builds of the test policy twin_skew, on records built here
// call by call as the BPF build makes them: the plain host build must replay with no
// divergence; each deliberately different build (a branch under __SCXTWIN_HOST__, a knob
// default) and a test double of a kfunc (scx_bpf_now off by one) must be caught at the first
// call where it differs, named with its callback, task, CPU and seq. Also the record reader's
// refusals.
#include "tools/twin/replay_engine.h"

#include <cstring>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tools/twin/replay_record.h"
#include "tools/twin/replay_report.h"

namespace scxtwin::twin {
namespace {

constexpr uint64_t kTaskAddr = 0xff11000012340000ULL;
constexpr int kPid = 10;

// Writes records the way the record build does, with consecutive seqs.
class RecordBuilder {
 public:
  RecordBuilder() {
    header_.magic = SCXTWIN_REC_FILE_MAGIC;
    header_.version = SCXTWIN_REC_VERSION;
    header_.nr_cpus = 2;
    strcpy(header_.policy, "twin_skew");
    header_.layout.nr_globals = 1;
    scxtwin_rec_global& g = header_.layout.globals[0];
    strcpy(g.name, "vtime_now");
    g.size = 8;
  }

  // Enters `name` on `cpu`; `task` is argument 0 when `with_task`.
  void Enter(const char* name, uint32_t cpu, std::vector<uint64_t> args, bool with_task,
             uint64_t dsq_vtime = 0) {
    scxtwin_rec_enter e = {};
    Hdr(&e.hdr, SCXTWIN_REC_ENTER, sizeof(e), 0);
    e.hdr.cpu = cpu;
    cb_ = e.hdr.seq;
    e.hdr.cb_seq = cb_;
    cpu_ = cpu;
    strcpy(e.name, name);
    e.nr_args = args.size();
    for (size_t i = 0; i < args.size(); ++i) e.args[i] = args[i];
    if (with_task) {
      e.args[0] = kTaskAddr;
      scxtwin_rec_task& t = e.task[0];
      t.addr = kTaskAddr;
      t.pid = kPid;
      t.weight = 100;
      t.nr_cpus_allowed = 2;
      t.cpus_mask = 3;
      t.slice = 3000000;
      t.dsq_vtime = dsq_vtime;
      t.has_mm = 1;
      strcpy(t.comm, "worker");
    }
    memcpy(e.globals, &vtime_now_, 8);
    Append(&e, sizeof(e));
  }

  void Call(uint32_t id, std::vector<uint64_t> args, uint64_t ret, const char* map = nullptr,
            std::vector<uint8_t> value = {}) {
    scxtwin_rec_call c = {};
    Hdr(&c.hdr, SCXTWIN_REC_CALL, sizeof(c), id);
    for (size_t i = 0; i < args.size(); ++i) c.args[i] = args[i];
    c.ret = ret;
    if (map != nullptr) strcpy(c.map, map);
    c.value_len = c.value_size = value.size();
    memcpy(c.value, value.data(), value.size());
    Append(&c, sizeof(c));
  }

  void Exit(uint64_t ret, uint64_t dsq_vtime = 0, uint64_t slice = 3000000) {
    scxtwin_rec_exit x = {};
    x.seq_before_globals = seq_;
    Hdr(&x.hdr, SCXTWIN_REC_EXIT, sizeof(x), 0);
    x.ret = ret;
    x.slice[0] = slice;
    x.dsq_vtime[0] = dsq_vtime;
    memcpy(x.globals, &vtime_now_, 8);
    Append(&x, sizeof(x));
  }

  void set_vtime_now(uint64_t v) { vtime_now_ = v; }
  scxtwin_rec_file_header& header() { return header_; }

  std::string Bytes() const {
    scxtwin_rec_file_header h = header_;
    h.records = records_;
    return std::string(reinterpret_cast<const char*>(&h), sizeof(h)) + body_;
  }

 private:
  void Hdr(scxtwin_rec_hdr* h, uint32_t kind, uint32_t size, uint32_t id) {
    h->kind = kind;
    h->size = size;
    h->seq = ++seq_;
    h->cb_seq = cb_;
    h->cpu = cpu_;
    h->id = id;
  }
  void Append(const void* r, size_t n) {
    body_.append(static_cast<const char*>(r), n);
    records_++;
  }

  scxtwin_rec_file_header header_ = {};
  std::string body_;
  uint64_t seq_ = 0, cb_ = 0, records_ = 0;
  uint32_t cpu_ = 0;
  uint64_t vtime_now_ = 0;
};

std::vector<uint8_t> Words(std::vector<uint64_t> words) {
  std::vector<uint8_t> bytes(words.size() * 8);
  memcpy(bytes.data(), words.data(), bytes.size());
  return bytes;
}

// What the BPF build of twin_skew does for one task: created, queued, run for 4 us, stopped.
std::string TwinSkewRecord() {
  RecordBuilder b;
  b.Enter("twin_skew_init", 0, {}, false);
  b.Call(SCXTWIN_KF_scx_bpf_create_dsq, {0, static_cast<uint64_t>(-1)}, 0);
  b.Exit(0);
  b.Enter("twin_skew_init_task", 0, {0, 0xff11000000000100ULL}, true);
  b.Call(SCXTWIN_KF_bpf_task_storage_get, {kPid, 0, 1}, 1, "&task_ctxs", Words({0, 0}));
  b.Exit(0);
  b.Enter("twin_skew_enqueue", 1, {0, 0}, true);
  b.Call(SCXTWIN_KF_bpf_map_lookup_elem, {1}, 1, "&stats", Words({0}));
  b.Call(SCXTWIN_KF_scx_bpf_dsq_insert_vtime, {kPid, 0, 3000000, 0, 0}, 0);
  b.Exit(0);
  b.Enter("twin_skew_dispatch", 1, {1, 0}, false);
  b.Call(SCXTWIN_KF_scx_bpf_dsq_move_to_local, {0}, 1);
  b.Exit(0);
  b.Enter("twin_skew_running", 1, {0}, true);
  b.Call(SCXTWIN_KF_bpf_task_storage_get, {kPid, 0, 0}, 1, "&task_ctxs", Words({0, 0}));
  b.Call(SCXTWIN_KF_scx_bpf_now, {}, 1000);
  b.Exit(0);
  b.Enter("twin_skew_stopping", 1, {0, 1}, true);
  b.Call(SCXTWIN_KF_bpf_task_storage_get, {kPid, 0, 0}, 1, "&task_ctxs", Words({1, 1000}));
  b.Call(SCXTWIN_KF_scx_bpf_now, {}, 5000);
  b.Exit(0, /*dsq_vtime=*/4000);
  // The second enqueue: vtime 4000, and the stats counter the first one left at 1.
  b.Enter("twin_skew_enqueue", 1, {0, 0}, true, /*dsq_vtime=*/4000);
  b.Call(SCXTWIN_KF_bpf_map_lookup_elem, {1}, 1, "&stats", Words({1}));
  b.Call(SCXTWIN_KF_scx_bpf_dsq_insert_vtime, {kPid, 0, 3000000, 4000, 0}, 0);
  b.Exit(0, 4000);
  return b.Bytes();
}

ReplayResult MustReplay(const std::string& bytes, const std::string& host,
                        const ReplayOptions& options = {}) {
  absl::StatusOr<Record> record = ParseRecord(bytes, "test");
  EXPECT_TRUE(record.ok()) << record.status();
  absl::StatusOr<ReplayResult> result = Replay(*record, "tools/twin/testdata/" + host, options);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : ReplayResult{};
}

TEST(ReplayEngineTest, SameBuildReplaysWithoutDivergence) {
  ReplayResult r = MustReplay(TwinSkewRecord(), "twin_skew_host.so");
  EXPECT_EQ(r.callbacks, 7u);
  EXPECT_EQ(r.calls, 11u);
  EXPECT_EQ(r.divergences, 0u) << FormatReplayReport(r);
  EXPECT_EQ(ClosingLine(r),
            "twin replay: twin_skew: 7 callbacks, 11 kfunc calls replayed, 0 divergences");
}

TEST(ReplayEngineTest, BranchUnderHostIsCaughtAtTheInsertion) {
  ReplayResult r = MustReplay(TwinSkewRecord(), "twin_skew_branch_host.so");
  ASSERT_GE(r.divergences, 1u);
  const Divergence& d = r.first[0];
  EXPECT_EQ(d.callback, "twin_skew_enqueue");
  EXPECT_EQ(d.seq, 7u);
  EXPECT_EQ(d.cpu, 1u);
  EXPECT_EQ(d.pid, kPid);
  EXPECT_EQ(d.kernel, "scx_bpf_dsq_insert_vtime(pid 10, 0, 3000000, 0, 0) = 0");
  EXPECT_EQ(d.host, "scx_bpf_dsq_insert_vtime(pid 10, 0, 3000000, 1, 0)");
  ASSERT_FALSE(d.before.empty());
  EXPECT_NE(d.before.back().find("bpf_map_lookup_elem(&stats, 1)"), std::string::npos)
      << d.before.back();
}

TEST(ReplayEngineTest, KnobDefaultDifferenceIsCaughtAtTheFirstUse) {
  ReplayResult r = MustReplay(TwinSkewRecord(), "twin_skew_knob_host.so");
  ASSERT_GE(r.divergences, 1u);
  EXPECT_EQ(r.first[0].callback, "twin_skew_enqueue");
  EXPECT_EQ(r.first[0].host, "scx_bpf_dsq_insert_vtime(pid 10, 0, 3001000, 0, 0)");
}

TEST(ReplayEngineTest, KnobSetForTheRunIsSetOnTheHostToo) {
  // The record run set slice_us=3000 explicitly: the knob host build then matches.
  std::string bytes = TwinSkewRecord();
  ReplayOptions options;
  options.knob_sets = {"slice_us=3000"};
  ReplayResult r = MustReplay(bytes, "twin_skew_knob_host.so", options);
  EXPECT_EQ(r.divergences, 0u) << FormatReplayReport(r);
}

TEST(ReplayEngineTest, OffByOneKfuncTestDoubleIsCaught) {
  ReplayOptions options;
  options.api_hook = [](scxtwin_host_api* api) {
    static u64 (*real_now)(void*);
    real_now = api->now;
    api->now = [](void* sim) -> u64 { return real_now(sim) + 1; };
  };
  ReplayResult r = MustReplay(TwinSkewRecord(), "twin_skew_host.so", options);
  ASSERT_GE(r.divergences, 1u);
  // running stored now()+1 in the task's storage; stopping reads the kernel's value.
  const Divergence& d = r.first[0];
  EXPECT_EQ(d.callback, "twin_skew_stopping");
  EXPECT_EQ(d.kernel, "read task_ctxs of pid 10 = 0100000000000000e803000000000000");
  EXPECT_EQ(d.host,
            "its copy held 0100000000000000e903000000000000 (last looked up by "
            "twin_skew_running seq 14)");
}

TEST(ReplayEngineTest, EveryOtherTableEntryReportsAnUnrecordedCall) {
  // The replay API fills every kfunc_list.inc entry; one the record build does not record (here
  // scx_bpf_cpuperf_cur, reached through a test double of scx_bpf_now) is a divergence.
  ReplayOptions options;
  options.api_hook = [](scxtwin_host_api* api) {
    static scxtwin_host_api table;
    table = *api;
    ASSERT_NE(api->cpuperf_cur, nullptr);
    ASSERT_NE(api->dsq_peek, nullptr);
    ASSERT_NE(api->map_push_elem, nullptr);
    api->now = [](void* sim) -> u64 {
      table.cpuperf_cur(sim, 0);
      return table.now(sim);
    };
  };
  ReplayResult r = MustReplay(TwinSkewRecord(), "twin_skew_host.so", options);
  ASSERT_GE(r.divergences, 1u);
  EXPECT_EQ(r.first[0].callback, "twin_skew_running");
  EXPECT_EQ(r.first[0].kernel, "scx_bpf_now() = 1000");
  EXPECT_EQ(r.first[0].host, "scx_bpf_cpuperf_cur() (a call the record build does not record)");
}

TEST(ReplayEngineTest, MissingCallAndWrongReturnAreDivergences) {
  std::string bytes = TwinSkewRecord();
  absl::StatusOr<Record> record = ParseRecord(bytes, "test");
  ASSERT_TRUE(record.ok());
  // The kernel's dispatch made one more call than the host build will.
  Record more = *record;
  scxtwin_rec_call extra = more.callbacks[3].calls[0];
  extra.hdr.id = SCXTWIN_KF_scx_bpf_kick_cpu;
  extra.args[0] = 1;
  more.callbacks[3].calls.push_back(extra);
  absl::StatusOr<ReplayResult> r1 =
      Replay(more, "tools/twin/testdata/twin_skew_host.so", ReplayOptions{});
  ASSERT_TRUE(r1.ok());
  ASSERT_EQ(r1->divergences, 1u);
  EXPECT_EQ(r1->first[0].callback, "twin_skew_dispatch");
  EXPECT_EQ(r1->first[0].kernel, "scx_bpf_kick_cpu(1, 0) = 1");
  EXPECT_EQ(r1->first[0].host, "no further call (returned 0)");
  // The kernel's init_task returned -ENOMEM.
  Record ret = *record;
  ret.callbacks[1].exit.ret = static_cast<uint64_t>(-12);
  absl::StatusOr<ReplayResult> r2 =
      Replay(ret, "tools/twin/testdata/twin_skew_host.so", ReplayOptions{});
  ASSERT_TRUE(r2.ok());
  ASSERT_EQ(r2->divergences, 1u);
  EXPECT_EQ(r2->first[0].kernel, "returned -12");
  EXPECT_EQ(r2->first[0].host, "returned 0");
}

TEST(ReplayRecordTest, RefusesBadRecords) {
  std::string good = TwinSkewRecord();
  EXPECT_TRUE(ParseRecord(good, "r").ok());

  std::string magic = good;
  magic[0] ^= 1;
  EXPECT_NE(ParseRecord(magic, "r").status().message().find("not a record file"),
            std::string::npos);

  RecordBuilder b;
  b.header().dropped = 3;
  EXPECT_NE(ParseRecord(b.Bytes(), "r").status().message().find("3 records were dropped"),
            std::string::npos);

  std::string cut = good.substr(0, good.size() - 10);
  EXPECT_FALSE(ParseRecord(cut, "r").ok());

  EXPECT_NE(ReadRecord("/nonexistent/rec").status().message().find("cannot open"),
            std::string::npos);
}

}  // namespace
}  // namespace scxtwin::twin
