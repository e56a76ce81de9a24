/* One audio stream of a call: its RTP/RTCP socket pair, what it sends
 * (paced by the shared scheduler), what it receives (statistics and a
 * jitter buffer), and the events that describe it. */
#ifndef SIPFLOW_STREAM_H
#define SIPFLOW_STREAM_H

#include <stdbool.h>
#include <stdint.h>
#include "rtpstats.h"
#include "sdpneg.h"

struct stream;
struct sched;
struct evbus;
struct clip;

struct stream_prm {
	const struct sa *laddr;    /* IP to bind; port from the range */
	uint16_t port_min, port_max;
	struct sched *sched;
	struct evbus *bus;
	const char *ua;            /* for events */
	const char *callid;        /* for events */
	struct clip *source;       /* default outgoing audio; NULL: silence */
};

struct stream_counters {
	uint64_t tx_pkts, tx_bytes;
	uint64_t rx_pkts, rx_bytes;
	int64_t lost;
	uint64_t ooo;
	double jitter_ms;
	int rx_pt;
};

int  stream_alloc(struct stream **sp, const struct stream_prm *prm);
uint16_t stream_local_port(const struct stream *s);

/* Start sending and receiving with the negotiated MC.  Idempotent: the
 * same choice again does nothing; a changed one is a media.update. */
int  stream_start(struct stream *s, const struct media_choice *mc);
const struct media_choice *stream_choice(const struct stream *s);
/* Stop sending; sockets stay until the stream is freed. */
void stream_stop(struct stream *s);

void stream_counters(const struct stream *s, struct stream_counters *c);
/* Emit rtp.stats now. */
void stream_emit_stats(struct stream *s);
/* True when we expect to receive but nothing came for TIMEOUT_MS. */
bool stream_rx_timed_out(const struct stream *s, uint64_t now,
			 uint64_t timeout_ms);

#endif
