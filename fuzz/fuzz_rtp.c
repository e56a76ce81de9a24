/* What arrives on a call's RTP port: a started stream (PCMU with
 * telephone-event 101, in-band DTMF detection on) takes each packet
 * through the receive path (RTP statistics, jitter buffer, RFC 4733
 * events) and plays out between them (decoding, in-band detection).
 * Input: records of [ticks][length, 2 bytes][a whole RTP packet]. */
#include <re.h>
#include "base/event.h"
#include "fuzz.h"
#include "media/codec.h"
#include "media/sched.h"
#include "media/sdpneg.h"
#include "media/stream.h"

static struct sched *sched;
static struct evbus *bus;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stream_prm prm = {0};
	struct media_choice mc = {0};
	struct stream *s = NULL;
	struct sa ip;
	uint64_t now = 1000000000ull;
	size_t pos = 0;

	fuzz_libre_init();
	if (!sched && sched_alloc(&sched, 20000))
		return 0;
	if (!bus && evbus_alloc(&bus))
		return 0;

	(void)sa_set_str(&ip, "127.0.0.1", 0);
	prm.laddr = &ip;
	prm.port_min = 41000;
	prm.port_max = 41999;
	prm.sched = sched;
	prm.bus = bus;
	prm.ua = "fuzz";
	prm.callid = "c1";
	prm.inband_detect = true;
	if (stream_alloc(&s, &prm))
		return 0;

	mc.codec = codec_find("PCMU", 8000);
	mc.pt = 0;
	mc.telev_pt = 101;
	(void)sa_set_str(&mc.raddr, "127.0.0.1", 9);
	(void)sa_set_str(&mc.rrtcp, "127.0.0.1", 9);
	mc.dir = SDP_SENDRECV;
	if (stream_start(s, &mc))
		goto out;

	while (pos + 3 <= size) {
		unsigned ticks = data[pos] & 7;
		size_t len = (size_t)data[pos + 1] << 8 | data[pos + 2];
		struct rtp_header hdr;
		struct mbuf *mb;

		pos += 3;
		if (len > size - pos)
			len = size - pos;
		mb = mbuf_alloc(len + 1);
		if (!mb)
			break;
		(void)mbuf_write_mem(mb, data + pos, len);
		mb->pos = 0;
		pos += len;

		/* as libre's RTP socket does before calling us */
		if (!rtp_hdr_decode(&hdr, mb) && hdr.ver == 2) {
			size_t pad = hdr.pad && mbuf_get_left(mb) ?
				mb->buf[mb->end - 1] : 0;

			if (pad <= mbuf_get_left(mb)) {
				mb->end -= pad;
				stream_rtp_input(s, &hdr, mb, now);
			}
		}
		mem_deref(mb);

		while (ticks--) {
			now += 20000000ull;
			stream_tick(s, now);
		}
	}

 out:
	stream_stop(s);
	mem_deref(s);
	return 0;
}
