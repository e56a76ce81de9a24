/* The receive jitter buffer, ordered by RTP sequence number.  Playout is
 * driven by the stream's 20 ms tick, so the receive timeline is the
 * sender's: a lost packet yields one concealed frame, not a shift.
 *
 * It holds up to JITBUF_SLOTS frames so that a burst (a receive backlog
 * draining after the machine stalled, or a network queue letting go) is
 * kept, not dropped; the latency such a burst adds is given back within
 * JITBUF_SHRINK_TICKS by dropping the frames that stayed surplus the
 * whole time.  A frame it holds is never concealed: when the next frame
 * is missing and more than the target depth is waiting, playout moves on
 * to the oldest frame held.  A sequence jump or a new SSRC restarts the
 * timeline at once (a lone frame far behind, or one from the source just
 * left, is a straggler and goes).  Every frame played as silence after
 * playout began counts as concealed, every received frame thrown away as
 * dropped. */
#ifndef SIPFLOW_JITTER_H
#define SIPFLOW_JITTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	JITBUF_SLOTS = 16,       /* 320 ms of 20 ms frames */
	JITBUF_MAXFRAME = 640,   /* bytes: 40 ms of G.711, 20 ms of L16 */
	JITBUF_SHRINK_TICKS = 25,   /* 500 ms: how long a surplus may stay */
	JITBUF_MAX_LATE = 100,   /* frames: further behind is a new timeline */
};

struct jitbuf_slot {
	bool used;
	uint16_t seq;
	uint32_t ts;
	uint16_t len;
	uint8_t data[JITBUF_MAXFRAME];
};

struct jitbuf {
	unsigned depth;       /* frames buffered before playout starts */
	bool playing;
	bool started;         /* played before: next_seq is authoritative */
	bool have_ssrc, have_prev;
	uint32_t ssrc, prev_ssrc;  /* the source now, and the one before */
	bool have_stray;
	uint16_t stray;       /* a frame far behind playout, just seen */
	uint16_t next_seq;
	unsigned count;
	unsigned min_count;   /* lowest fill seen in this shrink window */
	unsigned window;      /* ticks into this shrink window */
	uint64_t late;        /* arrived after their playout slot */
	uint64_t dropped;     /* received, never played (late included) */
	uint64_t concealed;   /* ticks played as silence after the start */
	struct jitbuf_slot slot[JITBUF_SLOTS];
};

void jitbuf_init(struct jitbuf *jb, unsigned depth);
/* A new codec or source: empty, buffering again; counters stay. */
void jitbuf_reset(struct jitbuf *jb);
/* 0, EALREADY (duplicate), ETIMEDOUT (too late), EMSGSIZE (too big). */
int  jitbuf_put(struct jitbuf *jb, uint32_t ssrc, uint16_t seq, uint32_t ts,
		const uint8_t *data, size_t len);
/* One playout tick: 0 with a frame; ENOENT when this tick has no frame
 * (buffering, loss or underrun: the caller conceals).  LEN is in/out. */
int  jitbuf_get(struct jitbuf *jb, uint8_t *data, size_t *len);

#endif
