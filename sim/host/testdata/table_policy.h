/* table_policy: knobs and counters of the loader tests' project-style policy. The knobs are
 * deliberately not in name order, so a test can tell the table's order from a sorted listing. */
#ifndef SCXTWIN_SIM_HOST_TESTDATA_TABLE_POLICY_H
#define SCXTWIN_SIM_HOST_TESTDATA_TABLE_POLICY_H

#define TABLE_POLICY_KNOBS(KNOB)                                                           \
	KNOB(slice_us, 3000, 100, 1000000, "time slice of every task")                      \
	KNOB(boost, 1, 0, 1, "1: a woken task goes first; 0: it queues")                    \
	KNOB(credit_us, 0, 0, 50000, "how far back a woken task may start")

#define TABLE_POLICY_STATS(STAT)                                                           \
	STAT(queued, "tasks queued")                                                         \
	STAT(boosted, "woken tasks put first")

#endif
