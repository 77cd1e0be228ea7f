/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-mode <bpf/bpf_tracing.h>. In BPF, BPF_PROG(name, args...) wraps a function taking the
 * raw context array; on the host a struct_ops callback is called directly with its arguments,
 * so BPF_PROG(name, args...) declares exactly `name(args...)` (and `name(void)` without args).
 */
#ifndef __SCXTWIN_HOST_BPF_TRACING_H
#define __SCXTWIN_HOST_BPF_TRACING_H

#include "bpf_helpers.h"

#define ___scxtwin_params0() void
#define ___scxtwin_paramsN(args...) args
#define ___scxtwin_params_sel(...)                                                           \
	___bpf_nth(_, ##__VA_ARGS__, N, N, N, N, N, N, N, N, N, N, N, N, 0)
#define ___scxtwin_params(args...) ___bpf_apply(___scxtwin_params, ___scxtwin_params_sel(args))(args)

#define BPF_PROG(name, args...) name(___scxtwin_params(args))

#endif /* __SCXTWIN_HOST_BPF_TRACING_H */
