/* Receive statistics per RFC 3550 (A.1 sequence tracking, A.8 jitter),
 * kept by us because Debian's libre has jbuf_stats() compiled out. */
#ifndef SIPFLOW_RTPSTATS_H
#define SIPFLOW_RTPSTATS_H

#include <stdbool.h>
#include <stdint.h>

struct rtpstats {
	bool init;
	uint16_t max_seq;
	uint32_t cycles;      /* wrapped sequence count << 16 */
	uint32_t base_seq;
	uint32_t bad_seq;     /* after a big jump: the seq that confirms it */
	uint64_t received;    /* packets, duplicates included */
	uint64_t bytes;       /* payload bytes */
	uint64_t ooo;         /* arrived with a sequence below the highest */
	bool jit_init;
	uint32_t last_transit;
	double jitter;        /* in timestamp units, RFC 3550 J */
	int last_pt;
};

/* ARRIVAL is the arrival time in the stream's RTP clock units.  Packets
 * with COUNT_JITTER false (e.g. RFC 4733 events, which repeat a timestamp)
 * update counters but not the jitter estimate. */
void rtpstats_update(struct rtpstats *st, uint16_t seq, uint32_t ts,
		     uint32_t arrival, uint32_t payload_len, int pt,
		     bool count_jitter);
uint32_t rtpstats_ext_max(const struct rtpstats *st);
int64_t  rtpstats_expected(const struct rtpstats *st);
int64_t  rtpstats_lost(const struct rtpstats *st);
double   rtpstats_jitter_ms(const struct rtpstats *st, uint32_t srate);

#endif
