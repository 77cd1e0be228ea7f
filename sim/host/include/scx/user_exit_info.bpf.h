/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-mode <scx/user_exit_info.bpf.h>: UEI_DEFINE/UEI_RECORD copy the kernel's exit info into
 * a global the loader (here: the simulator's loader) reads after the scheduler exits.
 */
#ifndef __SCXTWIN_HOST_USER_EXIT_INFO_BPF_H
#define __SCXTWIN_HOST_USER_EXIT_INFO_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "user_exit_info_common.h"

/* The dump buffer's size: the kernel's default exit_dump_len (UEI_DUMP_DFL_LEN), which bounds
 * the simulator's dump unless ops.exit_dump_len is set; the host loader does not resize it. A
 * constant, not sizeof: a unit of several may declare it `extern char NAME_dump[];`. */
#define SCXTWIN_UEI_DUMP_SIZE 32768

/* How much of ei->dump UEI_RECORD copies: NAME_dump_len as a loader's UEI_SET_SIZE sets it, 0
 * (no loader set it) standing for the default, never more than the buffer. */
#define SCXTWIN_UEI_DUMP_COPY(len)                                                           \
	((len) == 0 || (len) > SCXTWIN_UEI_DUMP_SIZE ? SCXTWIN_UEI_DUMP_SIZE : (len))

#define UEI_DEFINE(__name)                                                                   \
	char __name##_dump[SCXTWIN_UEI_DUMP_SIZE] SEC(".data." #__name "_dump");                                 \
	const volatile u32 __name##_dump_len;                                                \
	struct user_exit_info __name SEC(".data")

#define UEI_RECORD(__uei_name, __ei)                                                         \
	({                                                                                   \
		bpf_probe_read_kernel_str(__uei_name.reason, sizeof(__uei_name.reason),      \
					  (__ei)->reason);                                   \
		bpf_probe_read_kernel_str(__uei_name.msg, sizeof(__uei_name.msg), (__ei)->msg); \
		bpf_probe_read_kernel_str(__uei_name##_dump,                                 \
					  SCXTWIN_UEI_DUMP_COPY(__uei_name##_dump_len),      \
					  (__ei)->dump);                                     \
		__uei_name.exit_code = (__ei)->exit_code;                                    \
		__uei_name.exit_cpu = (__ei)->exit_cpu;                                      \
		__uei_name.kind = (__ei)->kind;                                              \
	})

#endif /* __SCXTWIN_HOST_USER_EXIT_INFO_BPF_H */
