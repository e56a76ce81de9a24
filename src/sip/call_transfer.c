/* Transfer, as the one who asks (RFC 3515, RFC 5589): REFER the peer to
 * a target (blind) or to the peer of another call with Replaces
 * (attended), follow the NOTIFY sipfrag progress, and hang up when it
 * worked.  And as the target: an INVITE with Replaces (RFC 3891) takes
 * the place of the dialog it names. */
#include <string.h>
#include <re.h>
#include "base/event.h"
#include "base/util.h"
#include "call.h"
#include "call_int.h"
#include "conf.h"
#include "reg.h"
#include "ua.h"

void call_emit_transfer(const struct call *call, const char *role,
			const char *state, uint16_t code, const char *reason,
			const char *target, const char *other)
{
	evbus_emit(call_bus(call), "transfer", call->inst->name, call->id,
		   EVS("role", role), EVS("state", state),
		   EVI("code", code),
		   EVS_OPT("reason", reason), EVS_OPT("target", target),
		   EVS_OPT("other", other), EV_END);
}

/* S as a URI header value: what RFC 3261's hvalue may not carry
 * unescaped, %-escaped. */
static int hvalue_print(struct re_printf *pf, const char *s)
{
	static const char keep[] = "-_.!~*'()[]/?:+$";
	int err = 0;

	for (; *s && !err; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || strchr(keep, c))
			err = re_hprintf(pf, "%c", c);
		else
			err = re_hprintf(pf, "%%%02X", c);
	}
	return err;
}

static void transfer_final(struct call *call, uint16_t code,
			   const char *reason)
{
	if (call->xfer_final)
		return;
	call->xfer_final = true;

	if (code >= 200 && code < 300) {
		call_emit_transfer(call, "transferor", "succeeded", code,
				   reason, NULL, NULL);
		/* RFC 5589: the transferor ends its leg once it worked */
		if (call->inst->cfg->midcall.transfer_hangup)
			call_terminate(call, 200, "transferred", "local");
		return;
	}
	call_emit_transfer(call, "transferor", "failed", code, reason, NULL,
			   NULL);
	call_error(call, "transfer", "the transfer of %s failed: %u %s "
		   "(the call goes on)", call->id, code, reason);
}

static void notify_handler(struct sip *sip, const struct sip_msg *msg,
			   void *arg)
{
	struct call *call = arg;
	struct pl code, gap, reason;
	char why[128];

	(void)sip_treply(NULL, sip, msg, 200, "OK");

	/* the body's first line is the status line of the transferee's
	 * call (message/sipfrag): a code from 100 to 699 */
	if (mbuf_get_left(msg->mb) < 12 ||
	    memcmp(mbuf_buf(msg->mb), "SIP/2.0 ", 8) ||
	    re_regex((const char *)mbuf_buf(msg->mb), mbuf_get_left(msg->mb),
		     "SIP/2.0 [0-9]+[ ]+[^\r\n]*", &code, &gap, &reason) ||
	    code.l != 3 || pl_u32(&code) < 100 || pl_u32(&code) > 699) {
		call_error(call, "transfer", "a NOTIFY from %s carried no "
			   "sipfrag status line", call->peer);
		return;
	}
	pl_strcpy(&reason, why, sizeof(why));

	if (pl_u32(&code) < 200) {
		call_emit_transfer(call, "transferor", "progress",
				   (uint16_t)pl_u32(&code), why, NULL, NULL);
		return;
	}
	transfer_final(call, (uint16_t)pl_u32(&code), why);
}

static void sub_close_handler(int err, const struct sip_msg *msg,
			      const struct sipevent_substate *substate,
			      void *arg)
{
	struct call *call = arg;
	char why[128];
	(void)substate;

	if (call->xfer_final)
		return;

	if (msg && msg->scode >= 300) {
		/* the REFER itself was refused */
		pl_strcpy(&msg->reason, why, sizeof(why));
		transfer_final(call, msg->scode, why);
	}
	else {
		re_snprintf(why, sizeof(why), "the subscription ended "
			    "without a final NOTIFY (%m)", err);
		transfer_final(call, err == ETIMEDOUT ? 408 : 500, why);
	}
}

