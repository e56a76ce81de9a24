/* fifo_pacer [-r REPORT] [-s AT:MS] FIFO BYTES_PER_SEC OUT SECONDS: read
 * FIFO at the real byte rate into OUT, for SECONDS or until the writer
 * goes away.
 *
 * ALSA's `file` plugin over the `null` slave is not paced: left alone,
 * PortAudio's callback runs thousands of times faster than real time.
 * Reading the FIFO it writes at the audio's byte rate, from a pipe shrunk
 * to one page before the writer opens it, paces the callback to real
 * time, so what lands in OUT is what a listener would have heard.
 *
 * -s AT:MS plays a sound card that stalls: AT seconds into the capture it
 * stops reading for MS milliseconds, writes that much silence to OUT
 * (what the card played meanwhile) and goes on at the real rate from
 * there, without catching up, as a card does after an xrun.
 *
 * -r REPORT writes, when done, how late the machine itself was: late_ms,
 * the longest this process came back after its 2 ms sleeps beyond those
 * 2 ms (a machine that stalls every process shows here), and behind_ms,
 * the furthest reading fell behind real time because nothing was there to
 * read (the writer's callback came late).  A test tells a stalled machine
 * from a faulty product with them. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* MS of silence in OUT, whole samples. */
static int write_silence(int out, double rate, double ms)
{
	static const char zero[4096];
	long long n = (long long)(rate * ms / 1000) & ~1LL;

	while (n > 0) {
		size_t k = n < (long long)sizeof(zero) ? (size_t)n : sizeof(zero);

		if (write_all(out, zero, k))
			return -1;
		n -= (long long)k;
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: fifo_pacer [-r REPORT] [-s AT:MS] FIFO "
		"BYTES_PER_SEC OUT SECONDS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	char buf[4096];
	const char *report = NULL;
	double rate, secs, t0 = 0, stall_at = -1, stall_ms = 0;
	double late_max = 0, behind_max = 0, last;
	long long done = 0;
	bool stalled = false;
	int in, out, opt;

	while ((opt = getopt(argc, argv, "r:s:")) != -1) {
		switch (opt) {
		case 'r':
			report = optarg;
			break;
		case 's':
			if (sscanf(optarg, "%lf:%lf", &stall_at, &stall_ms) != 2)
				usage();
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 4)
		usage();
	rate = atof(argv[optind + 1]);
	secs = atof(argv[optind + 3]);

	/* Non-blocking so the open does not wait for a writer; the pipe
	 * must be shrunk before the writer fills it. */
	in = open(argv[optind], O_RDONLY | O_NONBLOCK);
	if (in < 0 || fcntl(in, F_SETPIPE_SZ, 4096) < 0) {
		perror(argv[optind]);
		return 1;
	}
	out = open(argv[optind + 2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0) {
		perror(argv[optind + 2]);
		return 1;
	}

	/* PortAudio may open the device, write a little and close it while
	 * probing, then open it again for the real stream: a writer that
	 * comes back after less than half a second starts the capture over;
	 * after a real capture, the end of the writer is the end. */
	double eof_at = 0;

	last = now();
	for (double start = now(); now() - start < secs + 30; ) {
		double t = now();
		long long due;
		size_t want;
		ssize_t n;

		/* 2 ms sleeps: anything much longer is the machine. */
		if (t - last - 0.002 > late_max)
			late_max = t - last - 0.002;
		last = t;

		if (t0 && !eof_at && t - t0 >= secs)
			break;
		if (eof_at && t - eof_at > 3)
			break;          /* the writer is gone for good */

		if (t0 && !eof_at && !stalled && stall_at >= 0 &&
		    t - t0 >= stall_at) {
			/* The card stalls: nothing is read, it plays
			 * silence, and its clock does not catch up. */
			stalled = true;
			usleep((useconds_t)(stall_ms * 1000));
			/* as long as it really was, on a busy machine too */
			stall_ms = (now() - t) * 1000;
			if (write_silence(out, rate, stall_ms))
				return 1;
			t0 += stall_ms / 1000;
			last = now();
			continue;
		}

		due = t0 && !eof_at ? (long long)((t - t0) * rate) :
			done + (long long)sizeof(buf);
		if (t0 && !eof_at && (double)(due - done) / rate > behind_max)
			behind_max = (double)(due - done) / rate;
		/* whole samples only */
		want = (size_t)(due - done) < sizeof(buf) ?
			(size_t)(due - done) & ~(size_t)1 : sizeof(buf);
		if (due <= done || !want) {
			usleep(2000);
			continue;
		}
		n = read(in, buf, want);
		if (n > 0) {
			if (!t0 || eof_at) {
				t0 = t;
				eof_at = 0;
				done = 0;
				late_max = behind_max = 0;
				if (ftruncate(out, 0) || lseek(out, 0, SEEK_SET))
					return 1;
			}
			if (write_all(out, buf, (size_t)n)) {
				perror(argv[optind + 2]);
				return 1;
			}
			done += n;
		}
		else {
			if (n == 0 && t0 && !eof_at) {
				if (done >= (long long)(rate / 2))
					break;
				eof_at = t;
			}
			usleep(2000);   /* no writer, or nothing to read */
		}
	}
	close(out);
	close(in);

	if (report) {
		FILE *f = fopen(report, "w");

		if (!f) {
			perror(report);
			return 1;
		}
		fprintf(f, "late_ms %.0f\nbehind_ms %.0f\nstall_ms %.0f\n",
			late_max * 1000, behind_max * 1000,
			stalled ? stall_ms : 0);
		fclose(f);
	}
	return 0;
}
