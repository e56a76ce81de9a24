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
		{481, "Call/Transaction Does Not Exist"}, {486, "Busy Here"},
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

int call_ring(struct call *call, char *err, size_t errsz)
{
	int e;

	if (!answerable(call, err, errsz))
		return EPROTO;

	if (call->sess)
		e = sipsess_progress(call->sess, 180, "Ringing", NULL, NULL);
	else
		e = call_accept_session(call, 180, NULL);
	if (e) {
		re_snprintf(err, errsz, "cannot send 180: %m", e);
		return e;
	}

	if (call->state == CALL_INCOMING)
		call_set_state(call, CALL_RINGING);
	return 0;
}

int call_progress(struct call *call, char *err, size_t errsz)
{
	struct mbuf *desc = NULL;
	int e;

	if (!answerable(call, err, errsz))
		return EPROTO;

	if (call->offerless) {
		re_snprintf(err, errsz, "the INVITE had no SDP offer; early "
			    "media needs one");
		return EPROTO;
	}

	e = call_encode_sdp(call, &desc, false);
	if (!e) {
		if (call->sess)
			e = sipsess_progress(call->sess, 183,
					     "Session Progress", desc, NULL);
		else
			e = call_accept_session(call, 183, desc);
	}
	mem_deref(desc);
	if (e) {
		re_snprintf(err, errsz, "cannot send 183: %m", e);
		return e;
	}

	(void)call_start_local_media(call);
	call_set_state(call, CALL_EARLY);
	return 0;
}

int call_answer(struct call *call, char *err, size_t errsz)
{
	struct mbuf *desc = NULL;
	int e;

	if (!answerable(call, err, errsz))
		return EPROTO;

	tmr_cancel(&call->tmr_answer);

	/* Without an offer in the INVITE we offer in the 200 and take the
	 * answer from the ACK (libre's answer handler). */
	e = call_encode_sdp(call, &desc, call->offerless);
	if (!e) {
		if (call->sess)
			e = sipsess_answer(call->sess, 200, "OK", desc, NULL);
		else
			e = call_accept_session(call, 200, desc);
	}
	mem_deref(desc);
	if (e) {
		re_snprintf(err, errsz, "cannot send 200: %m", e);
		return e;
	}

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
