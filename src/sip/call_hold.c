/* Hold and resume: our re-INVITE with a new direction (sipflow.conf's
 * hold style), what the peer's SDP means for the hold states, the
 * direction the stream may use, and the fate of our re-INVITE: answered,
 * refused, or overtaken by the peer's.  The stream's clock runs on while
 * held (RFC 3550) and the recorder writes silence for what is not heard,
 * so a recording keeps the call's wall-clock length. */
#include <string.h>
#include <re.h>
#include "base/event.h"
#include "base/util.h"
#include "media/sdpneg.h"
#include "media/stream.h"
#include "call.h"
#include "call_int.h"
#include "conf.h"
#include "ua.h"

bool call_is_up(const struct call *call)
{
	return call->state == CALL_ESTABLISHED ||
		call->state == CALL_HELD || call->state == CALL_REMOTE_HELD;
}

void call_hold_filter(const struct call *call, struct media_choice *mc)
{
	if (call->local_hold) {
		if (call->inst->cfg->midcall.hold == HOLD_SENDONLY)
			mc->dir &= SDP_SENDONLY;
		else
			mc->dir = SDP_INACTIVE;
	}

	/* RFC 2543 hold from the peer: nowhere to send to */
	if (!sa_isset(&mc->raddr, SA_ADDR))
		mc->dir &= ~SDP_SENDONLY;
}

/* The state our hold flags say, announced once when it or the flags
 * moved since the last announcement (an answer moves both flags: one
 * event, no passing state in between). */
static void settle(struct call *call)
{
	enum call_state st;

	if (!call_is_up(call))
		return;

	st = call->local_hold ? CALL_HELD :
		call->remote_hold ? CALL_REMOTE_HELD : CALL_ESTABLISHED;

	if (st != call->state)
		call_set_state(call, st);
	else if (call->shown_local != call->local_hold ||
		 call->shown_remote != call->remote_hold)
		call_emit_state(call);   /* held, now by both or by one */

	call->shown_local = call->local_hold;
	call->shown_remote = call->remote_hold;
}

/* The peer holds us when it will not receive: its SDP says sendonly or
 * inactive, or has c=0.0.0.0.  An answer only says so when our offer let
 * it receive (an answer to `inactive` is inactive whatever it wants). */
void call_update_hold_state(struct call *call, bool offer)
{
	const struct sa *raddr = sdp_media_raddr(call->sdpm);
	bool asked_to_receive = sdp_media_ldir(call->sdpm) & SDP_SENDONLY;

	if (!stream_choice(call->strm))
		return;

	if (offer || (asked_to_receive && (!call->local_hold ||
		      call->inst->cfg->midcall.hold == HOLD_SENDONLY)))
		/* libre's rdir is already turned to our side: what the
		 * peer lets us do */
		call->remote_hold =
			!(sdp_media_rdir(call->sdpm) & SDP_SENDONLY) ||
			!sa_isset(raddr, SA_ADDR);

	settle(call);
}

/* Our offer as the hold style has it: the direction, and for RFC 2543
 * peers the connection address 0.0.0.0. */
static void set_offer(struct call *call, bool hold)
{
	enum hold_style style = call->inst->cfg->midcall.hold;
	struct sa laddr;

	sa_cpy(&laddr, &call->inst->laddr);
	sa_set_port(&laddr, 0);

	sdp_media_set_ldir(call->sdpm, !hold ? SDP_SENDRECV :
			   style == HOLD_SENDONLY ? SDP_SENDONLY :
			   style == HOLD_INACTIVE ? SDP_INACTIVE :
			   SDP_SENDRECV);

	/* (libre's media c= line cannot say 0.0.0.0: the session's does,
	 * and its o= line with it) */
	if (hold && style == HOLD_ZERO)
		(void)sa_set_str(&laddr, "0.0.0.0", 0);
	sdp_session_set_laddr(call->sdp, &laddr);
}

