/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host mode of the project's scheduler header: what policy/include/scxtwin/common.bpf.h
 * includes under -D__SCXTWIN_HOST__ instead of vmlinux.h and libbpf's headers (the list it
 * relies on is policy/include/scxtwin/HOST_CONTRACT.md). The kernel tree's <scx/common.bpf.h>
 * (host version) builds on this too, so both kinds of scheduler see one set of definitions.
 */
#ifndef __SCXTWIN_HOST_BPF_H
#define __SCXTWIN_HOST_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <scxtwin/host_kfuncs.h>
#include <scxtwin/host_registry.h> /* SCXTWIN_KNOB_DESCRIBE, SCXTWIN_STATS_DESCRIBE */

/* Callbacks: plain functions with their arguments (see bpf_tracing.h). */
#define BPF_STRUCT_OPS(name, args...) SEC("struct_ops/" #name) BPF_PROG(name, ##args)
#define BPF_STRUCT_OPS_SLEEPABLE(name, args...) SEC("struct_ops.s/" #name) BPF_PROG(name, ##args)

#define SCX_STRINGIFY(x) #x
#define SCX_TOSTRING(x) SCX_STRINGIFY(x)

/* Exits: printf-style on the host, formatted before they reach the simulator. */
#define scx_bpf_exit(code, fmt, args...) scxtwin_exit_fmt((code), fmt, ##args)
#define scx_bpf_error(fmt, args...)                                                          \
	scxtwin_error_fmt(__FILE__ ":" SCX_TOSTRING(__LINE__) ": " fmt, ##args)
#define scx_bpf_dump(fmt, args...) scxtwin_dump_fmt(fmt, ##args)
#define scx_bpf_sub_kill(cgid, fmt, args...) scxtwin_sub_kill_fmt((cgid), fmt, ##args)

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

#endif /* __SCXTWIN_HOST_BPF_H */
