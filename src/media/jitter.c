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

/* A frame held that will never be played. */
static void drop_slot(struct jitbuf *jb, struct jitbuf_slot *s)
{
	s->used = false;
	--jb->count;
	++jb->dropped;
}

static void drop_all(struct jitbuf *jb)
{
	for (unsigned i = 0; i < JITBUF_SLOTS; i++) {
		if (jb->slot[i].used)
			drop_slot(jb, &jb->slot[i]);
	}
}

void jitbuf_reset(struct jitbuf *jb)
{
	drop_all(jb);
	jb->playing = false;
	jb->have_ssrc = false;
	jb->have_prev = false;
	jb->have_stray = false;
	/* The next frame starts a timeline of its own. */
	jb->started = false;
	jb->window = 0;
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

/* Playout goes on from the oldest frame held (nothing held: unchanged). */
static void skip_to_oldest(struct jitbuf *jb)
{
	const struct jitbuf_slot *o = oldest(jb);

	if (o)
		jb->next_seq = o->seq;
}

static void drop_oldest(struct jitbuf *jb)
{
	struct jitbuf_slot *o = oldest(jb);

	if (!o)
		return;
	drop_slot(jb, o);
	jb->next_seq = (uint16_t)(o->seq + 1);
}

/* A new source, or a sequence number no burst or reordering explains:
 * what is held belongs to the old timeline, and playout buffers up to
 * the target depth again. */
static void restart_at(struct jitbuf *jb, uint16_t seq)
{
	drop_all(jb);
	jb->next_seq = seq;
	jb->playing = false;
	jb->have_stray = false;
	jb->window = 0;
}

/* Before the first playout a frame may come that is older than those
 * held: playout starts from it, and what it puts out of reach goes. */
static void start_earlier(struct jitbuf *jb, uint16_t seq)
{
	for (unsigned i = 0; i < JITBUF_SLOTS; i++) {
		struct jitbuf_slot *s = &jb->slot[i];

		if (s->used && (int16_t)(s->seq - seq) >= JITBUF_SLOTS)
			drop_slot(jb, s);
	}
	jb->next_seq = seq;
}

/* A frame far behind playout: one alone is a stray (an old duplicate, a
 * packet reordered across a restart) and goes; two in a row are a sender
 * that started its sequence over. */
static bool restarted_behind(struct jitbuf *jb, uint16_t seq)
{
	if (jb->have_stray && seq == (uint16_t)(jb->stray + 1))
		return true;
	jb->stray = seq;
	jb->have_stray = true;
	return false;
}

int jitbuf_put(struct jitbuf *jb, uint32_t ssrc, uint16_t seq, uint32_t ts,
	       const uint8_t *data, size_t len)
{
	struct jitbuf_slot *s;
	int16_t ahead;

	if (len > JITBUF_MAXFRAME) {
		++jb->dropped;
		return EMSGSIZE;
	}

	if (jb->have_ssrc && ssrc != jb->ssrc) {
		/* What the old source still had on the way is history. */
		if (jb->have_prev && ssrc == jb->prev_ssrc) {
			++jb->dropped;
			return ETIMEDOUT;
		}
		jb->prev_ssrc = jb->ssrc;
		jb->have_prev = true;
		restart_at(jb, seq);
	}
	jb->ssrc = ssrc;
	jb->have_ssrc = true;

	/* The first playout starts at the lowest sequence seen. */
	if (!jb->started) {
		if (!jb->count)
			jb->next_seq = seq;
		else if ((int16_t)(seq - jb->next_seq) <= -JITBUF_MAX_LATE)
			restart_at(jb, seq);
		else if ((int16_t)(seq - jb->next_seq) < 0)
			start_earlier(jb, seq);
	}

	ahead = (int16_t)(seq - jb->next_seq);

	/* Once playout has begun, anything before next_seq is history, also
	 * while re-buffering after an underrun. */
	if (jb->started && ahead < 0) {
		if (ahead >= -JITBUF_MAX_LATE) {
			++jb->late;
			++jb->dropped;
			return ETIMEDOUT;
		}
		if (!restarted_behind(jb, seq)) {
			++jb->dropped;
			return ETIMEDOUT;
		}
		restart_at(jb, seq);
		ahead = 0;
	}

	if (ahead >= JITBUF_MAX_LATE) {
		restart_at(jb, seq);
	}
	else if (ahead >= JITBUF_SLOTS) {
		/* A burst longer than the buffer: the oldest go, as many as
		 * it takes to make room. */
		const struct jitbuf_slot *o;

		while ((o = oldest(jb)) != NULL &&
		       (int16_t)(seq - o->seq) >= JITBUF_SLOTS)
			drop_oldest(jb);
		if (jb->count)
			skip_to_oldest(jb);
		else
			jb->next_seq = seq;
	}

	s = &jb->slot[seq % JITBUF_SLOTS];
	if (s->used && s->seq == seq)
		return EALREADY;
	/* Not reachable: every frame held is within JITBUF_SLOTS of
	 * next_seq.  Kept so a broken invariant costs a frame, not a wrong
	 * count. */
	if (s->used)
		drop_slot(jb, s);

	s->used = true;
	s->seq = seq;
	s->ts = ts;
	s->len = (uint16_t)len;
	memcpy(s->data, data, len);
	++jb->count;

	if (!jb->playing && jb->count >= jb->depth) {
		/* Frames missing at the restart were silence already. */
		if (jb->started && !jb->slot[jb->next_seq % JITBUF_SLOTS].used)
			skip_to_oldest(jb);
		jb->playing = true;
		jb->started = true;
		jb->min_count = jb->count;
		jb->window = 0;
	}

	return 0;
}

/* Latency a burst left behind: frames that stayed surplus to the target
 * depth for a whole window are only delay, and go. */
static void shrink(struct jitbuf *jb)
{
	if (jb->count < jb->min_count)
		jb->min_count = jb->count;
	if (++jb->window < JITBUF_SHRINK_TICKS)
		return;
	for (unsigned n = jb->min_count; n > jb->depth && jb->count > 1; n--)
		drop_oldest(jb);
	jb->window = 0;
	jb->min_count = jb->count;
}

int jitbuf_get(struct jitbuf *jb, uint8_t *data, size_t *len)
{
	struct jitbuf_slot *s;

	if (!jb->playing) {
		/* Re-buffering after playout began is heard as silence. */
		if (jb->started)
			++jb->concealed;
		return ENOENT;
	}

	if (!jb->count) {
		/* Underrun: stop and buffer up to the target depth again. */
		jb->playing = false;
		++jb->concealed;
		return ENOENT;
	}

	shrink(jb);

	s = &jb->slot[jb->next_seq % JITBUF_SLOTS];
	if (!s->used || s->seq != jb->next_seq) {
		/* Missing at its playout time.  With no more than the target
		 * depth waiting, it may still come: conceal this tick and
		 * keep the timeline.  With more, waiting only adds delay:
		 * play the oldest frame held now. */
		if (jb->count <= jb->depth) {
			++jb->next_seq;
			++jb->concealed;
			return ENOENT;
		}
		skip_to_oldest(jb);
		s = &jb->slot[jb->next_seq % JITBUF_SLOTS];
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
