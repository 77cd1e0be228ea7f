// The loader's record side without a sched_ext kernel: the layout of the policy's globals found
// in the record build's BTF, and the record file's life (header written last, FILE.part renamed
// only when finished, nothing left behind otherwise).
#include "kernel/record_writer.h"

#include <bpf/bpf.h>
#include <linux/types.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
// The skeleton uses the types of exit_info.h and record.h without including them: keep this order.
// clang-format off
#include "policy/include/scxtwin/exit_info.h"
#include "policy/include/scxtwin/record.h"
#include "policy/homing_record_skel.skel.h"
// clang-format on

namespace scxtwin {
namespace {

TEST(RecordLayoutTest, HomingsOwnGlobalIsFoundAndTheRecordsAreNot) {
  homing_record* skel = homing_record__open();
  ASSERT_NE(skel, nullptr);
  scxtwin_rec_layout layout;
  absl::Status s = FillRecordLayout(skel->obj, &layout);
  ASSERT_TRUE(s.ok()) << s;
  // homing has one global of its own, `vtime_now`; exit_info and the record's are left out.
  ASSERT_EQ(layout.nr_globals, 1u);
  EXPECT_STREQ(layout.globals[0].name, "vtime_now");
  EXPECT_EQ(layout.globals[0].section, 0u);  // .bss
  EXPECT_EQ(layout.globals[0].size, 8u);
  EXPECT_EQ(layout.globals[0].at, 0u);
  // It is static (not in the skeleton), after exit_info; the anchors are where the skeleton
  // has them.
  EXPECT_GE(layout.globals[0].offset, reinterpret_cast<char*>(&skel->bss->exit_info + 1) -
                                          reinterpret_cast<char*>(skel->bss));
  EXPECT_EQ(layout.data_anchor, reinterpret_cast<char*>(&skel->data->scxtwin_rec_data_anchor) -
                                    reinterpret_cast<char*>(skel->data));
  EXPECT_EQ(layout.bss_anchor, reinterpret_cast<char*>(&skel->bss->scxtwin_rec_seq) -
                                   reinterpret_cast<char*>(skel->bss));
  homing_record__destroy(skel);
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}

class RecordWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ring_fd_ = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "test_rb", 0, 0, 4096, nullptr);
    if (ring_fd_ < 0) GTEST_SKIP() << "cannot create a BPF ring buffer here (needs root)";
    path_ = std::string(getenv("TEST_TMPDIR")) + "/" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".rec";
  }
  void TearDown() override {
    if (ring_fd_ >= 0) close(ring_fd_);
  }
  int ring_fd_ = -1;
  std::string path_;
};

TEST_F(RecordWriterTest, FinishWritesTheHeaderAndRenames) {
  scxtwin_rec_layout layout = {};
  layout.nr_globals = 1;
  strcpy(layout.globals[0].name, "vtime_now");
  RecordWriter w;
  ASSERT_TRUE(w.Open(path_, "homing", "go_home=0", layout, 4, ring_fd_).ok());
  EXPECT_EQ(access(path_.c_str(), F_OK), -1) << "only FILE.part exists while recording";
  EXPECT_EQ(access((path_ + ".part").c_str(), F_OK), 0);
  ASSERT_TRUE(w.Poll(0).ok());
  ASSERT_TRUE(w.Finish(/*dropped=*/2).ok());
  EXPECT_EQ(access((path_ + ".part").c_str(), F_OK), -1);
  std::string bytes = Slurp(path_);
  ASSERT_EQ(bytes.size(), sizeof(scxtwin_rec_file_header));
  scxtwin_rec_file_header h;
  memcpy(&h, bytes.data(), sizeof(h));
  EXPECT_EQ(h.magic, SCXTWIN_REC_FILE_MAGIC);
  EXPECT_EQ(h.version, static_cast<__u32>(SCXTWIN_REC_VERSION));
  EXPECT_EQ(h.nr_cpus, 4u);
  EXPECT_STREQ(h.policy, "homing");
  EXPECT_STREQ(h.knob_sets, "go_home=0");
  EXPECT_EQ(h.dropped, 2u);
  EXPECT_EQ(h.records, 0u);
  EXPECT_STREQ(h.layout.globals[0].name, "vtime_now");
}

TEST_F(RecordWriterTest, AnUnfinishedRecordLeavesNothing) {
  {
    RecordWriter w;
    ASSERT_TRUE(w.Open(path_, "homing", "", scxtwin_rec_layout{}, 4, ring_fd_).ok());
  }
  EXPECT_EQ(access(path_.c_str(), F_OK), -1);
  EXPECT_EQ(access((path_ + ".part").c_str(), F_OK), -1);
}

TEST_F(RecordWriterTest, BadPathIsNamed) {
  RecordWriter w;
  absl::Status s = w.Open("/nonexistent/dir/rec", "homing", "", scxtwin_rec_layout{}, 4, ring_fd_);
  EXPECT_NE(s.message().find("--record=/nonexistent/dir/rec: cannot write"), std::string::npos)
      << s;
}

}  // namespace
}  // namespace scxtwin
