#include <string.h>
#include <re.h>
#include "base/event.h"
#include "base/log.h"
#include "base/util.h"
#include "dtmf.h"
#include "jitter.h"
#include "loader.h"
#include "monitor.h"
#include "recorder.h"
#include "sched.h"
#include "source.h"
#include "stream.h"

enum {
	FRAME_MS = 20,
	MAX_SAMPLES = 960,     /* 20 ms at 48 kHz */
	RTP_HDR = 12,
	JITTER_DEPTH = 2,      /* 40 ms: loopback and LAN peers */
	BRIDGE_FRAMES = 4,     /* what a bridged leg holds of the other's */
};

/* A bridged leg's audio from the other leg: the frames the other leg
 * received and decoded, oldest first.  Both legs tick on the re thread,
 * so a small ring with no lock does; a leg that ticks twice in a row
 * finds the ring empty and sends silence, one that falls behind drops
 * the oldest frame. */
struct bridge_ring {
	int16_t pcm[BRIDGE_FRAMES][MAX_SAMPLES];
	uint32_t n[BRIDGE_FRAMES];
	unsigned rd, wr;
};

struct stream {
	struct rtp_sock *rtp;
	struct sched *sched;
	struct sched_entry tick;
	struct evbus *bus;
	char *ua;
	char *callid;

	struct media_choice mc;
	bool started;
	bool stopped;              /* stream_stop(): the call has ended */
	uint64_t started_ns;

	/* send side */
	struct player player;      /* the default source */
	struct player prompt;      /* `play FILE`: wins over the source */
	bool prompt_started;       /* play.start sent */
	struct load_job *loading;  /* the next prompt, being decoded */
	struct dtmf_tx dtmf;
	stream_info_h *infoh;
	void *arg;
	struct mbuf *txmb;
	uint32_t ts;
	bool marker;
	uint64_t tx_pkts, tx_bytes;

	/* receive side */
	struct rtpstats rx;
	struct jitbuf jb;
	uint64_t rx_pkts, rx_bytes;
	uint64_t last_rx_ns;
	uint32_t remote_ssrc;
	struct dtmf_rx dtmf_rx;
	bool inband_detect;

	/* bridge (a PBX call): the other leg, what it heard for us, and
	 * how its packets' timestamps map onto our clock when relayed */
	struct stream *peer;
	struct bridge_ring *ring;
	uint32_t relay_ssrc, relay_ts_off;
	bool relay_synced;
	bool relayed_last;         /* the last tick was a relaying one */

	/* what we record: rec[0], and a second file at once in rec[1] (a
	 * PBX's mixed and stereo); NULL when not recording */
	struct recording *rec[2];
	struct monitor *mon;       /* the app's, while we are the leg heard */
	enum mon_leg mon_leg;
};

static void destructor(void *arg)
{
	struct stream *s = arg;

	sched_remove(&s->tick);
	stream_unbridge(s);
	player_clear(&s->player);
	player_clear(&s->prompt);
	load_job_cancel(s->loading);
	if (s->mon && monitor_owner(s->mon) == s)
		monitor_set_owner(s->mon, NULL);
	dtmf_rx_close(&s->dtmf_rx);
	mem_deref(s->rec[0]);
	mem_deref(s->rec[1]);
	mem_deref(s->rtp);
	mem_deref(s->txmb);
	mem_deref(s->ua);
	mem_deref(s->callid);
}

static uint32_t frame_samples(const struct stream *s)
{
	return s->mc.codec->srate * FRAME_MS / 1000;
}

static void emit_play_end(struct stream *s, const char *reason)
{
	/* A prompt that never reached the wire has nothing to end. */
	if (s->prompt_started)
		evbus_emit(s->bus, "play.end", s->ua, s->callid,
			   EVS("file", s->prompt.clip->name),
			   EVS("reason", reason), EV_END);
	player_clear(&s->prompt);
}

/* The next frame of outgoing audio: the prompt while one plays, then
 * the instance's source again. */
