/* The recording writer thread (see recorder.h and recorder_int.h): it
 * wakes every 100 ms, or at once when a recording ends, drains every
 * ring to libsndfile and reports a failing disk to the re thread by
 * mqueue. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <re.h>
#include "recorder_int.h"

enum { SPLIT_FRAMES = 1024 };  /* separate mode splits this many at once */

void rec_sink_close(struct sink *s)
{
	unsigned i;

	/* The header was kept current by every write; a failing final
	 * rewrite has nothing left to lose, so its result is ignored. */
	for (i = 0; i < ARRAY_SIZE(s->sf); i++) {
		if (s->sf[i])
			(void)sf_close(s->sf[i]);
		s->sf[i] = NULL;
	}
}

void rec_sink_free(struct sink *s)
{
	if (!s)
		return;

	rec_sink_close(s);
	pcmring_free(&s->ring);
	free(s);
}

static int write_file(SNDFILE *sf, const int16_t *p, size_t n)
{
	sf_count_t done;

	errno = 0;
	done = sf_writef_short(sf, p, (sf_count_t)n);
	return done == (sf_count_t)n ? 0 : errno ? errno : EIO;
}

/* N frames from P: as they are, or split into the -rx and -tx files. */
static int sink_write(struct sink *s, const int16_t *p, size_t n)
{
	int16_t side[2][SPLIT_FRAMES];
	size_t done, k, j;
	int err = 0;

	if (s->nfiles == 1)
		return write_file(s->sf[0], p, n);

	for (done = 0; !err && done < n; done += k) {
		k = MIN(n - done, (size_t)SPLIT_FRAMES);
		for (j = 0; j < k; j++) {
			side[0][j] = p[2 * (done + j)];
			side[1][j] = p[2 * (done + j) + 1];
		}
		err = write_file(s->sf[0], side[0], k);
		if (!err)
			err = write_file(s->sf[1], side[1], k);
	}
	return err;
}

static void sink_fail(struct recwriter *w, struct sink *s, int err)
{
	rec_sink_close(s);
	atomic_store_explicit(&s->failed, true, memory_order_relaxed);

	/* The errno rides in the data pointer, so an undelivered message
	 * (writer freed first) leaks nothing. */
	(void)mqueue_push(w->mq, (int)s->id, (void *)(intptr_t)err);
}

static void sink_drain(struct recwriter *w, struct sink *s)
{
	const int16_t *p;
	size_t n;
	int err;

	if (atomic_load_explicit(&s->failed, memory_order_relaxed))
		return;

	while ((n = pcmring_peek(&s->ring, &p)) > 0) {
		err = sink_write(s, p, n);
		if (err) {
			sink_fail(w, s, err);
			return;
		}
		pcmring_release(&s->ring, n);
	}
}

static void service(struct recwriter *w, struct sink **list, bool stop)
{
	struct sink **pp = list;

	while (*pp) {
		struct sink *s = *pp;
		/* Read before draining: once set, the re side has put its
		 * last frame, so this drain takes everything. */
		bool last = stop ||
			atomic_load_explicit(&s->closing, memory_order_acquire);

		sink_drain(w, s);
		if (last) {
			*pp = s->next;
			rec_sink_free(s);
		}
		else {
			pp = &s->next;
		}
	}
}

static void timespec_add_ms(struct timespec *ts, unsigned ms)
{
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec += 1;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Sleep until kicked, stopped or REC_WAKE_MS passed, then take the sinks
 * registered meanwhile.  Returns the stop flag. */
static bool wait_work(struct recwriter *w, struct sink **list)
{
	struct timespec ts;
	struct sink *s;
	bool stop;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	timespec_add_ms(&ts, REC_WAKE_MS);

	pthread_mutex_lock(&w->mtx);
	while (!w->stop && !w->kick) {
		if (pthread_cond_timedwait(&w->cond, &w->mtx, &ts))
			break;
	}
	w->kick = false;
	stop = w->stop;

	while ((s = w->pending) != NULL) {
		w->pending = s->next;
		s->next = *list;
		*list = s;
	}
	pthread_mutex_unlock(&w->mtx);

	return stop;
}

static void *writer_main(void *arg)
{
	struct recwriter *w = arg;
	struct sink *list = NULL;
	bool stop;

	do {
		stop = wait_work(w, &list);
		service(w, &list, stop);
	} while (!stop);

	return NULL;
}

void recwriter_kick(struct recwriter *w)
{
	pthread_mutex_lock(&w->mtx);
	w->kick = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mtx);
}

void recwriter_add(struct recwriter *w, struct sink *s)
{
	pthread_mutex_lock(&w->mtx);
	s->next = w->pending;
	w->pending = s;
	pthread_mutex_unlock(&w->mtx);
}

static void writer_destructor(void *arg)
{
	struct recwriter *w = arg;

	/* Every recording holds a reference, so all sinks are closing by
	 * now; the thread's last pass drains and frees them. */
	if (w->running) {
		pthread_mutex_lock(&w->mtx);
		w->stop = true;
		pthread_cond_signal(&w->cond);
		pthread_mutex_unlock(&w->mtx);
		pthread_join(w->thread, NULL);
	}

	if (w->sync) {
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->mtx);
	}

	mem_deref(w->mq);
}

static int writer_sync_init(struct recwriter *w)
{
	pthread_condattr_t ca;
	int err;

	err = pthread_mutex_init(&w->mtx, NULL);
	if (err)
		return err;

	err = pthread_condattr_init(&ca);
	if (!err) {
		/* Timed waits must not stretch when the wall clock jumps. */
		err = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		if (!err)
			err = pthread_cond_init(&w->cond, &ca);
		pthread_condattr_destroy(&ca);
	}
	if (err) {
		pthread_mutex_destroy(&w->mtx);
		return err;
	}

	w->sync = true;
	return 0;
}

static int writer_start(struct recwriter *w)
{
	sigset_t all, old;
	int err;

	/* The thread inherits a full mask: process signals stay with the
	 * re thread, and the SIGXFSZ its own write() raises at a file size
	 * limit stays pending instead of killing us; the write just fails
	 * with EFBIG. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&w->thread, NULL, writer_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	w->running = !err;
	return err;
}

static void mq_handler(int id, void *data, void *arg)
{
	struct recwriter *w = arg;

	if (w->errh)
		w->errh((unsigned)id, (int)(intptr_t)data, w->arg);
}

int recwriter_alloc(struct recwriter **wp, recwriter_err_h *errh, void *arg)
{
	struct recwriter *w;
	int err;

	if (!wp)
		return EINVAL;

	w = mem_zalloc(sizeof(*w), writer_destructor);
	if (!w)
		return ENOMEM;

	w->errh = errh;
	w->arg = arg;

	err = mqueue_alloc(&w->mq, mq_handler, w);
	if (!err)
		err = writer_sync_init(w);
	if (!err)
		err = writer_start(w);
	if (err) {
		mem_deref(w);
		return err;
	}

	*wp = w;
	return 0;
}
