/* never_dispatch: a test policy that starves every queued task (see never_dispatch.bpf.c). */
#ifndef SCXTWIN_TESTS_NEVER_DISPATCH_H
#define SCXTWIN_TESTS_NEVER_DISPATCH_H

#define NEVER_DISPATCH_KNOBS(KNOB) KNOB(slice_us, 5000, 100, 1000000, "time slice")
#define NEVER_DISPATCH_STATS(STAT) STAT(enqueued, "tasks parked in the DSQ nobody consumes")

#endif
