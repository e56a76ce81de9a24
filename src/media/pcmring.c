/* The single-producer single-consumer PCM ring (see pcmring.h).  Each
 * side stores only its own position, with release, and loads the
 * other's with acquire: the producer's frames are in memory before the
 * consumer sees head move, and the consumer is done with a slot before
 * the producer sees tail pass it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "pcmring.h"

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

int pcmring_init(struct pcmring *rg, size_t min_frames, unsigned ch)
{
	size_t cap = 1;

	if (!rg || !ch || min_frames > SIZE_MAX / 4 / ch)
		return EINVAL;
	while (cap < min_frames)
		cap <<= 1;

	rg->buf = calloc(cap * ch, sizeof(*rg->buf));
	if (!rg->buf)
		return ENOMEM;
	rg->ch = ch;
	rg->mask = cap - 1;
	atomic_init(&rg->head, 0);
	atomic_init(&rg->tail, 0);
	return 0;
}

void pcmring_free(struct pcmring *rg)
{
	if (!rg)
		return;
	free(rg->buf);
	rg->buf = NULL;
	rg->mask = 0;
}

size_t pcmring_capacity(const struct pcmring *rg)
{
	return rg->buf ? rg->mask + 1 : 0;
}

size_t pcmring_fill(const struct pcmring *rg)
{
	size_t tail = atomic_load_explicit(&rg->tail, memory_order_acquire);
	size_t head = atomic_load_explicit(&rg->head, memory_order_acquire);

	return head - tail;
}

size_t pcmring_space(const struct pcmring *rg)
{
	return pcmring_capacity(rg) - pcmring_fill(rg);
}

int16_t *pcmring_slot(struct pcmring *rg, size_t k)
{
	size_t head = atomic_load_explicit(&rg->head, memory_order_relaxed);

	return rg->buf + ((head + k) & rg->mask) * rg->ch;
}

void pcmring_commit(struct pcmring *rg, size_t n)
{
	size_t head = atomic_load_explicit(&rg->head, memory_order_relaxed);

	atomic_store_explicit(&rg->head, head + n, memory_order_release);
}

bool pcmring_write(struct pcmring *rg, const int16_t *frames, size_t n)
{
	size_t head, pos, first;

	if (!rg->buf || n > pcmring_space(rg))
		return false;

	head = atomic_load_explicit(&rg->head, memory_order_relaxed);
	pos = head & rg->mask;
	first = min_size(n, rg->mask + 1 - pos);
	memcpy(rg->buf + pos * rg->ch, frames,
	       first * rg->ch * sizeof(*frames));
	memcpy(rg->buf, frames + first * rg->ch,
	       (n - first) * rg->ch * sizeof(*frames));
	pcmring_commit(rg, n);
	return true;
}

size_t pcmring_peek(const struct pcmring *rg, const int16_t **p)
{
	size_t tail = atomic_load_explicit(&rg->tail, memory_order_relaxed);
	size_t head = atomic_load_explicit(&rg->head, memory_order_acquire);
	size_t pos = tail & rg->mask;

	*p = rg->buf + pos * rg->ch;
	return min_size(head - tail, rg->mask + 1 - pos);
}

size_t pcmring_read(struct pcmring *rg, int16_t *dst, size_t n)
{
	size_t done = 0;

	while (done < n) {
		const int16_t *p;
		size_t k = min_size(pcmring_peek(rg, &p), n - done);

		if (!k)
			break;
		memcpy(dst + done * rg->ch, p, k * rg->ch * sizeof(*p));
		pcmring_release(rg, k);
		done += k;
	}
	return done;
}

void pcmring_release(struct pcmring *rg, size_t n)
{
	size_t tail = atomic_load_explicit(&rg->tail, memory_order_relaxed);

	atomic_store_explicit(&rg->tail, tail + n, memory_order_release);
}
