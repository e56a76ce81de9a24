#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <re.h>
#include "base/event.h"
#include "base/util.h"
#include "sip/app.h"
#include "sip/conf.h"
#include "bench_util.h"

int bench_conf_text(struct conf **cp, const char *fmt, ...)
{
	char path[] = "/tmp/sipflow-bench.XXXXXX", err[256];
	va_list ap;
	FILE *f;
	int fd, e;

	fd = mkstemp(path);
	if (fd < 0)
		return errno;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(path);
		return ENOMEM;
	}
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
	e = conf_load(cp, path, err, sizeof(err));
	if (e)
		fprintf(stderr, "bench: %s\n", err);
	unlink(path);
	return e;
}

int bench_conf(struct conf **cp, uint16_t port, const char *rtp_ports)
{
	return bench_conf_text(cp, "[general]\nrtp_ports = %s\n"
			       "rtp_timeout = 0\n"
			       "[a]\nuser = 1\nport = %u\nsource = tone:440\n"
			       "[b]\nuser = 2\nport = %u\nsource = tone:660\n"
			       "answer = auto\n", rtp_ports, port, port + 1U);
}

long bench_rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "VmRSS:", 6))
			kb = strtol(line + 6, NULL, 10);
	}
	if (f)
		fclose(f);
	return kb;
}

int bench_init(void)
{
	if (libre_init())
		return EIO;
	app_raise_fd_limit();
	return 0;
}

int bench_start_conf(struct app **ap, struct conf *conf,
		     struct evsub **subp, bench_event_h *h)
{
	char err[256] = "";
	int e;

	e = app_alloc(ap, conf);
	if (!e)
		e = evbus_subscribe(subp, (*ap)->env.bus, h, NULL);
	if (!e)
		e = app_start(*ap, err, sizeof(err));
	if (e)
		fprintf(stderr, "bench: start: %s (%s)\n", err, strerror(e));
	return e;
}

int bench_start(struct app **ap, struct conf **cp, struct evsub **subp,
		uint16_t port, const char *rtp_ports, bench_event_h *h)
{
	int e = bench_init();

	if (!e)
		e = bench_conf(cp, port, rtp_ports);
	if (!e)
		e = bench_start_conf(ap, *cp, subp, h);
	return e;
}

void bench_window_start(struct bench_window *w, struct sched *sched)
{
	w->rss_kb = bench_rss_kb();
	getrusage(RUSAGE_SELF, &w->ru0);
	w->t0 = now_ns();
	memset(&w->stats, 0, sizeof(w->stats));
	sched_measure(sched, &w->stats);
}

double bench_window_cpu(const struct bench_window *w, double *wallp)
{
	const struct rusage *a = &w->ru0;
	struct rusage b;

	getrusage(RUSAGE_SELF, &b);
	*wallp = (double)(now_ns() - w->t0) / 1e9;
	return (b.ru_utime.tv_sec - a->ru_utime.tv_sec) +
		(b.ru_utime.tv_usec - a->ru_utime.tv_usec) / 1e6 +
		(b.ru_stime.tv_sec - a->ru_stime.tv_sec) +
		(b.ru_stime.tv_usec - a->ru_stime.tv_usec) / 1e6;
}

void bench_print_pacing(const struct bench_window *w)
{
	const struct sched_stats *st = &w->stats;

	printf("inter-departure  deviation from 20 ms over %llu gaps: "
	       "p50 %.0f us, p99 %.0f us, p99.9 %.0f us, max %llu us, "
	       "resyncs %llu\n",
	       (unsigned long long)st->ticks,
	       sched_stats_percentile(st, 50),
	       sched_stats_percentile(st, 99),
	       sched_stats_percentile(st, 99.9),
	       (unsigned long long)st->max_dev_us,
	       (unsigned long long)st->resyncs);
}
