#include "tools/trace2workload/ftrace_reader.h"

#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace scxtwin::trace2workload {
namespace {

std::string TestData(const std::string& name) {
  return absl::StrCat(std::getenv("TEST_SRCDIR"), "/scxtwin/tools/trace2workload/testdata/", name);
}

TEST(ParseFtraceLine, SwitchWithSpacesAndDashesInComms) {
  auto e = ParseFtraceLine(
      " memfd:sealed-91-1531    [001] d..2.   425.082972: sched_switch: prev_comm=Web Content "
      "prev_pid=1531 prev_prio=120 prev_state=R+ ==> next_comm=CPU 0/KVM next_pid=10078 "
      "next_prio=120");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->comm, "memfd:sealed-91");
  EXPECT_EQ(e->pid, 1531);
  EXPECT_EQ(e->cpu, 1);
  EXPECT_EQ(e->ts_ns, 425082972000);
  EXPECT_EQ(e->type, EventType::kSwitch);
  EXPECT_EQ(e->prev_pid, 1531);
  EXPECT_EQ(e->prev_state, "R+");
  EXPECT_EQ(e->next_comm, "CPU 0/KVM");
  EXPECT_EQ(e->next_pid, 10078);
  EXPECT_FALSE(e->in_irq);
}

TEST(ParseFtraceLine, WakeupInIrqContextAndPidFieldNotConfusedWithPrevPid) {
  auto e = ParseFtraceLine(
      "          <idle>-0       [000] dNh2.   425.090731: sched_wakeup: comm=kworker/u8:2 "
      "pid=35 prio=120 target_cpu=000");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->comm, "<idle>");
  EXPECT_EQ(e->pid, 0);
  EXPECT_TRUE(e->in_irq);
  EXPECT_EQ(e->type, EventType::kWakeup);
  EXPECT_EQ(e->target_pid, 35);
  EXPECT_EQ(e->target_comm, "kworker/u8:2");
}

TEST(ParseFtraceLine, SoftirqFlagIsIrqContext) {
  auto e = ParseFtraceLine(
      " qemu-system-x86-10078   [001] dNs3.   425.084049: sched_wakeup: comm=rcu_preempt pid=15 "
      "prio=120 target_cpu=001");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE(e->in_irq);
}

TEST(ParseFtraceLine, TgidColumnNoFlagsAndNanosecondTimestamps) {
  auto e = ParseFtraceLine(
      "  vmm-201   (    200) [003] 7.000000123: sched_process_fork: comm=vmm pid=201 "
      "child_comm=vmm child_pid=202");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->pid, 201);
  EXPECT_EQ(e->cpu, 3);
  EXPECT_EQ(e->ts_ns, 7000000123);
  EXPECT_EQ(e->type, EventType::kFork);
  EXPECT_EQ(e->target_pid, 202);
}

TEST(ParseFtraceLine, ExecAndOtherEvents) {
  auto exec = ParseFtraceLine(
      " qemu-system-x86-10078   [001] .....   425.079327: sched_process_exec: "
      "filename=/usr/bin/qemu-system-x86_64 pid=10078 old_pid=10078");
  ASSERT_TRUE(exec.ok()) << exec.status();
  EXPECT_EQ(exec->type, EventType::kExec);
  EXPECT_EQ(exec->filename, "/usr/bin/qemu-system-x86_64");
  EXPECT_EQ(exec->target_pid, 10078);
  auto migrate = ParseFtraceLine(
      "     migration/0-18      [000] d..3.   425.079159: sched_migrate_task: comm=time "
      "pid=10078 prio=120 orig_cpu=0 dest_cpu=1");
  ASSERT_TRUE(migrate.ok()) << migrate.status();
  EXPECT_EQ(migrate->type, EventType::kOther);
}

TEST(ParseFtraceLine, ErrorsSayWhatWasExpected) {
  auto no_cpu = ParseFtraceLine("bash-1 hello");
  ASSERT_FALSE(no_cpu.ok());
  EXPECT_NE(no_cpu.status().message().find("[CPU]"), std::string::npos) << no_cpu.status();
  auto bad_ts = ParseFtraceLine("bash-1 [000] ..... 12x.5: sched_switch: prev_comm=a");
  ASSERT_FALSE(bad_ts.ok());
  EXPECT_NE(bad_ts.status().message().find("12x.5:"), std::string::npos) << bad_ts.status();
  // Found by //tests/fuzz:ftrace_fuzz: seconds whose nanoseconds overflow int64 (undefined
  // behaviour before) are refused like any other bad timestamp.
  auto huge_ts = ParseFtraceLine(
      "a-1 [000] ..... 4444444444444444441.000000: sched_process_exec: filename=/bin/a pid=1 "
      "old_pid=1");
  ASSERT_FALSE(huge_ts.ok());
  EXPECT_NE(huge_ts.status().message().find("4444444444444444441.000000:"), std::string::npos)
      << huge_ts.status();
  EXPECT_TRUE(ParseFtraceLine("a-1 [000] ..... 9223372035.999999999: sched_process_exec: "
                              "filename=/bin/a pid=1 old_pid=1")
                  .ok());
  auto missing = ParseFtraceLine(
      "bash-1 [000] d..2. 1.000001: sched_switch: prev_comm=bash prev_pid=1 prev_state=S");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("next_comm="), std::string::npos) << missing.status();
}

TEST(ReadFtraceFile, MalformedLineNamesFileAndLine) {
  auto events = ReadFtraceFile(TestData("malformed.trace"));
  ASSERT_FALSE(events.ok());
  EXPECT_NE(events.status().message().find("malformed.trace:3:"), std::string::npos)
      << events.status();
}

TEST(ReadFtraceFile, MissingFileIsNamed) {
  auto events = ReadFtraceFile("/nonexistent/x.trace.gz");
  ASSERT_FALSE(events.ok());
  EXPECT_NE(events.status().message().find("/nonexistent/x.trace.gz"), std::string::npos);
}

TEST(ReadFtraceFile, GzipAndPlainGiveTheSameEvents) {
  std::ifstream in(TestData("tiny_boot.trace"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(text.empty());
  std::string gz = absl::StrCat(std::getenv("TEST_TMPDIR"), "/tiny_boot.trace.gz");
  gzFile f = gzopen(gz.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, text.data(), text.size()), static_cast<int>(text.size()));
  gzclose(f);

  auto plain = ReadFtraceFile(TestData("tiny_boot.trace"));
  auto zipped = ReadFtraceFile(gz);
  ASSERT_TRUE(plain.ok()) << plain.status();
  ASSERT_TRUE(zipped.ok()) << zipped.status();
  ASSERT_EQ(plain->size(), 21u);
  ASSERT_EQ(zipped->size(), plain->size());
  for (size_t i = 0; i < plain->size(); ++i) {
    EXPECT_EQ((*plain)[i].ts_ns, (*zipped)[i].ts_ns);
    EXPECT_EQ((*plain)[i].type, (*zipped)[i].type);
  }
  EXPECT_EQ((*plain)[1].comm, "Web Content");
  EXPECT_EQ((*plain)[1].pid, 300);
}

}  // namespace
}  // namespace scxtwin::trace2workload
