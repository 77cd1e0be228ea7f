/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-mode <bpf_experimental.h>: the scx repository's header (found after this directory, with
 * --scx-include), with its loop-budget macros made host C. There, without the compiler's
 * may_goto support, `can_loop` and `cond_break` emit a BPF may_goto instruction as raw bytes
 * (`.byte 0xe5 ...`), which compiled for the host are x86 bytes of another meaning (an `in`
 * instruction: a fault at the first loop). The verifier's budget bounds a loop that ends anyway;
 * the host needs none, so `can_loop` is true and `cond_break` never breaks.
 */
#ifndef __SCXTWIN_HOST_BPF_EXPERIMENTAL_H
#define __SCXTWIN_HOST_BPF_EXPERIMENTAL_H
/* The host definitions of the kfuncs both declare (bpf_preempt_*) come first. */
#include "scx/bpf_arena_common.bpf.h"
#if __has_include_next(<bpf_experimental.h>)
#include_next <bpf_experimental.h>
#endif

#undef can_loop
#define can_loop 1
#undef __cond_break
#define __cond_break(expr) ((void)0)
#undef cond_break
#define cond_break __cond_break(break)
#undef cond_break_label
#define cond_break_label(label) __cond_break(goto label)

#endif /* __SCXTWIN_HOST_BPF_EXPERIMENTAL_H */
