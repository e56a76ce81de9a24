/* stall_probe OUT: until SIGTERM or SIGINT, sleep 2 ms at a time and note
 * every time this process came back more than 20 ms late.  On the signal,
 * OUT gets one line per stall, "START_S LATE_MS" (seconds since the
 * probe started), and a last line "max LATE_MS".
 *
 * A real-time test runs it beside the product: a stall the probe saw too
 * is the machine's (every process stood still), one it did not see is the
 * product's.  That is how a test tells a busy machine from a fault
 * without loosening what it asserts. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

enum { MAX_STALLS = 1000, LATE_MS = 20 };

static volatile sig_atomic_t done;

static void on_signal(int sig)
{
	(void)sig;
	done = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static double at[MAX_STALLS], late[MAX_STALLS];
	struct sigaction sa = {.sa_handler = on_signal};
	double t0, last, max = 0;
	unsigned n = 0;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: stall_probe OUT\n");
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	t0 = last = now();
	while (!done) {
		double t, l;

		usleep(2000);
		t = now();
		l = (t - last - 0.002) * 1000;
		if (l > max)
			max = l;
		if (l > LATE_MS && n < MAX_STALLS) {
			at[n] = last - t0;
			late[n++] = l;
		}
		last = t;
	}

	f = fopen(argv[1], "w");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "%.3f %.0f\n", at[i], late[i]);
	fprintf(f, "max %.0f\n", max);
	return fclose(f) ? 1 : 0;
}
