/* Transfer, as the one who is asked (RFC 3515): a REFER in the dialog is
 * declined, or accepted with 202 and followed, at once or when the
 * operator says so (refer = accept | reject | ask).  Following it places
 * a new call to the Refer-To target, with Referred-By and any Replaces
 * it carries, and reports that call's progress to the transferor in
 * NOTIFYs (message/sipfrag).  The old call ends when the transferor
 * hangs it up (RFC 5589). */
#include <string.h>
#include <re.h>
#include "base/event.h"
#include "base/util.h"
#include "call.h"
#include "call_int.h"
#include "conf.h"
#include "reg.h"
#include "ua.h"

/* The notifier outlives the call that accepted the REFER (the new call
 * carries it), so its close handler gets the instance, not a call. */
static void not_close_handler(int err, const struct sip_msg *msg, void *arg)
{
	(void)err;
	(void)msg;
	(void)arg;
}

static void notify_final(struct sipnot **notp, uint16_t code,
			 const char *reason)
{
	(void)sipevent_notifyf(*notp, NULL, SIPEVENT_TERMINATED,
			       SIPEVENT_NORESOURCE, 0, "SIP/2.0 %u %s\r\n",
			       code, reason);
	*notp = mem_deref(*notp);
}

/* Call the Refer-To target of CALL's REFER; NOT goes with the new call. */
static void follow(struct call *call, struct sipnot *notifier)
{
	struct pl pl, replaces, hname = PL("Replaces");
	char *target = NULL, *repl = NULL, *hdrs = NULL, err[256];
	struct call *nc = NULL;
	struct sip_addr addr;
	const char *q;
	int e;

	pl_set_str(&pl, call->refer_to);
	if (sip_addr_decode(&addr, &pl)) {
		notify_final(&notifier, 400, "Bad Refer-To");
		return;
	}

	/* the target without its URI headers; Replaces becomes a header */
	q = pl_strchr(&addr.auri, '?');
	pl.p = addr.auri.p;
	pl.l = q ? (size_t)(q - addr.auri.p) : addr.auri.l;
	e = pl_strdup(&target, &pl);
	if (!e && !uri_header_get(&addr.uri.headers, &hname, &replaces))
		e = re_sdprintf(&repl, "%H", uri_header_unescape, &replaces);
	/* an escaped CR or LF would start a header of the peer's making */
	if (!e && repl && strpbrk(repl, "\r\n")) {
		call_emit_transfer(call, "transferee", "failed", 400,
				   "Replaces with a line break", target, NULL);
		notify_final(&notifier, 400, "Bad Refer-To");
		goto out;
	}
	if (!e)
		e = re_sdprintf(&hdrs, "Referred-By: %s\r\n%s%s%s",
				call->refer_by, repl ? "Replaces: " : "",
				repl ? repl : "", repl ? "\r\n" : "");
	/* a Refer-To may name a transport the instance has not got */
	if (!e && call->inst->env->transport_for &&
	    call->inst->env->transport_for(call->inst, target, err,
					   sizeof(err)))
		e = EINVAL;
	else if (!e)
		e = call_connect_with(&nc, call->inst, target, hdrs, NULL, err,
				      sizeof(err));
	else
		re_snprintf(err, sizeof(err), "%m", e);

	if (e) {
		call_emit_transfer(call, "transferee", "failed", 503, err,
				   target, NULL);
		notify_final(&notifier, 503, "Service Unavailable");
	}
	else {
		nc->xfer_not = notifier;
		call_emit_transfer(call, "transferee", "calling", 0,
				   repl ? "attended" : "blind", target,
				   nc->id);
	}
 out:
	mem_deref(target);
	mem_deref(repl);
	mem_deref(hdrs);
}

/* The Refer-To of CALL's REFER as a bare URI, for events. */
static const char *refer_uri(const struct call *call, char *buf, size_t sz)
{
	struct sip_addr addr;
	struct pl pl;

	pl_set_str(&pl, call->refer_to);
	if (sip_addr_decode(&addr, &pl))
		str_copy(buf, sz, call->refer_to);
	else
		pl_strcpy(&addr.auri, buf, sz);
	return buf;
}

