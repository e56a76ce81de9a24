/* Offer/answer inside a call: encode our SDP, decode and negotiate the
 * peer's, start or update the stream, and what a direction means for
 * the hold states.  Starting media is idempotent (stream_start). */
#include <string.h>
#include <re.h>
#include "base/event.h"
#include "media/sdpclean.h"
#include "media/sdpneg.h"
#include "media/stream.h"
#include "call.h"
#include "call_int.h"
#include "conf.h"
#include "ua.h"

static void emit_sdp(struct call *call, const char *type,
		     const uint8_t *p, size_t len)
{
	char *s = NULL;

	if (!p || !len)
		return;
	if (re_sdprintf(&s, "%b", p, len))
		return;
	evbus_emit(call_bus(call), type, call->inst->name, call->id,
		   EVS("sdp", s), EV_END);
	mem_deref(s);
}

int call_encode_sdp(struct call *call, struct mbuf **mbp, bool offer)
{
	int err = sdp_encode(mbp, call->sdp, offer);

	if (!err) {
		emit_sdp(call, "sdp.local", (*mbp)->buf, (*mbp)->end);
		call->sdp_sent = true;
	}
	return err;
}

/* The peer's SDP without the attribute lines libre cannot read, each
 * left out with a word in an `error` event. */
static int decode_leniently(struct call *call, struct mbuf *mb, bool offer)
{
	struct mbuf *clean = NULL;
	unsigned dropped = 0;
	char why[160];
	int err;

	err = sdp_clean(&clean, mbuf_buf(mb), mbuf_get_left(mb), &dropped,
			why, sizeof(why));
	if (err || !dropped) {
		mem_deref(clean);
		return err ? err : EBADMSG;
	}
	err = sdp_decode(call->sdp, clean, offer);
	mem_deref(clean);
	if (!err)
		call_error(call, "sdp", "left out %u malformed SDP line%s "
			   "from %s, the first %s", dropped,
			   dropped == 1 ? "" : "s", call->peer, why);
	return err;
}

/* Decode the peer's SDP (an offer when OFFER) and choose the media.
 * Returns ENOENT, with the reason emitted as an error, when nothing
 * matches. */
int call_remote_sdp(struct call *call, struct mbuf *mb, bool offer,
		    struct media_choice *mc)
{
	char why[256];
	size_t pos = mb->pos;
	int err;

	emit_sdp(call, "sdp.remote", mbuf_buf(mb), mbuf_get_left(mb));

	err = sdp_decode(call->sdp, mb, offer);
	mb->pos = pos;
	if (err == EBADMSG)
		err = decode_leniently(call, mb, offer);
	if (err) {
		call_error(call, "sdp",
			   "malformed SDP from %s: %m", call->peer, err);
		return err;
	}

	err = sdpneg_choose(mc, call->sdpm, &call->inst->cfg->codecs,
			    why, sizeof(why));
	if (err)
		call_error(call, "negotiation", "%s", why);
	return err;
}

int call_start_media(struct call *call, const struct media_choice *mc)
{
	bool first = !stream_choice(call->strm);
	struct media_choice held = *mc;
	char err[256];
	int e;

	call->mc_peer = *mc;
	call_hold_filter(call, &held);
	e = stream_start(call->strm, &held);

	/* record = on: from the first frame, early media included */
	if (!e && first && call->inst->cfg->record)
		(void)call_record(call, true, -1, err, sizeof(err));
	return e;
}

/* Apply an answer or early-media SDP in MB; false when it was unusable. */
bool call_apply_remote_answer(struct call *call, struct mbuf *mb)
{
	struct media_choice mc;

	if (!mb || !mbuf_get_left(mb))
		return true;   /* e.g. a 200 after an SDP-carrying 183 */

	if (call_remote_sdp(call, mb, false, &mc))
		return false;

	(void)call_start_media(call, &mc);
	return true;
}

int call_start_local_media(struct call *call)
{
	struct media_choice mc;
	char why[256];
	int err;

	err = sdpneg_choose(&mc, call->sdpm, &call->inst->cfg->codecs,
			    why, sizeof(why));
	if (err)
		return err;
	return call_start_media(call, &mc);
}

const struct codec *call_offered_codec(const struct call *call)
{
	struct media_choice mc;
	char why[64];

	if (call->offerless || sdpneg_choose(&mc, call->sdpm,
					     &call->inst->cfg->codecs, why,
					     sizeof(why)))
		return NULL;
	return mc.codec;
}