void call_modify_answered(struct call *call, const struct sip_msg *msg)
{
	/* only a response answers our re-INVITE: the ACK of the peer's
	 * offerless one may bring an answer too */
	if (!call->modify_pending || msg->req)
		return;
	call->modify_pending = false;
	tmr_cancel(&call->tmr_modify);
	/* the direction asked for is in our SDP; the caller settles */
	call->local_hold = call->modify_hold;

	/* a 2xx without SDP changes no address or codec, but the
	 * direction we may use follows our hold all the same */
	if (!mbuf_get_left(msg->mb) && stream_choice(call->strm))
		(void)call_start_media(call, &call->mc_peer);
}

/* Our re-INVITE got a final answer other than 2xx: the hold did not
 * happen, and the SDP we offer goes back to what holds. */
static void refused(struct call *call, uint16_t code, const char *reason)
{
	if (!call->modify_pending)
		return;
	call->modify_pending = false;
	tmr_cancel(&call->tmr_modify);
	set_offer(call, call->local_hold);
	call_error(call, "modify", "%s refused by %s: %u %s",
		   call->modify_hold ? "hold" : "resume", call->peer, code,
		   reason);
}

/* After a challenge, on the next loop turn: libre has sent our
 * re-INVITE again with credentials, or given up without a word. */
static void challenge_answered(void *arg)
{
	struct call *call = arg;

	if (call->sess &&
	    sip_dialog_lseq(sipsess_dialog(call->sess)) == call->modify_lseq)
		refused(call, call->modify_code, "no credentials for the "
			"challenge");
}

void call_modify_response(struct call *call, const struct sip_msg *msg)
{
	char reason[128];

	if (!call->modify_pending || !call->sess ||
	    msg->cseq.num < call->modify_cseq)
		return;

	switch (msg->scode) {

	case 491:
		return;   /* libre retries after 1 or 3 s */

	case 500:
		if (sip_msg_hdr(msg, SIP_HDR_RETRY_AFTER))
			return;   /* libre retries after Retry-After */
		break;

	case 401:
	case 407:
		call->modify_code = msg->scode;
		call->modify_lseq = sip_dialog_lseq(sipsess_dialog(call->sess));
		tmr_start(&call->tmr_modify, 0, challenge_answered, call);
		return;
	}

	pl_strcpy(&msg->reason, reason, sizeof(reason));
	refused(call, msg->scode, reason);
}

static void reissue(void *arg)
{
	struct call *call = arg;
	char err[128];

	if (call_hold(call, call->modify_hold, err, sizeof(err)))
		call_error(call, "modify", "cannot %s again after the peer's "
			   "re-INVITE: %s", call->modify_hold ? "hold" :
			   "resume", err);
}

void call_modify_overtaken(struct call *call)
{
	if (!call->modify_pending)
		return;

	/* The peer's re-INVITE came while libre waited to retry ours
	 * after a 491 (RFC 3261 14.1): libre answers it and drops ours.
	 * Answer with the SDP that holds now, and ask again once the
	 * peer's is done (libre sends it after the ACK). */
	call->modify_pending = false;
	set_offer(call, call->local_hold);
	tmr_start(&call->tmr_modify, 0, reissue, call);
}

int call_hold(struct call *call, bool hold, char *err, size_t errsz)
{
	struct mbuf *offer = NULL;
	int e;

	if (!call_is_up(call) || !call->sess)
		return errf(err, errsz, EINVAL, "%s is %s: only a call that "
			    "is up can be %s", call->id,
			    call_state_name(call->state),
			    hold ? "held" : "resumed");
	if (call->modify_pending)
		return errf(err, errsz, EBUSY, "%s: a re-INVITE is still "
			    "waiting for its answer", call->id);
	if (call->local_hold == hold)
		return errf(err, errsz, EALREADY, "%s is %s", call->id,
			    hold ? "already held" : "not held");

	set_offer(call, hold);
	e = call_encode_sdp(call, &offer, true);
	/* the CSeq it goes with (libre may send it later, never lower) */
	call->modify_cseq = sip_dialog_lseq(sipsess_dialog(call->sess));
	if (!e)
		e = sipsess_modify(call->sess, offer);
	mem_deref(offer);
	if (e) {
		set_offer(call, call->local_hold);
		return errf(err, errsz, e, "cannot send re-INVITE: %m", e);
	}

	tmr_cancel(&call->tmr_modify);
	call->modify_pending = true;
	call->modify_hold = hold;
	return 0;
}
