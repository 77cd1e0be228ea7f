/* stress: the stress mix a policy must survive in the VM tests, for a fixed time:
 *   - CPU hogs: 4 processes per CPU spinning;
 *   - a fork/exec storm: fork + exec of /bin/true, as fast as it goes;
 *   - sleep/wake ping-pong: one pair of processes per CPU bouncing a byte through pipes;
 *   - short bursts: 2 threads per CPU that spin ~50 us and sleep ~500 us.
 * Every part runs in its own processes; the parent waits for all of them and exits 0 only if
 * each exited 0 and made progress. It prints one summary line.
 *
 * usage: stress [SECONDS]   (default 10) */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/kernel/spin.h"

static double deadline;

/* Results the children report back, in shared memory. */
struct results {
	unsigned long execs, exec_failures, roundtrips, bursts;
};
static struct results *res;

static int hog(void)
{
	while (now_s() < deadline)
		;
	return 0;
}

static int exec_storm(void)
{
	while (now_s() < deadline) {
		pid_t pid = fork();
		int status;

		if (pid < 0)
			continue; /* transient EAGAIN: try again */
		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0)
			__sync_fetch_and_add(&res->execs, 1);
		else
			__sync_fetch_and_add(&res->exec_failures, 1);
	}
	return 0;
}

static int ping_pong(void)
{
	int ab[2], ba[2];
	char byte = 'x';
	pid_t peer;

	if (pipe(ab) || pipe(ba))
		return 1;
	peer = fork();
	if (peer < 0)
		return 1;
	if (peer == 0) { /* echo back until the pipe closes */
		close(ab[1]);
		close(ba[0]);
		while (read(ab[0], &byte, 1) == 1)
			if (write(ba[1], &byte, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(ab[0]);
	close(ba[1]);
	while (now_s() < deadline) {
		if (write(ab[1], &byte, 1) != 1 || read(ba[0], &byte, 1) != 1)
			return 1;
		__sync_fetch_and_add(&res->roundtrips, 1);
	}
	close(ab[1]);
	int status;
	return waitpid(peer, &status, 0) == peer && WIFEXITED(status) && WEXITSTATUS(status) == 0
		       ? 0
		       : 1;
}

static void *burst_thread(void *arg)
{
	struct timespec nap = {0, 500 * 1000};

	(void)arg;
	while (now_s() < deadline) {
		spin_for(50e-6);
		nanosleep(&nap, NULL);
		__sync_fetch_and_add(&res->bursts, 1);
	}
	return NULL;
}

static int short_bursts(int threads)
{
	pthread_t tids[256];
	int n = threads < 256 ? threads : 256;

	for (int i = 0; i < n; i++)
		if (pthread_create(&tids[i], NULL, burst_thread, NULL))
			return 1;
	for (int i = 0; i < n; i++)
		pthread_join(tids[i], NULL);
	return 0;
}

static pid_t spawn(int (*fn)(void))
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn());
	return pid;
}

static int burst_threads;
static int run_bursts(void)
{
	return short_bursts(burst_threads);
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 10;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	pid_t pids[1024];
	int n = 0, failed = 0;

	if (argc > 2 || seconds <= 0 || seconds > 600) {
		fprintf(stderr, "stress: usage: stress [SECONDS], SECONDS in (0, 600], got '%s'\n",
			argc > 1 ? argv[1] : "");
		return 2;
	}
	if (cpus < 1)
		cpus = 1;
	if (cpus > 64)
		cpus = 64;
	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED) {
		perror("stress: mmap");
		return 1;
	}
	memset(res, 0, sizeof(*res));
	deadline = now_s() + seconds;
	burst_threads = 2 * cpus;

	for (int i = 0; i < 4 * cpus; i++)
		pids[n++] = spawn(hog);
	pids[n++] = spawn(exec_storm);
	for (int i = 0; i < cpus; i++)
		pids[n++] = spawn(ping_pong);
	pids[n++] = spawn(run_bursts);

	for (int i = 0; i < n; i++) {
		int status;
		if (pids[i] < 0 || waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failed++;
	}
	printf("stress: cpus=%ld processes=%d failed=%d execs=%lu exec_failures=%lu "
	       "roundtrips=%lu bursts=%lu\n",
	       cpus, n, failed, res->execs, res->exec_failures, res->roundtrips, res->bursts);
	if (failed || res->exec_failures || !res->execs || !res->roundtrips || !res->bursts) {
		printf("stress: FAILED (a process failed or a part made no progress)\n");
		return 1;
	}
	return 0;
}
