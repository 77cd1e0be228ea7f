// The replay of a kernel-tree scheduler's host build (scx_simple, compiled from the cached kernel
// tree when the test runs) on records written here as its record build writes them: its
// ops.enable sets the task's vtime through scx_bpf_task_set_dsq_vtime, which the replay serves
// from the record and applies to the host task, so the EXIT record's dsq_vtime is what the host
// build left; a kernel that left another value, or called it with another vtime, is caught.
#include <cstring>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/host/testing/kernel_tree.h"
#include "tools/twin/replay_engine.h"
#include "tools/twin/replay_record.h"
#include "tools/twin/replay_report.h"

namespace scxtwin::twin {
namespace {

constexpr uint64_t kTaskAddr = 0xff11000012340000ULL;
constexpr int kPid = 10;
constexpr uint64_t kVtimeNow = 7000;

// One ops.enable of task kPid on CPU 0 with vtime_now at kVtimeNow: the kernel called
// scx_bpf_task_set_dsq_vtime(p, `set_to`) and the task left it with dsq_vtime `left`.
std::string EnableRecord(uint64_t set_to, uint64_t left) {
  std::string body;
  uint64_t seq = 0;
  auto hdr = [&](scxtwin_rec_hdr* h, uint32_t kind, uint32_t size, uint32_t id) {
    h->kind = kind;
    h->size = size;
    h->seq = ++seq;
    h->cb_seq = 1;
    h->cpu = 0;
    h->id = id;
  };
  scxtwin_rec_enter e = {};
  hdr(&e.hdr, SCXTWIN_REC_ENTER, sizeof(e), 0);
  strcpy(e.name, "simple_enable");
  e.nr_args = 1;
  e.args[0] = kTaskAddr;
  e.task[0].addr = kTaskAddr;
  e.task[0].pid = kPid;
  e.task[0].weight = 100;
  e.task[0].nr_cpus_allowed = 2;
  e.task[0].cpus_mask = 3;
  e.task[0].slice = 20000000;
  e.task[0].has_mm = 1;
  memcpy(e.globals, &kVtimeNow, 8);
  body.append(reinterpret_cast<const char*>(&e), sizeof(e));
  scxtwin_rec_call c = {};
  hdr(&c.hdr, SCXTWIN_REC_CALL, sizeof(c), SCXTWIN_KF_scx_bpf_task_set_dsq_vtime);
  c.args[0] = kPid;
  c.args[1] = set_to;
  body.append(reinterpret_cast<const char*>(&c), sizeof(c));
  scxtwin_rec_exit x = {};
  hdr(&x.hdr, SCXTWIN_REC_EXIT, sizeof(x), 0);
  x.seq_before_globals = seq - 1;
  x.slice[0] = 20000000;
  x.dsq_vtime[0] = left;
  memcpy(x.globals, &kVtimeNow, 8);
  body.append(reinterpret_cast<const char*>(&x), sizeof(x));

  scxtwin_rec_file_header h = {};
  h.magic = SCXTWIN_REC_FILE_MAGIC;
  h.version = SCXTWIN_REC_VERSION;
  h.nr_cpus = 2;
  strcpy(h.policy, "scx_simple");
  h.layout.nr_globals = 1;
  strcpy(h.layout.globals[0].name, "vtime_now");
  h.layout.globals[0].size = 8;
  h.records = 3;
  return std::string(reinterpret_cast<const char*>(&h), sizeof(h)) + body;
}

class ReplayKernelTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> so =
        host::BuildKernelTreePolicy("tools/sched_ext/scx_simple.bpf.c");
    ASSERT_TRUE(so.ok()) << so.status();
    host_ = *so;
  }
  ReplayResult MustReplay(const std::string& bytes) {
    absl::StatusOr<Record> record = ParseRecord(bytes, "test");
    EXPECT_TRUE(record.ok()) << record.status();
    absl::StatusOr<ReplayResult> result = Replay(*record, host_, {});
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : ReplayResult{};
  }
  std::string host_;
};

TEST_F(ReplayKernelTreeTest, SetDsqVtimeIsServedAndAppliedToTheHostTask) {
  ReplayResult r = MustReplay(EnableRecord(kVtimeNow, kVtimeNow));
  EXPECT_EQ(r.callbacks, 1u);
  EXPECT_EQ(r.calls, 1u);
  EXPECT_EQ(r.divergences, 0u) << FormatReplayReport(r);
}

TEST_F(ReplayKernelTreeTest, AnotherVtimeLeftInTheTaskIsCaught) {
  ReplayResult r = MustReplay(EnableRecord(kVtimeNow, kVtimeNow + 1));
  ASSERT_GE(r.divergences, 1u);
  EXPECT_EQ(r.first[0].callback, "simple_enable");
  EXPECT_NE(r.first[0].kernel.find("dsq_vtime at 7001"), std::string::npos) << r.first[0].kernel;
  EXPECT_NE(r.first[0].host.find("left it at 7000"), std::string::npos) << r.first[0].host;
}

TEST_F(ReplayKernelTreeTest, AnotherVtimeSetIsCaughtAtTheCall) {
  ReplayResult r = MustReplay(EnableRecord(kVtimeNow + 5, kVtimeNow + 5));
  ASSERT_GE(r.divergences, 1u);
  EXPECT_EQ(r.first[0].callback, "simple_enable");
  EXPECT_EQ(r.first[0].kernel, "scx_bpf_task_set_dsq_vtime(pid 10, 7005) = 0");
  EXPECT_EQ(r.first[0].host, "scx_bpf_task_set_dsq_vtime(pid 10, 7000)");
}

}  // namespace
}  // namespace scxtwin::twin
