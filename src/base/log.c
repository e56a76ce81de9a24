#define _GNU_SOURCE 1
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <re.h>
#define DEBUG_MODULE "log"
#define DEBUG_LEVEL 5
#include <re_dbg.h>
#include "log.h"

static FILE *log_file;
static int tty_err = -1;     /* the original stderr, once redirected */

/* The console's capture (log_capture_begin). */
static struct {
	log_line_h *h;
	void *arg;
	int rfd;                 /* the pipe's read end, or -1 */
	char part[512];          /* a line not yet ended */
	size_t partlen;
	char errors[8][256];     /* repeated on the terminal at the end */
	unsigned nerrors;
} cap = {.rfd = -1};

static void vlog(const char *level, const char *fmt, va_list ap)
{
	FILE *f = log_file ? log_file : stderr;
	char buf[1024];
	struct timespec ts;

	(void)re_vsnprintf(buf, sizeof(buf), fmt, ap);
	if (cap.h) {
		cap.h(false, buf, cap.arg);
		if (!log_file)
			return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	if (log_file)
		fprintf(f, "%lld.%03ld %s: %s\n", (long long)ts.tv_sec,
			ts.tv_nsec / 1000000, level, buf);
	else
		fprintf(f, "sipflow: %s: %s\n", level, buf);
	fflush(f);
}

static void dbg_handler(int level, const char *p, size_t len, void *arg)
{
	FILE *f = log_file ? log_file : stderr;
	(void)level;
	(void)arg;

	fwrite(p, 1, len, f);
	fflush(f);
}

int log_open(const char *path)
{
	if (path) {
		log_file = fopen(path, "a");
		if (!log_file)
			return errno;
		/* libre, ALSA and JACK write straight to stderr; keep them
		 * off the terminal and in the log. */
		fflush(stderr);
		tty_err = dup(STDERR_FILENO);
		if (dup2(fileno(log_file), STDERR_FILENO) < 0)
			return errno;
	}
	dbg_handler_set(dbg_handler, NULL);
	return 0;
}

void log_close(void)
{
	dbg_handler_set(NULL, NULL);
	if (log_file)
		fclose(log_file);
	log_file = NULL;
	if (tty_err >= 0) {
		(void)dup2(tty_err, STDERR_FILENO);
		close(tty_err);
		tty_err = -1;
	}
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("warning", fmt, ap);
	va_end(ap);
}

void log_error(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	(void)re_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);

	if (log_file) {
		fprintf(log_file, "error: %s\n", buf);
		fflush(log_file);
	}
	if (cap.h) {
		cap.h(true, buf, cap.arg);
		if (cap.nerrors < ARRAY_SIZE(cap.errors))
			re_snprintf(cap.errors[cap.nerrors++],
				    sizeof(cap.errors[0]), "%s", buf);
		return;
	}
	if (tty_err >= 0 || !log_file)
		(void)dprintf(tty_err >= 0 ? tty_err : STDERR_FILENO,
			      "sipflow: %s\n", buf);
}

int log_capture_begin(int *fdp, log_line_h *h, void *arg)
{
	int p[2];

	cap.h = h;
	cap.arg = arg;
	cap.nerrors = 0;
	cap.partlen = 0;
	*fdp = -1;
	if (log_file)
		return 0;

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK))
		return errno;
	/* Room for a burst (ALSA's probing); past it writes fail rather
	 * than block the loop thread, which is also the reader. */
	(void)fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	fflush(stderr);
	tty_err = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (tty_err < 0 || dup2(p[1], STDERR_FILENO) < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return e;
	}
	close(p[1]);
	cap.rfd = p[0];
	*fdp = p[0];
	return 0;
}

static void capture_line(const char *line, size_t len)
{
	char buf[sizeof(cap.part) + 1];

	while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
		--len;
	if (!len)
		return;
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	cap.h(false, buf, cap.arg);
}

void log_capture_read(void)
{
	char buf[4096];
	ssize_t n;

	while (cap.rfd >= 0 &&
	       (n = read(cap.rfd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n' ||
			    cap.partlen == sizeof(cap.part)) {
				capture_line(cap.part, cap.partlen);
				cap.partlen = 0;
				if (buf[i] == '\n')
					continue;
			}
			cap.part[cap.partlen++] = buf[i];
		}
	}
}

void log_capture_end(void)
{
	if (!cap.h)
		return;
	if (cap.rfd >= 0) {
		log_capture_read();
		fflush(stderr);
		(void)dup2(tty_err, STDERR_FILENO);
		close(tty_err);
		tty_err = -1;
		close(cap.rfd);
		cap.rfd = -1;
	}
	cap.h = NULL;
	for (unsigned i = 0; i < cap.nerrors; i++)
		(void)dprintf(tty_err >= 0 ? tty_err : STDERR_FILENO,
			      "sipflow: %s\n", cap.errors[i]);
	cap.nerrors = 0;
}
