/* unchecked_lookup: a test policy the verifier must reject (see unchecked_lookup.bpf.c). */
#ifndef SCXTWIN_TESTS_UNCHECKED_LOOKUP_H
#define SCXTWIN_TESTS_UNCHECKED_LOOKUP_H

#define UNCHECKED_LOOKUP_KNOBS(KNOB) KNOB(slice_us, 5000, 100, 1000000, "time slice")
#define UNCHECKED_LOOKUP_STATS(STAT) STAT(enqueued, "never counted: the program cannot load")

#endif
