// The record's task snapshot covers every task field the policies' BPF builds read, as their
// CO-RE relocations say; and the reader finds the fields each policy is known to read.
#include "tools/twin/replay_fields.h"

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace scxtwin::twin {
namespace {

std::set<std::string> Read(const std::string& object) {
  absl::StatusOr<std::set<std::string>> fields = TaskFieldsRead(object);
  EXPECT_TRUE(fields.ok()) << fields.status();
  return fields.ok() ? *fields : std::set<std::string>{};
}

void ExpectRecorded(const std::string& object) {
  for (const std::string& f : Read(object)) {
    EXPECT_EQ(RecordedTaskFields().count(f), 1u)
        << object << " reads task_struct." << f << ", which the record's snapshot lacks";
  }
}

TEST(ReplayFieldsTest, PoliciesReadOnlyRecordedFields) {
  ExpectRecorded("policy/homing_bpf.bpf.o");
  ExpectRecorded("policy/vtime_bpf.bpf.o");
  ExpectRecorded("tools/twin/testdata/twin_skew_bpf.bpf.o");
}

TEST(ReplayFieldsTest, FindsWhatEachPolicyReads) {
  std::set<std::string> vtime = Read("policy/vtime_bpf.bpf.o");
  EXPECT_EQ(absl::StrJoin(vtime, ","), "scx.dsq_vtime,scx.slice,scx.weight");
  std::set<std::string> homing = Read("policy/homing_bpf.bpf.o");
  EXPECT_EQ(absl::StrJoin(homing, ","), "cpus_ptr,scx.weight");
}

TEST(ReplayFieldsTest, NamesAFileWithoutBtf) {
  absl::StatusOr<std::set<std::string>> f = TaskFieldsRead("/nonexistent.bpf.o");
  EXPECT_FALSE(f.ok());
}

}  // namespace
}  // namespace scxtwin::twin
