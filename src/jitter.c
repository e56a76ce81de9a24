#include <errno.h>
#include <string.h>
#include "jitter.h"

void jitbuf_init(struct jitbuf *jb, unsigned depth)
{
	memset(jb, 0, sizeof(*jb));
	jb->depth = depth ? depth : 1;
	if (jb->depth >= JITBUF_SLOTS)
		jb->depth = JITBUF_SLOTS - 1;
}

void jitbuf_reset(struct jitbuf *jb)
{
	unsigned depth = jb->depth;
	jitbuf_init(jb, depth);
}

static struct jitbuf_slot *oldest(struct jitbuf *jb)
{
	struct jitbuf_slot *o = NULL;

	for (unsigned i = 0; i < JITBUF_SLOTS; i++) {
		struct jitbuf_slot *s = &jb->slot[i];
		if (!s->used)
			continue;
		if (!o || (int16_t)(s->seq - o->seq) < 0)
			o = s;
	}
	return o;
}

int jitbuf_put(struct jitbuf *jb, uint16_t seq, uint32_t ts,
	       const uint8_t *data, size_t len)
{
	struct jitbuf_slot *s = &jb->slot[seq % JITBUF_SLOTS];

	if (len > JITBUF_MAXFRAME) {
		++jb->dropped;
		return EMSGSIZE;
	}

	/* Once playout has begun, anything before next_seq is history, also
	 * while re-buffering after an underrun. */
	if (jb->started && (int16_t)(seq - jb->next_seq) < 0) {
		++jb->late;
		return ETIMEDOUT;
	}

	if (s->used && s->seq == seq)
		return EALREADY;

	if (s->used) {
		/* The slot holds a frame a whole buffer older: overflow. */
		++jb->dropped;
		--jb->count;
	}

	/* The first playout starts at the lowest sequence seen. */
	if (!jb->started && (!jb->count ||
			     (int16_t)(seq - jb->next_seq) < 0))
		jb->next_seq = seq;

	s->used = true;
	s->seq = seq;
	s->ts = ts;
	s->len = (uint16_t)len;
	memcpy(s->data, data, len);
	++jb->count;

	if (!jb->playing && jb->count >= jb->depth) {
		jb->playing = true;
		jb->started = true;
	}

	return 0;
}

int jitbuf_get(struct jitbuf *jb, uint8_t *data, size_t *len)
{
	struct jitbuf_slot *s;

	if (!jb->playing)
		return ENOENT;

	if (!jb->count) {
		/* Underrun: stop and buffer up to the target depth again. */
		jb->playing = false;
		++jb->concealed;
		return ENOENT;
	}

	s = &jb->slot[jb->next_seq % JITBUF_SLOTS];
	if (!s->used || s->seq != jb->next_seq) {
		/* Missing at its playout time: conceal it.  If the buffer is
		 * nearly full we are behind a long gap; jump to what we have
		 * rather than concealing frame by frame while new ones drop. */
		struct jitbuf_slot *o = oldest(jb);
		if (o && jb->count >= JITBUF_SLOTS - 1)
			jb->next_seq = o->seq;
		else
			++jb->next_seq;
		++jb->concealed;
		return ENOENT;
	}

	if (*len < s->len)
		return EMSGSIZE;

	memcpy(data, s->data, s->len);
	*len = s->len;
	s->used = false;
	--jb->count;
	++jb->next_seq;
	return 0;
}
