/* A small fixed-depth jitter buffer ordered by RTP sequence number.
 * Playout is driven by the stream's 20 ms tick, so the receive timeline is
 * the sender's: a lost packet yields one concealed frame, not a shift. */
#ifndef SIPFLOW_JITTER_H
#define SIPFLOW_JITTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	JITBUF_SLOTS = 8,
	JITBUF_MAXFRAME = 640,  /* bytes: 40 ms of G.711, 20 ms of L16 */
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
	uint16_t next_seq;
	unsigned count;
	uint64_t late;        /* arrived after their playout slot */
	uint64_t dropped;     /* overflow or oversize */
	uint64_t concealed;   /* frames played as silence */
	struct jitbuf_slot slot[JITBUF_SLOTS];
};

void jitbuf_init(struct jitbuf *jb, unsigned depth);
void jitbuf_reset(struct jitbuf *jb);
/* 0, EALREADY (duplicate), ETIMEDOUT (too late), EMSGSIZE (too big). */
int  jitbuf_put(struct jitbuf *jb, uint16_t seq, uint32_t ts,
		const uint8_t *data, size_t len);
/* 0 with a frame; ENOENT when this tick has no frame (buffering, loss or
 * underrun: the caller conceals).  LEN is in/out. */
int  jitbuf_get(struct jitbuf *jb, uint8_t *data, size_t *len);

#endif
