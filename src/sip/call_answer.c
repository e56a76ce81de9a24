/* The answering side's replies: 180, 183 with early media, 200 and
 * rejections, and the instance's answer policy (answer = ...). */
#include <string.h>
#include <re.h>
#include "base/util.h"
#include "call.h"
#include "call_int.h"
#include "conf.h"
#include "ua.h"

const char *call_reason_phrase(uint16_t code)
{
	static const struct { uint16_t code; const char *text; } t[] = {
		{180, "Ringing"}, {183, "Session Progress"}, {200, "OK"},
		{400, "Bad Request"}, {403, "Forbidden"}, {404, "Not Found"},
		{408, "Request Timeout"}, {480, "Temporarily Unavailable"},
		{481, "Call/Transaction Does Not Exist"},
		{484, "Address Incomplete"}, {486, "Busy Here"},
		{487, "Request Terminated"}, {488, "Not Acceptable Here"},
		{500, "Server Internal Error"}, {503, "Service Unavailable"},
		{600, "Busy Everywhere"}, {603, "Decline"},
		{604, "Does Not Exist Anywhere"}, {606, "Not Acceptable"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		if (t[i].code == code)
			return t[i].text;
	}
	return code >= 600 ? "Global Failure" : code >= 500 ? "Server Error" :
		"Request Failed";
}

static void answer_timer(void *arg)
{
	struct call *call = arg;
	char err[128];

	if (call_answer(call, err, sizeof(err)))
		call_error(call, "answer", "%s", err);
}

void call_answer_policy(struct call *call)
{
	const struct answer_policy *ap = &call->inst->cfg->answer;
	char err[128] = "";
	int e = 0;

	switch (ap->mode) {

	case ANSWER_AUTO:
		if (ap->delay_ms) {
			e = call_ring(call, err, sizeof(err));
			tmr_start(&call->tmr_answer, ap->delay_ms,
				  answer_timer, call);
		}
		else {
			e = call_answer(call, err, sizeof(err));
		}
		break;

	case ANSWER_REJECT:
		e = call_reject(call, ap->code, err, sizeof(err));
		break;

	default:
		break;
	}

	if (e)
		call_error(call, "answer", "%s", err);
}

static bool answerable(const struct call *call, char *err, size_t errsz)
{
	if (call->dir != CALL_IN) {
		re_snprintf(err, errsz, "%s is an outgoing call", call->id);
		return false;
	}
	switch (call->state) {

	case CALL_INCOMING:
	case CALL_RINGING:
	case CALL_EARLY:
		return true;
	default:
		re_snprintf(err, errsz, "%s is %s, not ringing", call->id,
			    call_state_name(call->state));
		return false;
	}
}

/* Send SCODE, with our SDP when SDP (an offer when OFFER): through
 * the session once there is one, else handing it the INVITE. */
static int reply(struct call *call, uint16_t scode, bool sdp, bool offer,
		 char *err, size_t errsz)
{
	const char *reason = call_reason_phrase(scode);
	struct mbuf *desc = NULL;
	int e = sdp ? call_encode_sdp(call, &desc, offer) : 0;

	if (!e && !call->sess)
		e = call_accept_session(call, scode, desc);
	else if (!e && scode < 200)
		e = sipsess_progress(call->sess, scode, reason, desc,
				     UA_CAPS);
	else if (!e)
		e = sipsess_answer(call->sess, scode, reason, desc, UA_CAPS);
	mem_deref(desc);
	if (e)
		re_snprintf(err, errsz, "cannot send %u: %m", scode, e);
	return e;
}

int call_ring(struct call *call, char *err, size_t errsz)
{
	int e;

	if (!answerable(call, err, errsz))
		return EPROTO;

	e = reply(call, 180, false, false, err, errsz);
	if (!e && call->state == CALL_INCOMING)
		call_set_state(call, CALL_RINGING);
	return e;
}

int call_progress(struct call *call, char *err, size_t errsz)
{
	int e;

	if (!answerable(call, err, errsz))
		return EPROTO;

	if (call->offerless) {
		re_snprintf(err, errsz, "the INVITE had no SDP offer; early "
			    "media needs one");
		return EPROTO;
	}

	e = reply(call, 183, true, false, err, errsz);
	if (e)
		return e;

	(void)call_start_local_media(call);
	call_set_state(call, CALL_EARLY);
	return 0;
}

int call_answer(struct call *call, char *err, size_t errsz)
{
	int e;

	if (!answerable(call, err, errsz))
		return EPROTO;

	tmr_cancel(&call->tmr_answer);

	/* Without an offer in the INVITE we offer in the 200 and take the
	 * answer from the ACK (libre's answer handler). */
	e = reply(call, 200, true, call->offerless, err, errsz);
	if (e)
		return e;

	if (!call->offerless)
		(void)call_start_local_media(call);
	return 0;
}

int call_reject(struct call *call, uint16_t code, char *err, size_t errsz)
{
	const char *reason = call_reason_phrase(code);
	int e;

	if (code < 400 || code > 699) {
		re_snprintf(err, errsz, "%u is not a rejection code "
			    "(400-699)", code);
		return EINVAL;
	}
	if (!answerable(call, err, errsz))
		return EPROTO;

	if (call->sess)
		e = sipsess_reject(call->sess, code, reason, NULL);
	else
		e = sip_treply(&call->st, call->inst->sip, call->inv, code,
			       reason);
	if (e) {
		re_snprintf(err, errsz, "cannot send %u: %m", code, e);
		return e;
	}

	call_terminate(call, code, reason, "local");
	return 0;
}