static void next_audio(struct stream *s, int16_t *pcm, uint32_t n)
{
	if (s->prompt.clip) {
		if (!s->prompt_started) {
			s->prompt_started = true;
			evbus_emit(s->bus, "play.start", s->ua, s->callid,
				   EVS("file", s->prompt.clip->name), EV_END);
		}
		if (!player_read(&s->prompt, pcm, n))
			emit_play_end(s, "end");
		return;
	}
	if (s->ring) {
		struct bridge_ring *r = s->ring;
		unsigned i = r->rd % BRIDGE_FRAMES;
		uint32_t got = 0;

		if (r->rd != r->wr) {
			got = r->n[i] < n ? r->n[i] : n;
			memcpy(pcm, r->pcm[i], got * sizeof(*pcm));
			++r->rd;
		}
		if (got < n)
			memset(pcm + got, 0, (n - got) * sizeof(*pcm));
		return;
	}
	(void)player_read(&s->player, pcm, n);
}

/* The other leg received PCM: keep it for our next frame out. */
static void bridge_push(struct stream *s, const int16_t *pcm, uint32_t n)
{
	struct bridge_ring *r = s->ring;
	unsigned i;

	if (!r)
		return;
	if (r->wr - r->rd == BRIDGE_FRAMES)
		++r->rd;   /* we fell behind: the oldest frame goes */
	i = r->wr % BRIDGE_FRAMES;
	if (n > MAX_SAMPLES)
		n = MAX_SAMPLES;
	if (pcm)
		memcpy(r->pcm[i], pcm, n * sizeof(*pcm));
	else
		memset(r->pcm[i], 0, n * sizeof(*pcm));
	r->n[i] = n;
	++r->wr;
}

/* Packets from the other leg go out as they are (their payload, our
 * SSRC and sequence, their timestamps moved onto our clock) when both
 * legs use one codec and we send nothing of our own just now (a prompt,
 * DTMF): no decoding, no second jitter buffer, no delay. */
bool stream_relaying(const struct stream *s)
{
	const struct stream *p = s ? s->peer : NULL;

	return p && s->started && p->started && !s->stopped && !p->stopped &&
		s->mc.codec == p->mc.codec &&
		!s->prompt.clip && !dtmf_tx_busy(&s->dtmf);
}

/* Send the LEN bytes of payload already written after the RTP header
 * room in txmb. */
static void send_packet(struct stream *s, int pt, bool marker, uint32_t ts,
			size_t len)
{
	int err;

	s->txmb->pos = RTP_HDR;
	s->txmb->end = RTP_HDR + len;

	err = rtp_send(s->rtp, &s->mc.raddr, false, marker || s->marker,
		       (uint8_t)pt, ts, s->txmb);
	if (!err) {
		++s->tx_pkts;
		s->tx_bytes += len;
		s->marker = false;
	}
}

static void emit_dtmf_tx(struct stream *s, const struct dtmf_digit *d)
{
	char digit[2] = {d->digit, 0};

	evbus_emit(s->bus, "dtmf.tx", s->ua, s->callid, EVS("digit", digit),
		   EVS("method", dtmf_method_name(d->method)),
		   EVI("duration_ms", d->dur_ms), EV_END);

	if (d->method == DTMF_INFO && s->infoh)
		s->infoh(d->digit, d->dur_ms, s->arg);
}

/* One frame out.  Returns true with PCM holding the audio we sent, for
 * the recorder; false when the frame was an RFC 4733 event. */
