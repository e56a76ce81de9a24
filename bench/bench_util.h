/* What the call benchmarks share: their two instances' configuration
 * and the process's resident memory. */
#ifndef SIPFLOW_BENCH_UTIL_H
#define SIPFLOW_BENCH_UTIL_H

#include <stdint.h>
#include <sys/resource.h>
#include "media/sched.h"

struct conf;
struct sched;

/* A configuration from the text FMT makes (through a file, as a user's
 * would be read).  Says why on stderr. */
int bench_conf_text(struct conf **cp, const char *fmt, ...);

/* Instances a (user 1, at PORT, tone 440) and b (user 2, at PORT + 1,
 * answers at once, tone 660), RTP from RTP_PORTS ("lo-hi"), no RTP
 * timeout. */
int bench_conf(struct conf **cp, uint16_t port, const char *rtp_ports);
/* libre, the fd limit, and the app on bench_conf(PORT, RTP_PORTS) with
 * H subscribed to its bus (*SUBP), started.  Says why on stderr. */
struct app;
struct evsub;
struct event;
typedef void (bench_event_h)(const struct event *ev, void *arg);
int bench_start(struct app **ap, struct conf **cp, struct evsub **subp,
		uint16_t port, const char *rtp_ports, bench_event_h *h);
/* The same on a configuration made with libre already up (bench_init). */
int bench_init(void);
int bench_start_conf(struct app **ap, struct conf *conf,
		     struct evsub **subp, bench_event_h *h);

/* A measurement window: from bench_window_start() on, the process's CPU
 * time and the scheduler's pacing of every stream. */
struct bench_window {
	struct rusage ru0;
	uint64_t t0;
	long rss_kb;               /* RSS when it started */
	struct sched_stats stats;
};
void bench_window_start(struct bench_window *w, struct sched *sched);
/* CPU seconds since the start; *WALLP the wall seconds. */
double bench_window_cpu(const struct bench_window *w, double *wallp);
/* The "inter-departure" line of the window's pacing. */
void bench_print_pacing(const struct bench_window *w);
/* VmRSS in kB, -1 if unknown. */
long bench_rss_kb(void);

#endif
