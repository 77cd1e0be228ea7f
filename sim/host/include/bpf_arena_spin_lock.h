/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-mode <bpf_arena_spin_lock.h> (the scx repository's queued spin lock in an arena): the
 * simulator runs one callback at a time, so the lock has nothing to exclude; taking it always
 * succeeds.
 */
#ifndef __SCXTWIN_HOST_BPF_ARENA_SPIN_LOCK_H
#define __SCXTWIN_HOST_BPF_ARENA_SPIN_LOCK_H
#include "vmlinux.h"
/* What the scx repository's lock header brings along: its atomics (cmpxchg, smp_*). */
#if __has_include(<bpf_atomic.h>)
#include <bpf_atomic.h>
#endif

typedef struct {
	u32 val;
} arena_spinlock_t;

static inline int arena_spin_lock(arena_spinlock_t *lock)
{
	(void)lock;
	return 0;
}
static inline void arena_spin_unlock(arena_spinlock_t *lock) { (void)lock; }
#define arena_spin_lock_irqsave(lock, flags) ({ (void)(flags); arena_spin_lock(lock); })
#define arena_spin_unlock_irqrestore(lock, flags) ({ (void)(flags); arena_spin_unlock(lock); })

#endif /* __SCXTWIN_HOST_BPF_ARENA_SPIN_LOCK_H */