static bool send_frame(struct stream *s, int16_t *pcm, uint32_t n,
		       bool sending)
{
	uint8_t *payload = s->txmb->buf + RTP_HDR;
	struct dtmf_frame f;
	enum dtmf_out out;
	size_t len;

	next_audio(s, pcm, n);

	/* the other leg's packets went out as they came (relay_packet):
	 * PCM is what they carried, for the recorder and the monitor */
	if (stream_relaying(s)) {
		s->relayed_last = true;
		return sending;
	}
	if (s->relayed_last) {
		/* our own packets again: a new talkspurt on our clock */
		s->relayed_last = false;
		s->marker = true;
	}
	/* relaying resumes from our clock, not from where it stopped */
	s->relay_synced = false;

	out = dtmf_tx_frame(&s->dtmf, s->mc.codec->srate, s->ts, pcm, n, &f);
	if (f.started)
		emit_dtmf_tx(s, f.started);

	if (!sending)
		return false;

	if (out == DTMF_OUT_EVENT) {
		if (s->mc.telev_pt >= 0) {
			memcpy(payload, f.payload, sizeof(f.payload));
			send_packet(s, s->mc.telev_pt, f.marker, f.ts,
				    sizeof(f.payload));
		}
		return false;
	}

	/* encoded straight into the packet buffer, as before DTMF */
	len = s->mc.codec->encode(payload, pcm, n);
	send_packet(s, s->mc.pt, false, s->ts, len);
	return true;
}

/* One frame in, decoded; silence where a packet is missing, so the
 * receive timeline stays the sender's. */
static void playout(struct stream *s, int16_t *pcm, uint32_t n, uint64_t now)
{
	uint8_t frame[JITBUF_MAXFRAME];
	size_t len = sizeof(frame), got = 0;

	if (!jitbuf_get(&s->jb, frame, &len))
		got = s->mc.codec->decode(pcm, n, frame, len);
	if (got < n)
		memset(pcm + got, 0, (n - got) * sizeof(*pcm));

	if (got)
		dtmf_rx_audio(&s->dtmf_rx, pcm, n, now);
}

static void tick_handler(void *arg, uint64_t now, uint64_t deadline)
{
	(void)deadline;
	stream_tick(arg, now);
}

void stream_tick(struct stream *s, uint64_t now)
{
	int16_t tx[MAX_SAMPLES], rx[MAX_SAMPLES];
	uint32_t n = frame_samples(s);
	bool sent, received = s->mc.dir & SDP_RECVONLY;

	sent = send_frame(s, tx, n, s->mc.dir & SDP_SENDONLY);

	if (received)
		playout(s, rx, n, now);
	if (s->peer)
		bridge_push(s->peer, received ? rx : NULL, n);

	for (unsigned i = 0; i < ARRAY_SIZE(s->rec) && s->rec[i]; i++)
		recording_put(s->rec[i], received ? rx : NULL,
			      sent ? tx : NULL, n);
	if (s->mon)
		monitor_put(s->mon, s->mon_leg, received ? rx : NULL,
			    sent ? tx : NULL, n, s->mc.codec->srate);

	dtmf_rx_poll(&s->dtmf_rx, now);

	/* The RTP clock runs on while we do not send (hold). */
	s->ts += n;
}

/* A packet we received goes on to the other leg when it relays. */
static void relay_packet(struct stream *s, const struct rtp_header *hdr,
			 struct mbuf *mb, bool telev)
{
	struct stream *p = s->peer;
	size_t len = mbuf_get_left(mb);
	int pt;

	if (!p || !stream_relaying(p) || !(p->mc.dir & SDP_SENDONLY) ||
	    len > MAX_SAMPLES * 2)
		return;
	/* only what was negotiated: no comfort noise or stray types */
	if (hdr->pt != s->mc.pt && !telev)
		return;
	pt = telev ? p->mc.telev_pt : p->mc.pt;
	if (pt < 0)
		return;   /* it takes no RFC 4733: the digit is reported */

	/* a new source (or the first packet): its clock starts where ours
	 * is, so the peer sees one stream whatever the other leg did */
	if (!p->relay_synced || hdr->ssrc != p->relay_ssrc) {
		p->relay_ssrc = hdr->ssrc;
		p->relay_ts_off = p->ts - hdr->ts;
		p->relay_synced = true;
		p->marker = true;
	}
	memcpy(p->txmb->buf + RTP_HDR, mbuf_buf(mb), len);
	send_packet(p, pt, hdr->m, hdr->ts + p->relay_ts_off, len);
}

