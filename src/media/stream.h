/* One audio stream of a call: its RTP/RTCP socket pair, what it sends
 * (paced by the shared scheduler), what it receives (statistics and a
 * jitter buffer), and the events that describe it. */
#ifndef SIPFLOW_STREAM_H
#define SIPFLOW_STREAM_H

#include <stdbool.h>
#include <stdint.h>
#include "dtmf.h"
#include "monitor.h"
#include "rtpstats.h"
#include "sdpneg.h"

struct stream;
struct sched;
struct evbus;
struct clip;
struct recording;
struct loader;

/* A digit to send by SIP INFO: the queue says when (stream_dtmf). */
typedef void (stream_info_h)(char digit, uint32_t dur_ms, void *arg);

struct stream_prm {
	const struct sa *laddr;    /* IP to bind; port from the range */
	uint16_t port_min, port_max;
	struct sched *sched;
	struct evbus *bus;
	const char *ua;            /* for events */
	const char *callid;        /* for events */
	struct clip *source;       /* default outgoing audio; NULL: silence */
	bool inband_detect;        /* look for DTMF tones in what we receive */
	stream_info_h *infoh;
	void *arg;
};

struct stream_counters {
	uint64_t tx_pkts, tx_bytes;
	uint64_t rx_pkts, rx_bytes;
	int64_t lost;
	uint64_t ooo;
	double jitter_ms;
	int rx_pt;
	uint64_t concealed;    /* receive ticks played as silence */
	uint64_t jb_dropped;   /* received frames never played */
};

int  stream_alloc(struct stream **sp, const struct stream_prm *prm);
uint16_t stream_local_port(const struct stream *s);

/* Start sending and receiving with the negotiated MC.  Idempotent: the
 * same choice again does nothing; a changed one is a media.update. */
int  stream_start(struct stream *s, const struct media_choice *mc);
const struct media_choice *stream_choice(const struct stream *s);
/* Stop sending; sockets stay until the stream is freed. */
void stream_stop(struct stream *s);

/* Play sound NAME instead of the source, once; then the source resumes.
 * NAME is checked now (errno and WHY if it cannot be opened) and decoded
 * in the background; play.start comes with its first frame, play.end
 * when it is over. */
int  stream_play(struct stream *s, struct loader *l, const char *name,
		 char *why, size_t whysz);
/* Stop the prompt; false when none was playing. */
bool stream_play_stop(struct stream *s);
/* The rate audio for this stream must have (8000 before media starts). */
uint32_t stream_srate(const struct stream *s);

/* Queue DIGITS to send with method M (DTMF_INFO digits are handed to the
 * info handler at their turn).  EINVAL, ENOSPC. */
int  stream_dtmf(struct stream *s, const char *digits, enum dtmf_method m,
		 uint32_t dur_ms, uint32_t gap_ms);
/* A digit arrived by SIP INFO. */
void stream_dtmf_info_rx(struct stream *s, char digit, uint32_t dur_ms);

/* Feed every frame (received, sent) to REC from now on (rec.start; a
 * recording already running is stopped first). */
void stream_record(struct stream *s, struct recording *rec, const char *mode);
/* ... and REC as well, into a second file (a PBX's mixed and stereo
 * recording of one call): stopped with the first. */
void stream_record_also(struct stream *s, struct recording *rec,
			const char *mode);
/* The files being recorded (IDX 0.. over both recordings), or NULL. */
const char *stream_record_path(const struct stream *s, unsigned idx);
/* Stop recording: rec.stop with REASON; false when not recording. */
bool stream_record_stop(struct stream *s, const char *reason);
/* The writer failed recording ID with ERR: stop it if it is ours, with
 * reason "error" and the error in words. */
bool stream_record_failed(struct stream *s, unsigned id, int err);

/* Let the operator hear LEG of this stream on M (MON_OFF or NULL: stop).
 * Emits `monitor`.  The caller makes sure one stream at a time has M. */
void stream_monitor(struct stream *s, struct monitor *m, enum mon_leg leg);
bool stream_monitored(const struct stream *s);

/* Bridge two streams (a PBX call's legs): each sends what the other
 * receives, relaying the packets when both use one codec (and this leg
 * sends nothing of its own), else decoding and encoding again; RFC 4733
 * digits cross either way.  A bridged stream sends none of its source.
 * Each keeps its own socket, clock and counters.  Until both have
 * started a leg sends silence. */
int  stream_bridge(struct stream *a, struct stream *b);
void stream_unbridge(struct stream *s);
/* S sends the other leg's packets as they come (same codec). */
bool stream_relaying(const struct stream *s);

void stream_counters(const struct stream *s, struct stream_counters *c);
/* Emit rtp.stats now. */
void stream_emit_stats(struct stream *s);

/* The receive path and the clock, as the RTP socket and the pacing
 * scheduler drive them (and the fuzz target, without either): one
 * packet in (HDR as librem decoded it, MB at the payload), one frame
 * time of the stream. */
struct rtp_header;
void stream_rtp_input(struct stream *s, const struct rtp_header *hdr,
		      struct mbuf *mb, uint64_t now);
void stream_tick(struct stream *s, uint64_t now);
/* True when we expect to receive but nothing came for TIMEOUT_MS. */
bool stream_rx_timed_out(const struct stream *s, uint64_t now,
			 uint64_t timeout_ms);

#endif
