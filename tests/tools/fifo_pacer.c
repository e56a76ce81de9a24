/* fifo_pacer FIFO BYTES_PER_SEC OUT SECONDS: read FIFO at the real byte
 * rate into OUT, for SECONDS or until the writer goes away.
 *
 * ALSA's `file` plugin over the `null` slave is not paced: left alone,
 * PortAudio's callback runs thousands of times faster than real time.
 * Reading the FIFO it writes at the audio's byte rate, from a pipe shrunk
 * to one page before the writer opens it, paces the callback to real
 * time, so what lands in OUT is what a listener would have heard. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	char buf[4096];
	double rate, secs, t0 = 0;
	long long done = 0;
	int in, out;

	if (argc != 5) {
		fprintf(stderr, "usage: fifo_pacer FIFO BYTES_PER_SEC OUT "
			"SECONDS\n");
		return 2;
	}
	rate = atof(argv[2]);
	secs = atof(argv[4]);

	/* Non-blocking so the open does not wait for a writer; the pipe
	 * must be shrunk before the writer fills it. */
	in = open(argv[1], O_RDONLY | O_NONBLOCK);
	if (in < 0 || fcntl(in, F_SETPIPE_SZ, 4096) < 0) {
		perror(argv[1]);
		return 1;
	}
	out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0) {
		perror(argv[3]);
		return 1;
	}

	/* PortAudio may open the device, write a little and close it while
	 * probing, then open it again for the real stream: a writer that
	 * comes back after less than half a second starts the capture over;
	 * after a real capture, the end of the writer is the end. */
	double eof_at = 0;

	for (double start = now(); now() - start < secs + 30; ) {
		double t = now();
		long long due;
		size_t want;
		ssize_t n;

		if (t0 && !eof_at && t - t0 >= secs)
			break;
		if (eof_at && t - eof_at > 3)
			break;          /* the writer is gone for good */
		due = t0 && !eof_at ? (long long)((t - t0) * rate) :
			done + (long long)sizeof(buf);
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
				if (getenv("PACER_DEBUG"))
					fprintf(stderr, "pacer: writer at %.3f after %lld bytes\n", t, done);
				t0 = t;
				eof_at = 0;
				done = 0;
				if (ftruncate(out, 0) || lseek(out, 0, SEEK_SET))
					return 1;
			}
			if (write(out, buf, (size_t)n) != n) {
				perror(argv[3]);
				return 1;
			}
			done += n;
		}
		else {
			if (n == 0 && t0 && !eof_at) {
				if (getenv("PACER_DEBUG"))
					fprintf(stderr, "pacer: eof at %.3f after %lld bytes\n", t, done);
				if (done >= (long long)(rate / 2))
					break;
				eof_at = t;
			}
			usleep(2000);   /* no writer, or nothing to read */
		}
	}
	close(out);
	close(in);
	return 0;
}