static void rtp_handler(const struct sa *src, const struct rtp_header *hdr,
			struct mbuf *mb, void *arg)
{
	(void)src;
	stream_rtp_input(arg, hdr, mb, now_ns());
}

void stream_rtp_input(struct stream *s, const struct rtp_header *hdr,
		      struct mbuf *mb, uint64_t now)
{
	uint32_t srate = s->mc.codec ? s->mc.codec->srate : 8000;
	uint32_t arrival = (uint32_t)((now / 1000ull) * srate / 1000000ull);
	size_t len = mbuf_get_left(mb);
	bool telev = s->started && hdr->pt == s->mc.telev_pt;

	++s->rx_pkts;
	s->rx_bytes += len;
	s->last_rx_ns = now;
	s->remote_ssrc = hdr->ssrc;

	/* RFC 4733 events repeat one timestamp for the whole event: they
	 * would inflate the jitter estimate, so they only count packets. */
	rtpstats_update(&s->rx, hdr->seq, hdr->ts, arrival, (uint32_t)len,
			hdr->pt, !telev);

	if (!s->started)
		return;

	relay_packet(s, hdr, mb, telev);

	if (telev) {
		dtmf_rx_event(&s->dtmf_rx, mbuf_buf(mb), len, hdr->ts, now);
		/* The event took an audio slot and a sequence number: an
		 * empty frame keeps the jitter buffer from seeing a loss. */
		(void)jitbuf_put(&s->jb, hdr->ssrc, hdr->seq, hdr->ts,
				 mbuf_buf(mb), 0);
		return;
	}

	(void)jitbuf_put(&s->jb, hdr->ssrc, hdr->seq, hdr->ts, mbuf_buf(mb),
			 len);
}

static void dtmf_rx_handler(char digit, enum dtmf_method m, uint32_t dur_ms,
			    void *arg)
{
	struct stream *s = arg;
	char d[2] = {digit, 0};

	evbus_emit(s->bus, "dtmf.rx", s->ua, s->callid, EVS("digit", d),
		   EVS("method", dtmf_method_name(m)),
		   EVI("duration_ms", dur_ms), EV_END);

	/* a digit that came as an event (or INFO) and that the other leg
	 * does not pass on as it came (it transcodes, or takes no RFC
	 * 4733) is sent again there: as an event when it can, else as
	 * tones.  A digit heard in the audio went on with the audio. */
	if (s->peer && s->peer->started && (m == DTMF_INFO ||
	    (m == DTMF_RFC4733 && (!stream_relaying(s->peer) ||
				   s->peer->mc.telev_pt < 0)))) {
		enum dtmf_method pm = s->peer->mc.telev_pt >= 0 ?
			DTMF_RFC4733 : DTMF_INBAND;
		(void)stream_dtmf(s->peer, d, pm, dur_ms, DTMF_GAP_MS);
	}
}

static void rtcp_handler(const struct sa *src, struct rtcp_msg *msg,
			 void *arg)
{
	(void)src;
	(void)msg;
	(void)arg;
}

int stream_alloc(struct stream **sp, const struct stream_prm *prm)
{
	struct stream *s;
	int err;

	if (!sp || !prm || !prm->laddr || !prm->sched)
		return EINVAL;

	s = mem_zalloc(sizeof(*s), destructor);
	if (!s)
		return ENOMEM;

	s->sched = prm->sched;
	s->bus = prm->bus;
	s->ts = rand_u32();
	s->marker = true;
	s->mc.telev_pt = -1;
	s->infoh = prm->infoh;
	s->arg = prm->arg;
	s->inband_detect = prm->inband_detect;
	jitbuf_init(&s->jb, JITTER_DEPTH);
	player_set(&s->player, prm->source, true);

	err  = str_dup(&s->ua, prm->ua ? prm->ua : "");
	err |= str_dup(&s->callid, prm->callid ? prm->callid : "");
	if (err)
		goto out;

	s->txmb = mbuf_alloc(RTP_HDR + MAX_SAMPLES * 2);
	if (!s->txmb) {
		err = ENOMEM;
		goto out;
	}

	/* rtp_listen binds an even port and the odd one above it (RTCP). */
	err = rtp_listen(&s->rtp, IPPROTO_UDP, prm->laddr, prm->port_min,
			 prm->port_max, true, rtp_handler, rtcp_handler, s);

 out:
	if (err)
		mem_deref(s);
	else
		*sp = s;
	return err;
}

