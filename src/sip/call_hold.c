/* Hold and resume: our re-INVITE with a new direction (sipflow.conf's
 * hold style), what the peer's SDP means for the hold states, and the
 * direction the stream may use.  The stream's clock runs on while held
 * (RFC 3550) and the recorder writes silence for what is not heard, so
 * a recording keeps the call's wall-clock length. */
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

static bool talking(const struct call *call)
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

/* The state our hold flags say, announced when it or the flags moved. */
static void settle(struct call *call, bool was_local, bool was_remote)
{
	enum call_state st;

	if (!talking(call))
		return;

	st = call->local_hold ? CALL_HELD :
		call->remote_hold ? CALL_REMOTE_HELD : CALL_ESTABLISHED;

	if (st != call->state) {
		call_set_state(call, st);
	}
	else if (was_local != call->local_hold ||
		 was_remote != call->remote_hold) {
		call_emit_state(call);   /* held, now by both or by one */
	}
}

/* The peer holds us when it will not receive: its SDP says sendonly or
 * inactive, or has c=0.0.0.0.  An answer only says so when our offer let
 * it receive (an answer to `inactive` is inactive whatever it wants). */
void call_update_hold_state(struct call *call, bool offer)
{
	const struct sa *raddr = sdp_media_raddr(call->sdpm);
	bool was_remote = call->remote_hold;
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

	settle(call, call->local_hold, was_remote);
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

	if (hold && style == HOLD_ZERO)
		(void)sa_set_str(&laddr, "0.0.0.0", 0);
	sdp_session_set_laddr(call->sdp, &laddr);
}

void call_modify_answered(struct call *call)
{
	bool was_local = call->local_hold;

	if (!call->modify_pending)
		return;
	call->modify_pending = false;
	/* the direction asked for is in our SDP */
	call->local_hold = call->modify_hold;
	settle(call, was_local, call->remote_hold);
}

/* Our re-INVITE got a final answer other than 2xx (libre tells the
 * session nothing, so the instance's trace brings it here): the hold
 * did not happen, and the SDP we offer goes back to what holds. */
void call_modify_refused(struct call *call, uint16_t code,
			 const struct pl *reason)
{
	if (!call->modify_pending)
		return;
	call->modify_pending = false;
	set_offer(call, call->local_hold);
	call_error(call, "modify", "%s refused by %s: %u %r",
		   call->modify_hold ? "hold" : "resume", call->peer, code,
		   reason);
}

int call_hold(struct call *call, bool hold, char *err, size_t errsz)
{
	struct mbuf *offer = NULL;
	int e;

	if (!talking(call) || !call->sess)
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
	if (!e)
		e = sipsess_modify(call->sess, offer);
	mem_deref(offer);
	if (e) {
		set_offer(call, call->local_hold);
		return errf(err, errsz, e, "cannot send re-INVITE: %m", e);
	}

	call->modify_pending = true;
	call->modify_hold = hold;
	return 0;
}

bool call_held_locally(const struct call *call)
{
	return call->local_hold;
}

bool call_held_remotely(const struct call *call)
{
	return call->remote_hold;
}
