#include <string.h>
#include <unistd.h>
#include <sys/timerfd.h>
#include <re.h>
#include "base/util.h"
#include "sched.h"

struct sched {
	struct list entries;  /* sorted by deadline, earliest first */
	uint64_t period;
	int tfd;
	uint64_t armed;       /* deadline the timerfd is armed for, 0: none */
	struct sched_stats *stats;
};

static void arm(struct sched *s)
{
	struct itimerspec its;
	struct sched_entry *head;

	memset(&its, 0, sizeof(its));

	head = s->entries.head ? s->entries.head->data : NULL;
	if (!head) {
		if (s->armed)
			(void)timerfd_settime(s->tfd, TFD_TIMER_ABSTIME, &its,
					      NULL);
		s->armed = 0;
		return;
	}

	if (s->armed == head->deadline)
		return;

	its.it_value.tv_sec = (time_t)(head->deadline / 1000000000ull);
	its.it_value.tv_nsec = (long)(head->deadline % 1000000000ull);
	if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
		its.it_value.tv_nsec = 1;
	(void)timerfd_settime(s->tfd, TFD_TIMER_ABSTIME, &its, NULL);
	s->armed = head->deadline;
}

/* Insert keeping deadline order.  Searching from the tail is O(1) in the
 * steady state, where a re-queued entry is always the latest. */
static void insert_sorted(struct sched *s, struct sched_entry *e)
{
	struct le *le;

	for (le = s->entries.tail; le; le = le->prev) {
		struct sched_entry *x = le->data;
		if (x->deadline <= e->deadline) {
			list_insert_after(&s->entries, le, &e->le, e);
			return;
		}
	}
	list_prepend(&s->entries, &e->le, e);
}

static void record(struct sched *s, struct sched_entry *e, uint64_t now)
{
	uint64_t gap, dev;

	if (!e->last)
		return;

	gap = now - e->last;
	dev = gap > s->period ? gap - s->period : s->period - gap;
	dev /= 1000;

	++s->stats->ticks;
	if (dev > s->stats->max_dev_us)
		s->stats->max_dev_us = dev;
	++s->stats->hist[dev < SCHED_HIST_US ? dev : SCHED_HIST_US];
}

static void timer_handler(int flags, void *arg)
{
	struct sched *s = arg;
	uint64_t expirations, now;
	ssize_t n;
	(void)flags;

	n = read(s->tfd, &expirations, sizeof(expirations));
	(void)n;
	s->armed = 0;

	now = now_ns();

	while (s->entries.head) {
		struct sched_entry *e = s->entries.head->data;
		uint64_t deadline = e->deadline;

		if (deadline > now)
			break;

		list_unlink(&e->le);
		e->deadline += s->period;
		if (e->deadline + 5 * s->period < now) {
			/* Far behind (the machine stalled): skip the missed
			 * ticks instead of bursting to catch up. */
			e->deadline = now + s->period;
			if (s->stats)
				++s->stats->resyncs;
		}
		insert_sorted(s, e);

		if (s->stats)
			record(s, e, now);
		e->last = now;

		e->tickh(e->arg, now, deadline);

		/* A long batch moves time on: re-read the clock so entries
		 * queued behind it are judged against the real time. */
		now = now_ns();
	}

	arm(s);
}

static void destructor(void *arg)
{
	struct sched *s = arg;

	while (s->entries.head) {
		struct sched_entry *e = s->entries.head->data;
		list_unlink(&e->le);
		e->active = false;
	}
	if (s->tfd >= 0) {
		fd_close(s->tfd);
		close(s->tfd);
	}
}

int sched_alloc(struct sched **sp, uint32_t period_us)
{
	struct sched *s;
	int err;

	if (!sp || !period_us)
		return EINVAL;

	s = mem_zalloc(sizeof(*s), destructor);
	if (!s)
		return ENOMEM;

	s->period = (uint64_t)period_us * 1000ull;
	s->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (s->tfd < 0) {
		err = errno;
		mem_deref(s);
		return err;
	}

	err = fd_listen(s->tfd, FD_READ, timer_handler, s);
	if (err) {
		mem_deref(s);
		return err;
	}

	*sp = s;
	return 0;
}

void sched_add(struct sched *s, struct sched_entry *e, uint64_t first,
	       sched_tick_h *tickh, void *arg)
{
	if (!s || !e || e->active)
		return;

	e->deadline = first;
	e->last = 0;
	e->tickh = tickh;
	e->arg = arg;
	e->active = true;
	insert_sorted(s, e);
	arm(s);
}

void sched_remove(struct sched_entry *e)
{
	if (!e || !e->active)
		return;
	list_unlink(&e->le);
	e->active = false;
	/* The timerfd may fire for an entry that is gone: harmless. */
}

void sched_measure(struct sched *s, struct sched_stats *stats)
{
	if (s)
		s->stats = stats;
}

double sched_stats_percentile(const struct sched_stats *st, double p)
{
	uint64_t want, seen = 0;

	if (!st || !st->ticks)
		return 0.0;

	want = (uint64_t)((double)st->ticks * p / 100.0);
	if (want >= st->ticks)
		want = st->ticks - 1;

	for (size_t i = 0; i <= SCHED_HIST_US; i++) {
		seen += st->hist[i];
		if (seen > want)
			return (double)i;
	}
	return (double)SCHED_HIST_US;
}
