/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-mode <bpf/bpf_core_read.h>. CO-RE relocations adapt a BPF program to the running
 * kernel's layout; on the host the program is compiled against the only layout there is, so
 * reads are plain member accesses and every field, type and enum value "exists".
 */
#ifndef __SCXTWIN_HOST_BPF_CORE_READ_H
#define __SCXTWIN_HOST_BPF_CORE_READ_H

#include "bpf_helpers.h"

#define bpf_core_field_exists(field...) 1
#define bpf_core_field_size(field...) sizeof(field)
#define bpf_core_type_exists(type) 1
#define bpf_core_type_matches(type) 1
#define bpf_core_type_size(type) sizeof(type)
#define bpf_core_type_id_local(type) 0
#define bpf_core_type_id_kernel(type) 0
#define bpf_core_enum_value_exists(enum_type, enum_value) 1
#define bpf_core_enum_value(enum_type, enum_value) (enum_value)
#define bpf_core_cast(ptr, type) ((type *)(ptr))

#define bpf_core_read(dst, sz, src) (__builtin_memcpy((dst), (src), (sz)), 0)
#define bpf_core_read_str(dst, sz, src) bpf_probe_read_kernel_str((dst), (sz), (src))

/* BPF_CORE_READ(s, a, b, c) is s->a->b->c: each step dereferences. */
#define ___scxtwin_core_read1(s, a) ((s)->a)
#define ___scxtwin_core_read2(s, a, b) ((s)->a->b)
#define ___scxtwin_core_read3(s, a, b, c) ((s)->a->b->c)
#define ___scxtwin_core_read4(s, a, b, c, d) ((s)->a->b->c->d)
#define ___scxtwin_core_read5(s, a, b, c, d, e) ((s)->a->b->c->d->e)
#define ___scxtwin_core_read6(s, a, b, c, d, e, f) ((s)->a->b->c->d->e->f)
#define BPF_CORE_READ(src, a, ...)                                                           \
	___bpf_apply(___scxtwin_core_read, ___bpf_narg(a, ##__VA_ARGS__))(src, a, ##__VA_ARGS__)
#define BPF_CORE_READ_INTO(dst, src, a, ...)                                                 \
	({ *(dst) = BPF_CORE_READ(src, a, ##__VA_ARGS__); 0; })
#define BPF_PROBE_READ(src, a, ...) BPF_CORE_READ(src, a, ##__VA_ARGS__)

#endif /* __SCXTWIN_HOST_BPF_CORE_READ_H */