uint16_t stream_local_port(const struct stream *s)
{
	return s ? sa_port(rtp_local(s->rtp)) : 0;
}

static void emit_media(struct stream *s, const char *type)
{
	char codec[32], local[64], remote[64];

	re_snprintf(codec, sizeof(codec), "%s/%u", s->mc.codec->name,
		    s->mc.codec->srate);
	re_snprintf(local, sizeof(local), "%J", rtp_local(s->rtp));
	re_snprintf(remote, sizeof(remote), "%J", &s->mc.raddr);

	evbus_emit(s->bus, type, s->ua, s->callid,
		   EVS("codec", codec), EVI("pt", s->mc.pt),
		   EVS("local", local), EVS("remote", remote),
		   EVS("dir", sdp_dir_name(s->mc.dir)), EV_END);
}

int stream_start(struct stream *s, const struct media_choice *mc)
{
	int err;

	if (!s || !mc || !mc->codec)
		return EINVAL;

	if (s->started) {
		if (media_choice_equal(&s->mc, mc))
			return 0;

		if (mc->codec != s->mc.codec)
			jitbuf_reset(&s->jb);
		if (!sa_cmp(&mc->raddr, &s->mc.raddr, SA_ALL))
			s->marker = true;
		s->mc = *mc;
		s->last_rx_ns = now_ns();
		emit_media(s, "media.update");
		return 0;
	}

	err = dtmf_rx_init(&s->dtmf_rx, mc->codec->srate, s->inband_detect,
			   dtmf_rx_handler, s);
	if (err)
		return err;

	s->mc = *mc;
	s->started = true;
	s->started_ns = now_ns();
	s->last_rx_ns = 0;

	rtcp_set_srate(s->rtp, mc->codec->srate, mc->codec->srate);
	if (sa_isset(&mc->rrtcp, SA_ALL))
		rtcp_start(s->rtp, s->ua, &mc->rrtcp);

	sched_add(s->sched, &s->tick, now_ns(), tick_handler, s);
	emit_media(s, "media.start");
	return 0;
}

const struct media_choice *stream_choice(const struct stream *s)
{
	return s && s->started ? &s->mc : NULL;
}

void stream_stop(struct stream *s)
{
	if (!s)
		return;
	s->stopped = true;
	sched_remove(&s->tick);
	load_job_cancel(s->loading);
	s->loading = NULL;
	if (s->prompt.clip)
		emit_play_end(s, "hangup");
	(void)stream_record_stop(s, "hangup");
	if (s->mon)
		stream_monitor(s, NULL, MON_OFF);
	dtmf_tx_clear(&s->dtmf);
}

static void loaded(int err, struct clip *clip, const char *why, void *arg)
{
	struct stream *s = arg;

	s->loading = NULL;
	if (err) {
		log_warn("%s/%s: play: cannot play %s", s->ua, s->callid, why);
		evbus_emit(s->bus, "error", s->ua, s->callid,
			   EVS("what", "play"), EVS("detail", why), EV_END);
		return;
	}
	if (s->prompt.clip)
		emit_play_end(s, "replaced");
	player_set(&s->prompt, clip, false);
	s->prompt_started = false;
}

int stream_play(struct stream *s, struct loader *l, const char *name,
		char *why, size_t whysz)
{
	load_job_cancel(s->loading);
	s->loading = NULL;
	return loader_load(&s->loading, l, name, stream_srate(s), loaded, s,
			   why, whysz);
}

bool stream_play_stop(struct stream *s)
{
	bool pending = s->loading != NULL;

	load_job_cancel(s->loading);
	s->loading = NULL;
	if (!s->prompt.clip)
		return pending;
	emit_play_end(s, "stopped");
	return true;
}

