/* A 2xx from a second fork of our INVITE (RFC 3261 13.2.2.4): libre
 * would drop it silently; we ACK that dialog and end it with a BYE. */
#include <string.h>
#include <re.h>
#include "base/event.h"
#include "call.h"
#include "call_int.h"
#include "ua.h"


static void fork_bye_handler(int err, const struct sip_msg *msg, void *arg)
{
	(void)err;
	(void)msg;
	(void)arg;
}

bool call_fork_response(struct instance *inst, const struct sip_msg *msg)
{
	const struct sip_hdr *contact;
	struct sip_addr addr;
	struct call *call = NULL;
	struct le *le;
	char *uri = NULL;
	char tag[64];
	int err;

	if (msg->scode < 200 || msg->scode > 299 ||
	    pl_strcmp(&msg->cseq.met, "INVITE"))
		return false;

	for (le = inst->calls.head; le; le = le->next) {
		struct call *c = le->data;
		if (c->dir == CALL_OUT && c->sip_callid && c->rtag &&
		    !pl_strcmp(&msg->callid, c->sip_callid)) {
			call = c;
			break;
		}
	}

	/* No dialog of ours yet, or the same dialog (a retransmitted 200
	 * that libre will ACK again): not ours to handle. */
	if (!call || !pl_strcmp(&msg->to.tag, call->rtag))
		return false;

	contact = sip_msg_hdr(msg, SIP_HDR_CONTACT);
	if (!contact || sip_addr_decode(&addr, &contact->val) ||
	    pl_strdup(&uri, &addr.auri)) {
		call_error(call, "sip",
			   "2xx from a second fork without a usable Contact");
		return true;
	}

	/* ACK the 2xx of the extra dialog, then end that dialog at once. */
	err  = sip_requestf(NULL, inst->sip, false, "ACK", uri, NULL, NULL,
			    NULL, NULL, NULL,
			    "Max-Forwards: 70\r\n"
			    "To: %r\r\n"
			    "From: %r\r\n"
			    "Call-ID: %r\r\n"
			    "CSeq: %u ACK\r\n"
			    "Content-Length: 0\r\n\r\n",
			    &msg->to.val, &msg->from.val, &msg->callid,
			    msg->cseq.num);
	err |= sip_requestf(NULL, inst->sip, true, "BYE", uri, NULL, NULL,
			    NULL, fork_bye_handler, NULL,
			    "Max-Forwards: 70\r\n"
			    "To: %r\r\n"
			    "From: %r\r\n"
			    "Call-ID: %r\r\n"
			    "CSeq: %u BYE\r\n"
			    "Content-Length: 0\r\n\r\n",
			    &msg->to.val, &msg->from.val, &msg->callid,
			    msg->cseq.num + 1);

	pl_strcpy(&msg->to.tag, tag, sizeof(tag));
	evbus_emit(inst->env->bus, "call.fork", inst->name, call->id,
		   EVS("sip_callid", call->sip_callid), EVS("to_tag", tag),
		   EVS("action", err ? "failed" : "ack+bye"), EV_END);

	mem_deref(uri);
	return true;
}
