#include <string.h>
#include <re.h>
#include "event.h"
#include "jitter.h"
#include "sched.h"
#include "source.h"
#include "stream.h"
#include "util.h"

enum {
	FRAME_MS = 20,
	MAX_SAMPLES = 960,     /* 20 ms at 48 kHz */
	RTP_HDR = 12,
	JITTER_DEPTH = 2,      /* 40 ms: loopback and LAN peers */
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
	uint64_t started_ns;

	/* send side */
	struct player player;      /* the default source */
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
};

static void destructor(void *arg)
{
	struct stream *s = arg;

	sched_remove(&s->tick);
	player_clear(&s->player);
	mem_deref(s->rtp);
	mem_deref(s->txmb);
	mem_deref(s->ua);
	mem_deref(s->callid);
}

static uint32_t frame_samples(const struct stream *s)
{
	return s->mc.codec->srate * FRAME_MS / 1000;
}

static void send_audio(struct stream *s)
{
	int16_t pcm[MAX_SAMPLES];
	uint32_t n = frame_samples(s);
	size_t len;
	int err;

	(void)player_read(&s->player, pcm, n);

	s->txmb->pos = RTP_HDR;
	s->txmb->end = RTP_HDR;
	len = s->mc.codec->encode(mbuf_buf(s->txmb), pcm, n);
	s->txmb->end = RTP_HDR + len;

	err = rtp_send(s->rtp, &s->mc.raddr, false, s->marker,
		       (uint8_t)s->mc.pt, s->ts, s->txmb);
	if (!err) {
		++s->tx_pkts;
		s->tx_bytes += len;
		s->marker = false;
	}
}

static void playout(struct stream *s)
{
	uint8_t frame[JITBUF_MAXFRAME];
	size_t len = sizeof(frame);

	/* The receive timeline advances one frame per tick whether or not a
	 * packet is there; decoded audio goes to the taps (recorder,
	 * monitor, in-band DTMF) as they are added. */
	(void)jitbuf_get(&s->jb, frame, &len);
}

static void tick_handler(void *arg, uint64_t now, uint64_t deadline)
{
	struct stream *s = arg;
	(void)now;
	(void)deadline;

	if (s->mc.dir & SDP_SENDONLY)
		send_audio(s);

	if (s->mc.dir & SDP_RECVONLY)
		playout(s);

	/* The RTP clock runs on while we do not send (hold). */
	s->ts += frame_samples(s);
}

static void rtp_handler(const struct sa *src, const struct rtp_header *hdr,
			struct mbuf *mb, void *arg)
{
	struct stream *s = arg;
	uint64_t now = now_ns();
	uint32_t srate = s->mc.codec ? s->mc.codec->srate : 8000;
	uint32_t arrival = (uint32_t)((now / 1000ull) * srate / 1000000ull);
	size_t len = mbuf_get_left(mb);
	bool telev = s->started && hdr->pt == s->mc.telev_pt;
	(void)src;

	++s->rx_pkts;
	s->rx_bytes += len;
	s->last_rx_ns = now;
	s->remote_ssrc = hdr->ssrc;

	/* RFC 4733 events repeat one timestamp for the whole event: they
	 * would inflate the jitter estimate, so they only count packets. */
	rtpstats_update(&s->rx, hdr->seq, hdr->ts, arrival, (uint32_t)len,
			hdr->pt, !telev);

	if (!s->started || telev)
		return;

	(void)jitbuf_put(&s->jb, hdr->seq, hdr->ts, mbuf_buf(mb), len);
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
	sched_remove(&s->tick);
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
		   EVD("jitter_ms", c.jitter_ms), EVI("rx_pt", c.rx_pt), EV_END);
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