uint32_t stream_srate(const struct stream *s)
{
	return s->started ? s->mc.codec->srate : 8000;
}

int stream_dtmf(struct stream *s, const char *digits, enum dtmf_method m,
		uint32_t dur_ms, uint32_t gap_ms)
{
	return dtmf_tx_queue(&s->dtmf, digits, m, dur_ms, gap_ms);
}

void stream_dtmf_info_rx(struct stream *s, char digit, uint32_t dur_ms)
{
	dtmf_rx_info(&s->dtmf_rx, digit, dur_ms, now_ns());
}

static void emit_rec_start(struct stream *s, const struct recording *r,
			   const char *mode)
{
	for (unsigned i = 0; i < 2 && recording_path(r, i); i++) {
		evbus_emit(s->bus, "rec.start", s->ua, s->callid,
			   EVS("path", recording_path(r, i)),
			   EVS("mode", mode), EV_END);
	}
}

/* End recording I: rec.stop with REASON (and ERROR, for reason
 * "error"); a second recording takes the first one's place. */
static void drop_rec(struct stream *s, unsigned i, const char *reason,
		     const char *error)
{
	const struct recording *r = s->rec[i];

	for (unsigned k = 0; k < 2 && recording_path(r, k); k++) {
		evbus_emit(s->bus, "rec.stop", s->ua, s->callid,
			   EVS("path", recording_path(r, k)),
			   EVD("seconds", recording_seconds(r)),
			   EVI("dropped", recording_dropped(r)),
			   EVS("reason", reason), EVS_OPT("error", error),
			   EV_END);
	}
	mem_deref(s->rec[i]);
	if (i == 0)
		s->rec[0] = s->rec[1];
	s->rec[1] = NULL;
}

void stream_record(struct stream *s, struct recording *rec, const char *mode)
{
	(void)stream_record_stop(s, "replaced");
	s->rec[0] = mem_ref(rec);
	emit_rec_start(s, rec, mode);
}

void stream_record_also(struct stream *s, struct recording *rec,
			const char *mode)
{
	if (!s->rec[0]) {
		stream_record(s, rec, mode);
		return;
	}
	if (s->rec[1])
		drop_rec(s, 1, "replaced", NULL);
	s->rec[1] = mem_ref(rec);
	emit_rec_start(s, rec, mode);
}

const char *stream_record_path(const struct stream *s, unsigned idx)
{
	for (unsigned i = 0; s && i < ARRAY_SIZE(s->rec) && s->rec[i]; i++) {
		for (unsigned k = 0; k < 2 && recording_path(s->rec[i], k);
		     k++) {
			if (!idx--)
				return recording_path(s->rec[i], k);
		}
	}
	return NULL;
}

bool stream_record_stop(struct stream *s, const char *reason)
{
	if (!s->rec[0])
		return false;
	while (s->rec[0])
		drop_rec(s, 0, reason, NULL);
	return true;
}

bool stream_record_failed(struct stream *s, unsigned id, int err)
{
	char why[128];

	for (unsigned i = 0; i < ARRAY_SIZE(s->rec) && s->rec[i]; i++) {
		if (recording_id(s->rec[i]) != id)
			continue;
		/* the other recording, if any, goes on alone */
		re_snprintf(why, sizeof(why), "%m", err);
		drop_rec(s, i, "error", why);
		return true;
	}
	return false;
}

int stream_bridge(struct stream *a, struct stream *b)
{
	if (!a || !b || a == b)
		return EINVAL;
	stream_unbridge(a);
	stream_unbridge(b);
	a->ring = mem_zalloc(sizeof(*a->ring), NULL);
	b->ring = mem_zalloc(sizeof(*b->ring), NULL);
	if (!a->ring || !b->ring) {
		a->ring = mem_deref(a->ring);
		b->ring = mem_deref(b->ring);
		return ENOMEM;
	}
	a->peer = b;
	b->peer = a;
	return 0;
}

