/* What the call benchmarks share: their two instances' configuration
 * and the process's resident memory. */
#ifndef SIPFLOW_BENCH_UTIL_H
#define SIPFLOW_BENCH_UTIL_H

#include <stdint.h>

struct conf;

/* Instances a (user 1, at PORT, tone 440) and b (user 2, at PORT + 1,
 * answers at once, tone 660), RTP from RTP_PORTS ("lo-hi"), no RTP
 * timeout. */
int bench_conf(struct conf **cp, uint16_t port, const char *rtp_ports);
/* libre, the fd limit, and the app on bench_conf(PORT, RTP_PORTS) with
 * H subscribed to its bus (*SUBP), started.  Says why on stderr. */
struct app;
struct evsub;
struct event;
int bench_start(struct app **ap, struct conf **cp, struct evsub **subp,
		uint16_t port, const char *rtp_ports,
		void (*h)(const struct event *ev, void *arg));
/* VmRSS in kB, -1 if unknown. */
long bench_rss_kb(void);

#endif
