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

static void vlog(const char *level, const char *fmt, va_list ap)
{
	FILE *f = log_file ? log_file : stderr;
	char buf[1024];
	struct timespec ts;

	(void)re_vsnprintf(buf, sizeof(buf), fmt, ap);
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
	if (tty_err >= 0 || !log_file)
		(void)dprintf(tty_err >= 0 ? tty_err : STDERR_FILENO,
			      "sipflow: %s\n", buf);
}
