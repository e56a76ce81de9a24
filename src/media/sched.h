/* One pacing scheduler for every stream.  Entries are kept in deadline
 * order; a single timerfd armed at the earliest absolute deadline (ns
 * resolution) wakes the event loop, which runs every due entry and
 * advances its deadline by exactly one period.  No per-stream timers, no
 * drift: hundreds of legs stay on time. */
#ifndef SIPFLOW_SCHED_H
#define SIPFLOW_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include <re.h>

struct sched;

typedef void (sched_tick_h)(void *arg, uint64_t now, uint64_t deadline);

struct sched_entry {
	struct le le;
	uint64_t deadline;    /* ns, CLOCK_MONOTONIC */
	uint64_t last;        /* when the previous tick ran */
	sched_tick_h *tickh;
	void *arg;
	bool active;
};

/* Inter-departure deviation |(t_n - t_{n-1}) - period|, microseconds. */
enum { SCHED_HIST_US = 20000 };
struct sched_stats {
	uint64_t ticks;
	uint64_t resyncs;     /* fell more than 5 periods behind */
	uint64_t max_dev_us;
	uint64_t hist[SCHED_HIST_US + 1];  /* last bucket: >= SCHED_HIST_US */
};

int  sched_alloc(struct sched **sp, uint32_t period_us);
/* Start ticking E at FIRST (ns); E must not be active. */
void sched_add(struct sched *s, struct sched_entry *e, uint64_t first,
	       sched_tick_h *tickh, void *arg);
void sched_remove(struct sched_entry *e);
/* Measure inter-departure times (for bench/); off by default. */
void sched_measure(struct sched *s, struct sched_stats *stats);
/* Percentile P (0..100) of the recorded deviations, in microseconds. */
double sched_stats_percentile(const struct sched_stats *st, double p);

#endif