void call_refer_handler(struct sip *sip, const struct sip_msg *msg,
			void *arg)
{
	struct call *call = arg;
	struct instance *inst = call->inst;
	const struct sip_hdr *to = sip_msg_hdr(msg, SIP_HDR_REFER_TO);
	const struct sip_hdr *by = sip_msg_hdr(msg, SIP_HDR_REFERRED_BY);
	/* a PBX's legs are not its own calls to move: a party transfers
	 * through the PBX only once it routes REFER (sipflow.1 BUGS) */
	enum refer_policy policy = inst->pbx ? REFER_REJECT :
		inst->cfg->midcall.refer;
	struct sipnot *notifier = NULL;
	struct sip_addr addr;
	struct pl method;
	char uri[256];
	int e;

	if (call->state == CALL_TERMINATED) {
		(void)sip_treply(NULL, sip, msg, 481, "Call Does Not Exist");
		return;
	}
	if (!to || sip_addr_decode(&addr, &to->val)) {
		(void)sip_treply(NULL, sip, msg, 400, "Bad Refer-To");
		call_error(call, "transfer", "REFER from %s without a usable "
			   "Refer-To: refused with 400", call->peer);
		return;
	}
	if (call->refer_asked) {
		(void)sip_treply(NULL, sip, msg, 491, "Request Pending");
		return;
	}

	call->refer_to = mem_deref(call->refer_to);
	call->refer_by = mem_deref(call->refer_by);
	e  = pl_strdup(&call->refer_to, &to->val);
	e |= by ? pl_strdup(&call->refer_by, &by->val) :
		re_sdprintf(&call->refer_by, "<%r>", &msg->from.auri);
	if (e) {
		(void)sip_treply(NULL, sip, msg, 500, "Server Internal Error");
		return;
	}
	/* it goes into our INVITE: a folded line stays one line */
	for (char *p = call->refer_by; *p; p++) {
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	}
	/* what we can call: a SIP URI, with no method but INVITE */
	if ((pl_strcasecmp(&addr.uri.scheme, "sip") &&
	     pl_strcasecmp(&addr.uri.scheme, "sips")) ||
	    (!msg_param_decode(&addr.uri.params, "method", &method) &&
	     pl_strcasecmp(&method, "INVITE"))) {
		(void)sip_treply(NULL, sip, msg, 400, "Bad Refer-To");
		call_error(call, "transfer", "REFER from %s to %r: not a SIP "
			   "URI to INVITE, refused with 400", call->peer,
			   &addr.auri);
		return;
	}

	call_emit_transfer(call, "transferee", "referred", 0,
			   refer_policy_name(policy), refer_uri(call, uri, sizeof(uri)), NULL);

	if (policy == REFER_REJECT) {
		(void)sip_treply(NULL, sip, msg, 603, "Decline");
		call_emit_transfer(call, "transferee", "declined", 603,
				   "refer = reject", refer_uri(call, uri, sizeof(uri)), NULL);
		return;
	}

	e = sipevent_accept(&notifier, inst->evsock, msg,
			    sipsess_dialog(call->sess), NULL, 202, "Accepted",
			    60, 60, 60, inst->cfg->user, "message/sipfrag",
			    ua_auth, inst, false, not_close_handler, inst,
			    NULL);
	if (e) {
		(void)sip_treply(NULL, sip, msg, 500, "Server Internal Error");
		call_error(call, "transfer", "cannot accept the REFER: %m", e);
		return;
	}
	(void)sipevent_notifyf(notifier, NULL, SIPEVENT_ACTIVE, 0, 0,
			       "SIP/2.0 100 Trying\r\n");

	if (policy == REFER_ASK) {
		call->refer_asked = notifier;
		call_emit_transfer(call, "transferee", "asked", 0, NULL,
				   refer_uri(call, uri, sizeof(uri)), NULL);
		return;
	}
	follow(call, notifier);
}

int call_refer_decide(struct call *call, bool accept, char *err,
		      size_t errsz)
{
	struct sipnot *notifier = call->refer_asked;
	char uri[256];

	if (!notifier)
		return errf(err, errsz, ENOENT, "%s has no transfer request "
			    "waiting", call->id);
	call->refer_asked = NULL;

	if (accept) {
		follow(call, notifier);
		return 0;
	}
	call_emit_transfer(call, "transferee", "declined", 603, "operator",
			   refer_uri(call, uri, sizeof(uri)), NULL);
	notify_final(&notifier, 603, "Decline");
	return 0;
}

void call_refer_progress(struct call *call, uint16_t code,
			 const char *reason)
{
	const char *phrase = reason ? reason : call_reason_phrase(code);

	if (!call->xfer_not)
		return;

	if (code < 200) {
		(void)sipevent_notifyf(call->xfer_not, NULL, SIPEVENT_ACTIVE,
				       0, 0, "SIP/2.0 %u %s\r\n", code,
				       phrase);
		call_emit_transfer(call, "transferee", "progress", code,
				   phrase, call->peer, NULL);
		return;
	}
	call_emit_transfer(call, "transferee", code < 300 ? "succeeded" :
			   "failed", code, phrase, call->peer, NULL);
	notify_final(&call->xfer_not, code, phrase);
}
