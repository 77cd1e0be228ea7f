/* SPDX-License-Identifier: GPL-2.0 */
/* Host-mode <scx/bpf_arena_common.bpf.h>: arenas are not simulated; the name exists so includes
 * resolve. A scheduler that allocates arena pages fails to link (no bpf_arena_alloc_pages). */
#ifndef __SCXTWIN_HOST_BPF_ARENA_COMMON_BPF_H
#define __SCXTWIN_HOST_BPF_ARENA_COMMON_BPF_H
#include "vmlinux.h"
#endif
