/* homing_probe: checks, on a 4-CPU guest running the homing policy, where woken tasks run.
 *
 *   1. home:     a task whose home is CPU 1 (its first run was pinned there, then it may run
 *                anywhere) sleeps and wakes while CPU 1 is idle: it runs on CPU 1;
 *   2. away:     a hog pinned to CPU 1 keeps home busy: the woken task runs elsewhere;
 *   3. back:     the hog stops: the woken task is back on CPU 1, although its previous CPU is
 *                idle too (the fair class would keep it there);
 *   4. one free: hogs pinned to CPUs 0-2; tasks with homes 0, 1, 2 wake in turn: they run on
 *                CPU 3, the only free one.
 * Phases 1-3 wake the task ROUNDS times and need MIN_HITS of them on the expected CPU; phase 4
 * needs MIN_HITS_OF_30 of its 30 wakeups on CPU 3, and half of each task's (system threads wake
 * now and then and may take a CPU first). Prints one line per phase;
 * exits 0 iff every phase passed. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "tests/kernel/spin.h"

#define ROUNDS 10
#define MIN_HITS 7
#define MIN_HITS_OF_30 21
#define NCPUS 4

static void sleep_until(double t)
{
	struct timespec ts = {(time_t)t, (long)((t - (time_t)t) * 1e9)};
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static void pin_self(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	if (cpu < 0) {
		for (int i = 0; i < NCPUS; i++)
			CPU_SET(i, &set);
	} else {
		CPU_SET(cpu, &set);
	}
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("homing_probe: sched_setaffinity");
		exit(1);
	}
}

/* A hog pinned to one CPU until told to stop. */
struct hog {
	pthread_t tid;
	int cpu;
	volatile int stop;
	volatile int running; /* set once it runs on its CPU */
};

static void *hog_main(void *arg)
{
	struct hog *h = arg;
	while (!h->stop)
		if (!h->running && sched_getcpu() == h->cpu)
			h->running = 1;
	return NULL;
}

/* The hog is created pinned, so it never runs anywhere else, not even at its first run. */
static void start_hog(struct hog *h, int cpu)
{
	pthread_attr_t attr;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_attr_init(&attr);
	pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	h->cpu = cpu;
	h->stop = 0;
	h->running = 0;
	if (pthread_create(&h->tid, &attr, hog_main, h)) {
		fprintf(stderr, "homing_probe: cannot start a hog\n");
		exit(1);
	}
	pthread_attr_destroy(&attr);
}

/* Sleeps (so as not to take the free CPU) until each of the `n` hogs runs on its CPU: under
 * emulation on a busy host a new thread can take a while to get there. */
static void wait_hogs_running(struct hog *hogs, int n)
{
	struct timespec ms = {0, 1000 * 1000};
	double give_up = now_s() + 10;

	for (int i = 0; i < n; i++) {
		while (!hogs[i].running) {
			if (now_s() > give_up) {
				fprintf(stderr, "homing_probe: the hog pinned to CPU %d never ran there\n",
					hogs[i].cpu);
				exit(1);
			}
			nanosleep(&ms, NULL);
		}
	}
	nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
}

static void stop_hog(struct hog *h)
{
	h->stop = 1;
	pthread_join(h->tid, NULL);
}

/* A sleeper: first runs pinned to `home` (so homing makes that its home), then may run on any
 * CPU. In the phases where it is active, it wakes ROUNDS times, slot_s apart (sleeping in
 * between), notes the CPU it woke on, and runs 1 ms. With several sleepers, one is active per
 * phase, so their wakeups never bunch up (under emulation on a busy host, timers fire late and
 * together; bunched wakeups would rightly queue behind each other). */
struct sleeper {
	pthread_t tid;
	int home;
	int index, count; /* active in every phase if count is 1, else in phase `index` only */
	int phases;
	int woke_on[ROUNDS];
};

static pthread_barrier_t phase_start, phase_end;
static double phase_t0;
static double slot_s = 0.02; /* time between a sleeper's wakeups */

static void *sleeper_main(void *arg)
{
	struct sleeper *s = arg;

	pin_self(s->home);
	spin_for(0.002);
	pin_self(-1);
	for (int phase = 0; phase < s->phases; phase++) {
		pthread_barrier_wait(&phase_start);
		for (int r = 0; (s->count == 1 || phase == s->index) && r < ROUNDS; r++) {
			sleep_until(phase_t0 + r * slot_s);
			s->woke_on[r] = sched_getcpu();
			spin_for(0.001);
		}
		pthread_barrier_wait(&phase_end);
	}
	return NULL;
}

