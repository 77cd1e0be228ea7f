/* local_vtime: a deliberately broken test policy (see local_vtime.bpf.c). */
#ifndef SCXTWIN_TESTS_LOCAL_VTIME_H
#define SCXTWIN_TESTS_LOCAL_VTIME_H

#define LOCAL_VTIME_KNOBS(KNOB) KNOB(slice_us, 5000, 100, 1000000, "time slice")
#define LOCAL_VTIME_STATS(STAT) STAT(enqueued, "tasks handed to the (invalid) vtime insert")

#endif
