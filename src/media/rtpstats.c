#include <string.h>
#include "rtpstats.h"

enum {
	MAX_DROPOUT = 3000,
	MAX_MISORDER = 100,
	NO_BAD_SEQ = 65537,   /* matches no 16-bit sequence number */
};

void rtpstats_update(struct rtpstats *st, uint16_t seq, uint32_t ts,
		     uint32_t arrival, uint32_t payload_len, int pt,
		     bool count_jitter)
{
	if (!st)
		return;

	if (!st->init) {
		memset(st, 0, sizeof(*st));
		st->init = true;
		st->max_seq = seq;
		st->base_seq = seq;
		st->bad_seq = NO_BAD_SEQ;
	}
	else {
		uint16_t udelta = (uint16_t)(seq - st->max_seq);

		if (udelta == 0) {
			/* duplicate of the highest: counted, not ordered */
		}
		else if (udelta < MAX_DROPOUT) {
			if (seq < st->max_seq)
				st->cycles += 1u << 16;
			st->max_seq = seq;
		}
		else if (udelta <= 65535 - MAX_MISORDER) {
			/* A huge jump.  RFC 3550 A.1: only a second packet
			 * that continues from it means the sender restarted;
			 * one stray packet is just dropped from the count. */
			if (seq == st->bad_seq) {
				/* Restarted: the new sequence began with the
				 * packet that looked stray. */
				st->base_seq = (uint16_t)(seq - 1);
				st->max_seq = seq;
				st->cycles = 0;
				st->received = 1;
				st->bad_seq = NO_BAD_SEQ;
			}
			else {
				st->bad_seq = (uint16_t)(seq + 1);
				st->bytes += payload_len;
				return;
			}
		}
		else {
			++st->ooo;
		}
	}

	++st->received;
	st->bytes += payload_len;
	st->last_pt = pt;

	if (!count_jitter)
		return;

	{
		uint32_t transit = arrival - ts;

		if (st->jit_init) {
			/* |D| in unsigned arithmetic: a crafted timestamp
			 * makes the difference INT32_MIN, which has no
			 * positive int32_t. */
			uint32_t d = transit - st->last_transit;

			if (d > UINT32_C(0x80000000))
				d = UINT32_C(0) - d;
			st->jitter += ((double)d - st->jitter) / 16.0;
		}
		st->last_transit = transit;
		st->jit_init = true;
	}
}

uint32_t rtpstats_ext_max(const struct rtpstats *st)
{
	return st->cycles + st->max_seq;
}

int64_t rtpstats_expected(const struct rtpstats *st)
{
	if (!st || !st->init)
		return 0;
	return (int64_t)rtpstats_ext_max(st) - (int64_t)st->base_seq + 1;
}

int64_t rtpstats_lost(const struct rtpstats *st)
{
	int64_t lost;

	if (!st || !st->init)
		return 0;

	/* Duplicates can make this negative, as RFC 3550 allows; we report
	 * zero instead because "negative loss" only confuses people. */
	lost = rtpstats_expected(st) - (int64_t)st->received;
	return lost < 0 ? 0 : lost;
}

double rtpstats_jitter_ms(const struct rtpstats *st, uint32_t srate)
{
	if (!st || !srate)
		return 0.0;
	return st->jitter * 1000.0 / (double)srate;
}