int call_transfer(struct call *call, const char *uri, struct call *consult,
		  char *err, size_t errsz)
{
	struct instance *inst = call->inst;
	char from[256], *refer_to = NULL;
	int e;

	if (!call_is_up(call) || !call->sess)
		return errf(err, errsz, EINVAL, "%s is %s: only a call that "
			    "is up can be transferred", call->id,
			    call_state_name(call->state));
	if (call->xfer_sub && !call->xfer_final)
		return errf(err, errsz, EBUSY, "a transfer of %s is under "
			    "way", call->id);

	if (consult) {
		if (consult == call || consult->inst != inst)
			return errf(err, errsz, EINVAL, "an attended transfer "
				    "needs a second call of %s", inst->name);
		if (!call_is_up(consult) || !consult->rtag || !consult->ltag)
			return errf(err, errsz, EINVAL, "%s is %s: the call "
				    "to transfer to must be up", consult->id,
				    call_state_name(consult->state));
		e = re_sdprintf(&refer_to, "<%s?Replaces=%H%%3Bto-tag%%3D%H"
				"%%3Bfrom-tag%%3D%H>",
				consult->rcontact ? consult->rcontact :
				consult->peer, hvalue_print,
				consult->sip_callid, hvalue_print,
				consult->rtag, hvalue_print, consult->ltag);
	}
	else {
		e = re_sdprintf(&refer_to, "<%s>", uri);
	}
	if (e)
		return errf(err, errsz, e, "cannot build Refer-To: %m", e);

	call->xfer_sub = mem_deref(call->xfer_sub);
	call->xfer_final = false;
	ua_from_uri(inst, from, sizeof(from));
	e = sipevent_drefer(&call->xfer_sub, inst->evsock,
			    sipsess_dialog(call->sess), inst->cfg->user,
			    ua_auth, inst, false, notify_handler,
			    sub_close_handler, call,
			    "Refer-To: %s\r\nReferred-By: <%s>\r\n",
			    refer_to, from);
	if (e) {
		errf(err, errsz, e, "cannot send REFER: %m", e);
	}
	else {
		/* the URI, as the transferee's events name it */
		refer_to[strlen(refer_to) - 1] = '\0';
		call_emit_transfer(call, "transferor", "requested", 0,
				   consult ? "attended" : "blind",
				   refer_to + 1, consult ? consult->id : NULL);
	}
	mem_deref(refer_to);
	return e;
}

/* The REFER's 2xx, seen by the instance's trace: the peer took it. */
void call_transfer_accepted(struct call *call, uint16_t code)
{
	if (call->xfer_sub && !call->xfer_final)
		call_emit_transfer(call, "transferor", "accepted", code, NULL,
				   NULL, NULL);
}

uint16_t call_replaces(struct call *call, const struct sip_msg *msg,
		       struct call **oldp)
{
	const struct sip_hdr *hdr = sip_msg_hdr(msg, SIP_HDR_REPLACES);
	struct pl callid, params, ttag, ftag, early;

	*oldp = NULL;
	if (!hdr)
		return 0;
	if (sip_msg_hdr_count(msg, SIP_HDR_REPLACES) > 1)
		return 400;   /* RFC 3891 3 */

	if (re_regex(hdr->val.p, hdr->val.l, "[^;]+[^]*", &callid,
		     &params) ||
	    msg_param_decode(&params, "to-tag", &ttag) ||
	    msg_param_decode(&params, "from-tag", &ftag))
		return 400;

	for (struct le *le = call->inst->calls.head; le; le = le->next) {
		struct call *old = le->data;

		/* RFC 3891 3: to-tag is the recipient's (our) tag */
		if (old == call || !call_is_up(old) || !old->ltag || !old->rtag ||
		    pl_strcmp(&callid, old->sip_callid) ||
		    pl_strcmp(&ttag, old->ltag) ||
		    pl_strcmp(&ftag, old->rtag))
			continue;

		if (!msg_param_exists(&params, "early-only", &early))
			return 486;

		*oldp = old;
		return 0;
	}
	return 481;
}

void call_replace(struct call *call, struct call *old)
{
	char reason[64];

	call_emit_transfer(call, "target", "replaced", 0, NULL, call->peer,
			   old->id);
	re_snprintf(reason, sizeof(reason), "replaced by %s", call->id);
	call_terminate(old, 200, reason, "local");
}

void call_transfer_close(struct call *call)
{
	/* our REFER's outcome, if it never came: the call ended first */
	if (call->xfer_sub && !call->xfer_final) {
		call->xfer_final = true;
		call_emit_transfer(call, "transferor", "failed", 487,
				   "the call ended before the transfer's "
				   "outcome", NULL, NULL);
	}
	call->xfer_sub = mem_deref(call->xfer_sub);
	if (call->refer_asked) {
		(void)sipevent_notifyf(call->refer_asked, NULL,
				       SIPEVENT_TERMINATED,
				       SIPEVENT_NORESOURCE, 0,
				       "SIP/2.0 487 Request Terminated\r\n");
		call->refer_asked = mem_deref(call->refer_asked);
	}
}
