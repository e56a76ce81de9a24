/* The session changes after it is up: the peer's re-INVITE and UPDATE
 * (codec, address, direction, or a refresh that changes nothing), and
 * the fate of our own re-INVITE.  libre answers a re-INVITE that
 * crosses ours with 491 and retries ours itself (1 s, or 3 s when we
 * own the Call-ID: inside RFC 3261 14.1's windows); it knows no UPDATE,
 * so the gate hands UPDATE here. */
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

/* An offer from the peer in MSG (a re-INVITE or an UPDATE): our answer
 * into *DESCP.  ENOENT or EBADMSG when we cannot take it: the caller
 * answers 488 and the call goes on as it was. */
int call_offer_received(struct call *call, const struct sip_msg *msg,
			struct mbuf **descp)
{
	struct media_choice mc;
	int err;

	/* ours waited for libre's retry after a 491: now it yields */
	if (msg->req && !pl_strcmp(&msg->met, "INVITE"))
		call_modify_overtaken(call);

	/* A re-INVITE without SDP asks us to offer. */
	if (!mbuf_get_left(msg->mb))
		return call_encode_sdp(call, descp, true);

	err = call_remote_sdp(call, msg->mb, true, &mc);
	if (err) {
		call_error(call, "modify", "refused the %r from %s with 488: "
			   "the call goes on as it was", &msg->met,
			   call->peer);
		return err;
	}

	/* media moves in place: same stream, same sockets */
	(void)call_start_media(call, &mc);
	call_update_hold_state(call, true);
	return call_encode_sdp(call, descp, false);
}

bool call_offer_acceptable(const struct call *call, const struct sip_msg *msg,
			   char *why, size_t whysz)
{
	const struct codec_list *codecs = &call->inst->cfg->codecs;
	struct sdp_session *sdp = NULL;
	struct sdp_media *m = NULL;
	struct media_choice mc;
	struct mbuf *mb = msg->mb;
	size_t pos = mb->pos;
	bool ok;
	int err;

	/* Tried on a session of its own, so the call's SDP state is the
	 * last one agreed if we refuse.  SDP that does not decode, even
	 * without the lines libre cannot read, is refused too. */
	if (!mbuf_get_left(mb) ||
	    sdpneg_session(&sdp, &m, &call->inst->laddr, 9, codecs))
		return true;
	err = sdp_decode(sdp, mb, true);
	mb->pos = pos;
	if (err == EBADMSG) {
		/* as the call would read it: without the lines libre
		 * cannot decode */
		struct mbuf *clean = NULL;
		unsigned dropped = 0;

		err = sdp_clean(&clean, mbuf_buf(mb), mbuf_get_left(mb),
				&dropped, why, whysz);
		if (!err)
			err = dropped ? sdp_decode(sdp, clean, true) : EBADMSG;
		mem_deref(clean);
	}
	if (err) {
		re_snprintf(why, whysz, "malformed SDP: %m", err);
		ok = false;
	}
	else {
		ok = !sdpneg_choose(&mc, m, codecs, why, whysz);
	}
	mem_deref(sdp);
	return ok;
}

void call_update_received(struct call *call, const struct sip_msg *msg)
{
	struct sip *sip = call->inst->sip;
	struct sip_contact contact;
	struct mbuf *desc = NULL;
	char why[256] = "";
	struct sip_dialog *dlg;
	bool acceptable;

	/* our 2xx names where we are, as the INVITE's did */
	sip_contact_set(&contact, call->inst->cfg->user, &msg->dst, msg->tp);

	dlg = call->sess ? sipsess_dialog(call->sess) : NULL;
	if (dlg && sip_dialog_established(dlg)) {
		/* RFC 3261 12.2.2: in order, and a target refresh */
		if (!sip_dialog_rseq_valid(dlg, msg)) {
			(void)sip_treply(NULL, sip, msg, 500,
					 "Server Internal Error");
			return;
		}
		(void)sip_dialog_update(dlg, msg);
	}

	if (mbuf_get_left(msg->mb) && (!call_is_up(call) ||
				       call->modify_pending)) {
		/* an offer in an early dialog (no 100rel: nothing
		 * negotiated to change yet), or crossing ours */
		(void)sip_treply(NULL, sip, msg, 491, "Request Pending");
		return;
	}

	if (!mbuf_get_left(msg->mb)) {
		/* a session refresh (RFC 4028) with nothing to negotiate */
		(void)sip_treplyf(NULL, NULL, sip, msg, true, 200, "OK",
				  "%HContent-Length: 0\r\n\r\n",
				  sip_contact_print, &contact);
		return;
	}

	/* (call_offer_received names its own refusals) */
	acceptable = call_offer_acceptable(call, msg, why, sizeof(why));
	if (!acceptable || call_offer_received(call, msg, &desc)) {
		call_refuse_offer(call, msg, acceptable ? NULL : why);
		mem_deref(desc);
		return;
	}

	(void)sip_treplyf(NULL, NULL, sip, msg, true, 200, "OK",
			  "%H"
			  "Content-Type: application/sdp\r\n"
			  "Content-Length: %zu\r\n"
			  "\r\n"
			  "%b",
			  sip_contact_print, &contact,
			  mbuf_get_left(desc), mbuf_buf(desc),
			  mbuf_get_left(desc));
	mem_deref(desc);
}

void call_refuse_offer(struct call *call, const struct sip_msg *msg,
			const char *why)
{
	(void)sip_treplyf(NULL, NULL, call->inst->sip, msg, false, 488,
			  "Not Acceptable Here",
			  "Warning: 305 sipflow \"Incompatible media format\"\r\n"
			  "Content-Length: 0\r\n\r\n");
	if (why)
		call_error(call, "modify", "refused the %s from %s with 488, "
			   "the call goes on as it was: %s",
			   pl_strcmp(&msg->met, "INVITE") ? "UPDATE" :
			   "re-INVITE", call->peer, why);
}

struct call *call_of_dialog(const struct list *calls,
			    const struct sip_msg *msg)
{
	struct call *early = NULL;

	for (struct le *le = list_head(calls); le; le = le->next) {
		struct call *call = le->data;
		const struct sip_dialog *dlg = call->sess ?
			sipsess_dialog(call->sess) : NULL;

		if (call->state == CALL_TERMINATED)
			continue;
		if (dlg && sip_dialog_established(dlg) &&
		    sip_dialog_cmp(dlg, msg))
			return call;
		/* a dialog not confirmed yet: its Call-ID names it */
		if ((!dlg || !sip_dialog_established(dlg)) &&
		    call->sip_callid &&
		    !pl_strcmp(&msg->callid, call->sip_callid))
			early = call;
	}
	return early;
}

void call_response_seen(struct instance *inst, const struct sip_msg *msg)
{
	struct le *le;

	if (msg->scode >= 200 && msg->scode < 300 &&
	    !pl_strcmp(&msg->cseq.met, "REFER")) {
		for (le = list_head(&inst->calls); le; le = le->next) {
			struct call *call = le->data;

			if (call->sip_callid &&
			    !pl_strcmp(&msg->callid, call->sip_callid))
				call_transfer_accepted(call, msg->scode);
		}
		return;
	}

	if (msg->scode < 300 || pl_strcmp(&msg->cseq.met, "INVITE"))
		return;

	for (le = list_head(&inst->calls); le; le = le->next) {
		struct call *call = le->data;

		if (call->sip_callid && call->ltag &&
		    !pl_strcmp(&msg->callid, call->sip_callid) &&
		    !pl_strcmp(&msg->from.tag, call->ltag))
			call_modify_response(call, msg);
	}
}