void stream_unbridge(struct stream *s)
{
	struct stream *p = s ? s->peer : NULL;

	if (!s)
		return;
	if (p) {
		p->peer = NULL;
		p->ring = mem_deref(p->ring);
		p->relay_synced = false;
	}
	s->peer = NULL;
	s->ring = mem_deref(s->ring);
	s->relay_synced = false;
}

static void emit_monitor(struct stream *s, const char *type, bool on,
			 enum mon_leg leg, const struct monitor_stats *st)
{
	evbus_emit(s->bus, type, s->ua, s->callid,
		   EVB("on", on), EVS("leg", mon_leg_name(leg)),
		   EVI("latency_ms", st->latency_ms),
		   EVI("max_latency_ms", st->max_latency_ms),
		   EVI("ceiling_ms", st->ceiling_ms),
		   EVI("feed_late_ms", st->feed_late_ms),
		   EVI("rate", monitor_device_rate(s->mon)),
		   EVI("underruns", st->underruns),
		   EVI("dropped_ms", st->dropped_ms), EV_END);
}

void stream_monitor(struct stream *s, struct monitor *m, enum mon_leg leg)
{
	struct monitor_stats st;

	if (!m || leg == MON_OFF) {
		if (!s->mon)
			return;
		/* the leg's figures, before they are another leg's */
		monitor_stats(s->mon, &st);
		emit_monitor(s, "monitor", false, MON_OFF, &st);
		if (monitor_owner(s->mon) == s)
			monitor_set_owner(s->mon, NULL);
		s->mon = NULL;
		s->mon_leg = MON_OFF;
		return;
	}

	if (monitor_owner(m) != s)
		monitor_set_owner(m, s);
	s->mon = m;
	s->mon_leg = leg;
	monitor_stats(m, &st);
	emit_monitor(s, "monitor", true, leg, &st);
}

bool stream_monitored(const struct stream *s)
{
	return s->mon != NULL;
}

void stream_counters(const struct stream *s, struct stream_counters *c)
{
	memset(c, 0, sizeof(*c));
	if (!s)
		return;

	c->tx_pkts = s->tx_pkts;
	c->tx_bytes = s->tx_bytes;
	c->rx_pkts = s->rx_pkts;
	c->rx_bytes = s->rx_bytes;
	c->lost = rtpstats_lost(&s->rx);
	c->ooo = s->rx.ooo;
	c->jitter_ms = rtpstats_jitter_ms(&s->rx, s->mc.codec ?
					  s->mc.codec->srate : 8000);
	c->rx_pt = s->rx.init ? s->rx.last_pt : -1;
	c->concealed = s->jb.concealed;
	c->jb_dropped = s->jb.dropped;
}

void stream_emit_stats(struct stream *s)
{
	struct stream_counters c;

	if (!s || !s->started)
		return;

	stream_counters(s, &c);
	evbus_emit(s->bus, "rtp.stats", s->ua, s->callid,
		   EVI("tx_pkts", c.tx_pkts), EVI("tx_bytes", c.tx_bytes),
		   EVI("rx_pkts", c.rx_pkts), EVI("rx_bytes", c.rx_bytes),
		   EVI("lost", c.lost), EVI("ooo", c.ooo),
		   EVD("jitter_ms", c.jitter_ms), EVI("rx_pt", c.rx_pt),
		   EVI("concealed", c.concealed),
		   EVI("jb_dropped", c.jb_dropped),
		   EVS("dir", sdp_dir_name(s->mc.dir)), EV_END);

	if (s->mon) {
		struct monitor_stats st;

		monitor_stats(s->mon, &st);
		emit_monitor(s, "monitor.stats", true, s->mon_leg, &st);
	}
}

bool stream_rx_timed_out(const struct stream *s, uint64_t now,
			 uint64_t timeout_ms)
{
	uint64_t since;

	if (!s || !s->started || !timeout_ms || !(s->mc.dir & SDP_RECVONLY))
		return false;

	since = s->last_rx_ns > s->started_ns ? s->last_rx_ns : s->started_ns;
	return now > since && (now - since) / 1000000ull >= timeout_ms;
}