static void start_sleepers(struct sleeper *ss, int n, const int *homes, int phases)
{
	pthread_barrier_init(&phase_start, NULL, n + 1);
	pthread_barrier_init(&phase_end, NULL, n + 1);
	for (int i = 0; i < n; i++) {
		ss[i] = (struct sleeper){.home = homes[i], .index = i, .count = n, .phases = phases};
		pthread_create(&ss[i].tid, NULL, sleeper_main, &ss[i]);
	}
	spin_for(0.01); /* let each take its home */
}

/* Runs one phase: every sleeper wakes ROUNDS times; main blocks meanwhile. */
static void run_phase(void)
{
	phase_t0 = now_s() + 0.05;
	pthread_barrier_wait(&phase_start);
	pthread_barrier_wait(&phase_end);
}

static void join_sleepers(struct sleeper *ss, int n)
{
	for (int i = 0; i < n; i++)
		pthread_join(ss[i].tid, NULL);
	pthread_barrier_destroy(&phase_start);
	pthread_barrier_destroy(&phase_end);
}

/* Counts the rounds that woke on `cpu` (or, with want_equal 0, anywhere else), prints them. */
static int check(const char *phase, const struct sleeper *s, int cpu, int want_equal)
{
	int hits = 0;

	for (int r = 0; r < ROUNDS; r++)
		hits += want_equal ? s->woke_on[r] == cpu : s->woke_on[r] != cpu;
	printf("%s: %s: home=%d woke on", hits >= MIN_HITS ? "ok" : "FAIL", phase, s->home);
	for (int r = 0; r < ROUNDS; r++)
		printf(" %d", s->woke_on[r]);
	printf(" (%d/%d %s CPU %d, need %d)\n", hits, ROUNDS, want_equal ? "on" : "off", cpu,
	       MIN_HITS);
	return hits < MIN_HITS;
}

int main(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct sleeper ss[NCPUS];
	struct hog hogs[NCPUS];
	int failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (cpus != NCPUS) {
		fprintf(stderr, "homing_probe: needs exactly %d CPUs, this system has %ld\n", NCPUS,
			cpus);
		return 2;
	}

	/* Phases 1-3: one sleeper whose home is CPU 1. */
	start_sleepers(ss, 1, (int[]){1}, 3);
	run_phase();
	failed |= check("1 home idle: runs at home", &ss[0], 1, 1);
	start_hog(&hogs[1], 1);
	wait_hogs_running(&hogs[1], 1);
	run_phase();
	failed |= check("2 home busy: runs elsewhere", &ss[0], 1, 0);
	stop_hog(&hogs[1]);
	run_phase();
	failed |= check("3 home idle again: back at home", &ss[0], 1, 1);
	join_sleepers(ss, 1);

	/* Phase 4: homes 0, 1, 2 all busy, CPU 3 free; one sleeper after the other, wakeups
	 * further apart so that one emulation stall spoils fewer of them. */
	slot_s = 0.05;
	start_sleepers(ss, 3, (int[]){0, 1, 2}, 3);
	for (int cpu = 0; cpu < 3; cpu++)
		start_hog(&hogs[cpu], cpu);
	wait_hogs_running(hogs, 3);
	for (int i = 0; i < 3; i++)
		run_phase();
	for (int cpu = 0; cpu < 3; cpu++)
		stop_hog(&hogs[cpu]);
	/* Judged over all 30 wakeups: under emulation a busy vCPU can hold the host thread for
	 * up to 100 ms (QEMU's round-robin kick period), which now and then lets a wakeup find
	 * CPU 3 busy and queue, to be taken by a hog's CPU. */
	int on_free = 0;
	for (int i = 0; i < 3; i++) {
		int hits = 0;
		for (int r = 0; r < ROUNDS; r++)
			hits += ss[i].woke_on[r] == 3;
		on_free += hits;
		printf("%s: 4 all but CPU 3 busy: home=%d woke on", hits * 2 >= ROUNDS ? "ok" : "FAIL",
		       ss[i].home);
		for (int r = 0; r < ROUNDS; r++)
			printf(" %d", ss[i].woke_on[r]);
		printf(" (%d/%d on CPU 3, need half)\n", hits, ROUNDS);
		failed |= hits * 2 < ROUNDS;
	}
	printf("%s: 4 all but CPU 3 busy: %d/%d wakeups ran on CPU 3, need %d\n",
	       on_free >= MIN_HITS_OF_30 ? "ok" : "FAIL", on_free, 3 * ROUNDS, MIN_HITS_OF_30);
	failed |= on_free < MIN_HITS_OF_30;
	join_sleepers(ss, 3);
	return failed ? 1 : 0;
}
