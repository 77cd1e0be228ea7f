// The task state table: the transitions task_state.h documents pass, all others abort naming
// the task, its state and the transition.
#include "sim/ext/task_state.h"

#include <set>
#include <utility>

#include "gtest/gtest.h"

namespace scxtwin::sim {
namespace {

using S = ExtTaskState;
constexpr S kAll[] = {S::kDisabled, S::kQuiescent,  S::kReady,  S::kBpf,
                      S::kUserDsq,  S::kBuiltinDsq, S::kRunning};

// The table of task_state.h's comment, written out pair by pair.
const std::set<std::pair<S, S>>& Documented() {
  static const auto* table = new std::set<std::pair<S, S>>{
      {S::kDisabled, S::kQuiescent}, {S::kQuiescent, S::kReady},
      {S::kQuiescent, S::kDisabled}, {S::kReady, S::kBpf},
      {S::kReady, S::kUserDsq},      {S::kReady, S::kBuiltinDsq},
      {S::kBpf, S::kUserDsq},        {S::kBpf, S::kBuiltinDsq},
      {S::kUserDsq, S::kUserDsq},    {S::kUserDsq, S::kBuiltinDsq},
      {S::kBuiltinDsq, S::kUserDsq}, {S::kBuiltinDsq, S::kBuiltinDsq},
      {S::kBuiltinDsq, S::kReady},   {S::kBuiltinDsq, S::kRunning},
      {S::kRunning, S::kBuiltinDsq}, {S::kRunning, S::kReady},
      {S::kRunning, S::kQuiescent},  {S::kBpf, S::kDisabled},
      {S::kUserDsq, S::kDisabled},   {S::kBuiltinDsq, S::kDisabled},
      {S::kBpf, S::kReady},          {S::kUserDsq, S::kReady},  // property changes
  };
  return *table;
}

TEST(TaskStateTest, DocumentedTransitionsPass) {
  for (const auto& [from, to] : Documented()) CheckTransition(1, "t", from, to);
}

TEST(TaskStateDeathTest, EveryOtherTransitionAbortsNamingTaskStateAndTransition) {
  for (S from : kAll) {
    for (S to : kAll) {
      if (Documented().count({from, to})) continue;
      const std::string want = std::string("task worker\\[42\\] in state ") +
                               ExtTaskStateName(from) + ": transition " + ExtTaskStateName(from) +
                               " -> " + ExtTaskStateName(to) + " is not allowed";
      EXPECT_DEATH(CheckTransition(42, "worker", from, to), want);
    }
  }
}

TEST(TaskStateTest, RunnableAndCustodyFollowTheState) {
  for (S s : kAll) {
    EXPECT_EQ(ExtRunnable(s), s != S::kDisabled && s != S::kQuiescent) << ExtTaskStateName(s);
    EXPECT_EQ(ExtInCustody(s), s == S::kBpf || s == S::kUserDsq) << ExtTaskStateName(s);
  }
}

}  // namespace
}  // namespace scxtwin::sim
