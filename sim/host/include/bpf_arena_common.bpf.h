/* SPDX-License-Identifier: GPL-2.0 */
/* Host-mode <bpf_arena_common.bpf.h> (the scx repository's name for it): the host arena header. */
#include <scx/bpf_arena_common.bpf.h>
