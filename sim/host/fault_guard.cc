#include "sim/host/fault_guard.h"

#include <execinfo.h>
#include <setjmp.h>
#include <signal.h>
#include <ucontext.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace scxtwin::host {
namespace {

constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
constexpr int kMaxFrames = 64;

// One RunGuarded in progress. Filled by the handler (no allocation there), copied out after.
struct Guard {
  sigjmp_buf env;
  Guard* outer;
  int signo;
  uintptr_t address;
  uintptr_t pc;
  void* frames[kMaxFrames];
  int nr_frames;
};

thread_local Guard* current = nullptr;
thread_local bool stack_installed = false;

void OnFault(int signo, siginfo_t* info, void* ucontext) {
  Guard* g = current;
  if (g == nullptr) {
    // Not inside a policy call: the default action, as if no handler were installed. Returning
    // re-executes the faulting instruction (abort() raises again itself).
    signal(signo, SIG_DFL);
    return;
  }
  g->signo = signo;
  g->address = signo == SIGABRT ? 0 : reinterpret_cast<uintptr_t>(info->si_addr);
  g->pc = 0;
#if defined(__x86_64__)
  g->pc = static_cast<uintptr_t>(static_cast<ucontext_t*>(ucontext)->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  g->pc = static_cast<uintptr_t>(static_cast<ucontext_t*>(ucontext)->uc_mcontext.pc);
#endif
  // The unwinder is loaded before the first guard runs (InstallOnce), so this does not allocate.
  g->nr_frames = backtrace(g->frames, kMaxFrames);
  siglongjmp(g->env, 1);
}

void InstallOnce() {
  if (stack_installed) return;
  stack_installed = true;
  // The alternate stack: a fault from stack exhaustion still has a stack to run the handler on.
  const size_t size = 64 * 1024;
  stack_t ss = {};
  ss.ss_sp = std::malloc(size);  // lives as long as the thread (never freed: threads are few)
  ss.ss_size = size;
  ss.ss_flags = 0;
  sigaltstack(&ss, nullptr);
  void* warm[1];
  backtrace(warm, 1);  // loads libgcc's unwinder now, not inside the handler
  static bool handlers = [] {
    struct sigaction sa = {};
    sa.sa_sigaction = OnFault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (int s : kSignals) sigaction(s, &sa, nullptr);
    return true;
  }();
  (void)handlers;
}

}  // namespace

std::optional<CallFault> RunGuarded(absl::FunctionRef<void()> fn) {
  InstallOnce();
  Guard g;
  g.outer = current;
  g.nr_frames = 0;
  // sigsetjmp(…, 0): saving the signal mask would cost a system call on every policy call; the
  // fault path unblocks the caught signal itself instead (the handler ran with it blocked).
  if (sigsetjmp(g.env, 0) == 0) {
    current = &g;
    fn();
    current = g.outer;
    return std::nullopt;
  }
  current = g.outer;
  sigset_t caught;
  sigemptyset(&caught);
  sigaddset(&caught, g.signo);
  sigprocmask(SIG_UNBLOCK, &caught, nullptr);
  CallFault fault;
  fault.signo = g.signo;
  fault.address = g.address;
  if (g.pc != 0) fault.frames.push_back(g.pc);
  // backtrace's first frames are the handler and the signal trampoline: keep what follows the
  // faulting instruction (or, if the unwinder did not report it, everything after the handler).
  int first = 1;
  for (int i = 0; i < g.nr_frames; ++i) {
    if (reinterpret_cast<uintptr_t>(g.frames[i]) == g.pc) {
      first = i + 1;
      break;
    }
  }
  for (int i = first; i < g.nr_frames; ++i) {
    fault.frames.push_back(reinterpret_cast<uintptr_t>(g.frames[i]));
  }
  return fault;
}

const char* FaultSignalName(int signo) {
  switch (signo) {
    case SIGSEGV:
      return "SIGSEGV";
    case SIGBUS:
      return "SIGBUS";
    case SIGFPE:
      return "SIGFPE";
    case SIGILL:
      return "SIGILL";
    case SIGABRT:
      return "SIGABRT";
  }
  static thread_local char name[32];
  std::snprintf(name, sizeof(name), "signal %d", signo);
  return name;
}

std::string FaultReport(absl::string_view callback, const CallFault& fault,
                        absl::string_view where) {
  std::string s = absl::StrFormat("%s faulted: %s at address 0x%x", callback,
                                  FaultSignalName(fault.signo), fault.address);
  if (!where.empty()) absl::StrAppend(&s, " in ", where);
  return s;
}

}  // namespace scxtwin::host
