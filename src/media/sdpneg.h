/* SDP offer/answer for one audio stream, driven by the codec table. */
#ifndef SIPFLOW_SDPNEG_H
#define SIPFLOW_SDPNEG_H

#include <re.h>
#include "codec.h"

struct media_choice {
	const struct codec *codec;  /* chosen audio codec */
	int pt;                     /* payload type we send it with */
	int telev_pt;               /* telephone-event PT, -1 if none */
	struct sa raddr;            /* where we send RTP */
	struct sa rrtcp;            /* where we send RTCP */
	enum sdp_dir dir;           /* negotiated, from our point of view */
};

/* Our SDP session: one audio m-line with the instance's codecs in
 * preference order, ptime 20, sendrecv. */
int sdpneg_session(struct sdp_session **sessp, struct sdp_media **mp,
		   const struct sa *laddr, uint16_t rtp_port,
		   const struct codec_list *cl);

/* After sdp_decode() of the peer's offer or answer: pick the first of the
 * peer's formats (its order) that we enabled.  Names compare without case;
 * a static payload type with no rtpmap is resolved by number.  ENOENT when
 * nothing matches (WHY then lists what the peer offered). */
int sdpneg_choose(struct media_choice *mc, const struct sdp_media *m,
		  const struct codec_list *cl, char *why, size_t whysz);

bool media_choice_equal(const struct media_choice *a,
			const struct media_choice *b);

#endif
