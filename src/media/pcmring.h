/* A lock-free ring of 16-bit PCM frames between exactly one producer
 * thread and one consumer thread (DESIGN.md principle 2).  The recorder
 * hands audio to its writer thread through one, the monitor to
 * PortAudio's callback through another.  Positions count frames forever;
 * the capacity is a power of two, so they may wrap. */
#ifndef SIPFLOW_PCMRING_H
#define SIPFLOW_PCMRING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pcmring {
	int16_t *buf;
	unsigned ch;            /* samples per frame, interleaved */
	size_t mask;            /* capacity in frames - 1 */
	atomic_size_t head;     /* frames written: the producer stores it */
	atomic_size_t tail;     /* frames read: the consumer stores it */
};

/* Room for at least MIN_FRAMES frames of CH samples, zeroed.  Call with
 * neither side running; pcmring_free() undoes it. */
int  pcmring_init(struct pcmring *rg, size_t min_frames, unsigned ch);
void pcmring_free(struct pcmring *rg);
size_t pcmring_capacity(const struct pcmring *rg);
/* Frames written and not yet read; either side may ask. */
size_t pcmring_fill(const struct pcmring *rg);

/* ---- producer ---- */
size_t pcmring_space(const struct pcmring *rg);
/* The CH samples of the Kth frame after those written, to fill in before
 * pcmring_commit() makes them visible.  K < pcmring_space(). */
int16_t *pcmring_slot(struct pcmring *rg, size_t k);
void pcmring_commit(struct pcmring *rg, size_t n);
/* Copy N frames in, or none if they do not fit: false then. */
bool pcmring_write(struct pcmring *rg, const int16_t *frames, size_t n);

/* ---- consumer ---- */
/* The frames that can be read in one piece from *P (0 when empty). */
size_t pcmring_peek(const struct pcmring *rg, const int16_t **p);
/* Copy up to N frames out; returns how many. */
size_t pcmring_read(struct pcmring *rg, int16_t *dst, size_t n);
/* Done with N frames (N <= pcmring_fill()): read, or dropped unheard. */
void pcmring_release(struct pcmring *rg, size_t n);

#endif
