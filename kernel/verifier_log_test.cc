#include "kernel/verifier_log.h"

#include "gtest/gtest.h"

namespace scxtwin {
namespace {

// The shape of libbpf 1.1's messages around a rejection on a 6.x kernel.
const char kClassicLog[] =
    "libbpf: loading object 'demo'\n"
    "libbpf: prog 'demo_enqueue': BPF program load failed: Permission denied\n"
    "libbpf: prog 'demo_enqueue': -- BEGIN PROG LOAD LOG --\n"
    "0: R1=ctx() R10=fp0\n"
    "8: (85) call bpf_map_lookup_elem#1\n"
    "9: (79) r1 = *(u64 *)(r0 +0)\n"
    "R0 invalid mem access 'map_value_or_null'\n"
    "processed 9 insns (limit 1000000) max_states_per_insn 0\n"
    "-- END PROG LOAD LOG --\n"
    "libbpf: failed to load object 'demo'\n";

// Kernel 7.x appends an explanation after a blank line.
const char kExplainedLog[] =
    "libbpf: prog 'other_dispatch': -- BEGIN PROG LOAD LOG --\n"
    "9: (79) r1 = *(u64 *)(r0 +0)\n"
    "R0 invalid mem access 'map_value_or_null'\n"
    "\n"
    "Verification failed: Register Type Safety: Invalid dereference\n"
    "\n"
    "Suggestion:\n"
    "  Add a NULL check before the access.\n"
    "\n"
    "processed 9 insns (limit 1000000)\n"
    "-- END PROG LOAD LOG --\n";

TEST(SummarizeVerifierLog, FindsProgramAndErrorLine) {
  VerifierRejection r = SummarizeVerifierLog(kClassicLog, 2);
  EXPECT_EQ(r.program, "demo_enqueue");
  EXPECT_EQ(r.error, "R0 invalid mem access 'map_value_or_null'");
  EXPECT_EQ(r.tail, (std::vector<std::string>{"9: (79) r1 = *(u64 *)(r0 +0)",
                                              "R0 invalid mem access 'map_value_or_null'"}));
}

TEST(SummarizeVerifierLog, StopsBeforeTheExplanationOfNewerKernels) {
  VerifierRejection r = SummarizeVerifierLog(kExplainedLog, 10);
  EXPECT_EQ(r.program, "other_dispatch");
  EXPECT_EQ(r.error, "R0 invalid mem access 'map_value_or_null'");
  EXPECT_EQ(r.tail.size(), 2u);
}

TEST(SummarizeVerifierLog, EmptyWithoutALoadLog) {
  VerifierRejection r = SummarizeVerifierLog("libbpf: failed to open: -2\n", 5);
  EXPECT_EQ(r.program, "");
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.tail.empty());
}

}  // namespace
}  // namespace scxtwin
