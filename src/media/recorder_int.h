/* Inside the recorder: the two halves of a recording and the writer,
 * shared by recorder.c (the re thread's side) and recwriter.c (the
 * writer thread).  Nothing else includes this.
 *
 * struct recording lives on the re thread (mem_zalloc, libre refcounts).
 * struct sink is plain malloc'd memory holding the ring and the SNDFILE
 * handles; once registered it belongs to the writer thread, which frees
 * it after the re side sets `closing`.  The two threads share only the
 * ring (lock-free, pcmring.h), the sink's flags (atomics) and the
 * pending list (under the mutex), because libre's refcounts are not
 * thread-safe. */
#ifndef SIPFLOW_RECORDER_INT_H
#define SIPFLOW_RECORDER_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sndfile.h>
#include "pcmring.h"
#include "recorder.h"

enum {
	REC_RING_SECONDS = 2,  /* 20x the writer's wake interval */
	REC_WAKE_MS = 100,
};

/* Frames are (received, sent) pairs in stereo and separate mode, the
 * mixed sample in mixed mode; separate mode splits them into two mono
 * files as it writes. */
struct sink {
	struct sink *next;   /* writer's list (or pending, under mutex) */
	struct pcmring ring;
	SNDFILE *sf[2];
	unsigned nfiles;
	unsigned file_ch;    /* channels of each file */
	unsigned id;
	atomic_bool closing; /* the re side let go: drain, close, free */
	atomic_bool failed;  /* the writer gave up: puts are dropped */
};

struct recwriter {
	pthread_t thread;
	pthread_mutex_t mtx;
	pthread_cond_t cond;
	bool sync;           /* mtx and cond were initialised */
	bool running;        /* thread was started: join it */
	bool stop;           /* under mtx */
	bool kick;           /* under mtx: a recording ended, don't wait */
	struct sink *pending;/* under mtx: registered, not yet taken */
	struct mqueue *mq;
	recwriter_err_h *errh;
	void *arg;
	unsigned next_id;    /* re thread only */
};

/* recwriter.c */
void rec_sink_close(struct sink *s);
void rec_sink_free(struct sink *s);
/* Hand S to the writer thread. */
void recwriter_add(struct recwriter *w, struct sink *s);
/* Wake the writer now: a recording ended. */
void recwriter_kick(struct recwriter *w);

#endif
