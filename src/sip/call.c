/* The dialog state machine: a call's object and states, the libre
 * session handlers that move it, placing and taking calls, hanging up.
 * Offer/answer is call_sdp.c, the UAS replies call_answer.c, what the
 * operator does inside a call call_actions.c. */
#include <string.h>
#include <re.h>
#include "base/event.h"
#include "base/names.h"
#include "base/util.h"
#include "media/stream.h"
#include "call.h"
#include "call_int.h"
#include "conf.h"
#include "reg.h"
#include "ua.h"

static const char *const state_names[] = {
	"calling", "incoming", "ringing", "early", "established",
	"held", "remote_held", "terminated",
};
static const struct name_table states = NAME_TABLE(state_names, false);

const char *call_state_name(enum call_state st)
{
	return name_of(&states, (int)st);
}

int call_state_parse(enum call_state *st, const char *name)
{
	int v;

	if (name_parse(&states, name, &v))
		return EINVAL;
	*st = (enum call_state)v;
	return 0;
}

struct evbus *call_bus(const struct call *call)
{
	return call->inst->env->bus;
}

/* Who holds a call that is held: "local", "remote" or "both". */
static const char *hold_of(const struct call *call)
{
	if (call->state != CALL_HELD && call->state != CALL_REMOTE_HELD)
		return NULL;
	return call->local_hold && call->remote_hold ? "both" :
		call->local_hold ? "local" : "remote";
}

void call_notify_watch(struct call *call)
{
	if (call->watch)
		call->watch(call, call->watch_arg);
}

void call_emit_state(struct call *call)
{
	evbus_emit(call_bus(call), "call.state", call->inst->name, call->id,
		   EVS("state", call_state_name(call->state)),
		   EVS("dir", call->dir == CALL_OUT ? "out" : "in"),
		   EVS("peer", call->peer),
		   EVS("sip_callid", call->sip_callid),
		   EVS_OPT("hold", hold_of(call)),
		   EVS_OPT("label", call->label), EV_END);
	call_notify_watch(call);
}

void call_set_state(struct call *call, enum call_state st)
{
	if (call->state == st)
		return;

	call->state = st;
	call_emit_state(call);
}

static void free_handler(void *arg)
{
	mem_deref(arg);
}

static void emit_terminated(struct call *call, uint16_t code,
			    const char *reason, const char *by)
{
	call->state = CALL_TERMINATED;
	call->end_code = code;
	str_copy(call->end_reason, sizeof(call->end_reason),
		 reason ? reason : "");
	call->end_by = by;
	evbus_emit(call_bus(call), "call.state", call->inst->name, call->id,
		   EVS("state", "terminated"),
		   EVS("dir", call->dir == CALL_OUT ? "out" : "in"),
		   EVS("peer", call->peer),
		   EVS("sip_callid", call->sip_callid),
		   EVI("code", code), EVS("reason", reason), EVS("by", by),
		   EVS_OPT("label", call->label), EV_END);
	call_notify_watch(call);
}

/* Enter `terminated` exactly once; the object goes away on the next loop
 * turn so no libre callback ever returns into freed memory. */
void call_terminate(struct call *call, uint16_t code, const char *reason,
		    const char *by)
{
	if (call->state == CALL_TERMINATED)
		return;

	tmr_cancel(&call->tmr_answer);
	tmr_cancel(&call->tmr_modify);

	/* a call placed for a REFER tells the transferor how it ended */
	if (call->xfer_not)
		call_refer_progress(call, code >= 300 ? code : 500, reason);
	call_transfer_close(call);

	/* The last statistics, before the peer's RTCP BYE or our teardown
	 * can take them away. */
	stream_emit_stats(call->strm);
	stream_stop(call->strm);

	emit_terminated(call, code, reason, by);
	tmr_start(&call->tmr_free, 0, free_handler, call);
}

static void destructor(void *arg)
{
	struct call *call = arg;

	tmr_cancel(&call->tmr_answer);
	tmr_cancel(&call->tmr_modify);
	tmr_cancel(&call->tmr_free);
	list_unlink(&call->le);

	/* Dereferencing the session sends BYE or CANCEL as its state needs;
	 * libre keeps it alive until that transaction ends. */
	mem_deref(call->sess);
	mem_deref(call->st);
	mem_deref((void *)call->inv);
	mem_deref(call->strm);
	mem_deref(call->sdp);
	mem_deref(call->peer);
	mem_deref(call->sip_callid);
	mem_deref(call->rtag);
	mem_deref(call->ltag);
	mem_deref(call->rcontact);
	mem_deref(call->label);
	mem_deref(call->refer_to);
	mem_deref(call->refer_by);
	call_transfer_close(call);
	mem_deref(call->xfer_not);
}

static int call_alloc(struct call **cp, struct instance *inst,
		      enum call_dir dir, const char *peer,
		      const struct codec_list *codecs)
{
	struct ua_env *env = inst->env;
	struct stream_prm prm;
	struct call *call;
	struct sa ip;
	int err;

	call = mem_zalloc(sizeof(*call), destructor);
	if (!call)
		return ENOMEM;

	call->inst = inst;
	call->dir = dir;
	call->state = dir == CALL_OUT ? CALL_CALLING : CALL_INCOMING;
	re_snprintf(call->id, sizeof(call->id), "c%u", ++env->call_seq);
	tmr_init(&call->tmr_answer);
	tmr_init(&call->tmr_modify);
	tmr_init(&call->tmr_free);

	err = str_dup(&call->peer, peer ? peer : "");
	if (err)
		goto out;

	sa_cpy(&ip, &inst->laddr);
	sa_set_port(&ip, 0);

	memset(&prm, 0, sizeof(prm));
	prm.laddr = &ip;
	prm.port_min = inst->rtp_min;
	prm.port_max = inst->rtp_max;
	prm.sched = env->sched;
	prm.bus = env->bus;
	prm.ua = inst->name;
	prm.callid = call->id;
	prm.source = inst->source;
	prm.inband_detect = inst->cfg->dtmf_detect;
	prm.infoh = call_send_info_digit;
	prm.arg = call;

	err = stream_alloc(&call->strm, &prm);
	if (err)
		goto out;

	err = sdpneg_session(&call->sdp, &call->sdpm, &ip,
			     stream_local_port(call->strm),
			     codecs ? codecs : &inst->cfg->codecs);
	if (err)
		goto out;

	list_append(&inst->calls, &call->le, call);

 out:
	if (err)
		mem_deref(call);
	else
		*cp = call;
	return err;
}

/* ---- libre session handlers (both directions) ---- */

static int offer_handler(struct mbuf **descp, const struct sip_msg *msg,
			 void *arg)
{
	struct call *call = arg;

	if (call->state == CALL_TERMINATED)
		return ECONNRESET;
	return call_offer_received(call, msg, descp);   /* or libre: 488 */
}

static int answer_handler(const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;

	if (call->state == CALL_TERMINATED)
		return 0;

	/* the answer to our re-INVITE: its hold is now the call's */
	call_modify_answered(call, msg);

	if (!call_apply_remote_answer(call, msg->mb)) {
		/* The dialog exists; end it properly with a BYE. */
		call_terminate(call, 488, "no common codec in answer", "local");
		return 0;
	}

	call_update_hold_state(call, false);
	return 0;
}

static void progress_handler(const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;

	/* 100 Trying is hop-by-hop: it says nothing about the callee. */
	if (call->state == CALL_TERMINATED || msg->scode <= 100)
		return;

	if (mbuf_get_left(msg->mb)) {
		/* libre does not pass 18x SDP to the answer handler. */
		if (!call_apply_remote_answer(call, msg->mb)) {
			call_terminate(call, 488,
				       "no common codec in early SDP", "local");
			return;
		}
		call_set_state(call, CALL_EARLY);
	}
	else if (call->state == CALL_CALLING) {
		call_set_state(call, CALL_RINGING);
	}
	if (call->xfer_not && msg->scode < 200) {
		char reason[64];

		pl_strcpy(&msg->reason, reason, sizeof(reason));
		call_refer_progress(call, msg->scode, reason);
	}
}

/* The peer's Contact URI in MSG (for an attended transfer's Refer-To). */
static void save_contact(struct call *call, const struct sip_msg *msg)
{
	const struct sip_hdr *hdr = sip_msg_hdr(msg, SIP_HDR_CONTACT);
	struct sip_addr addr;

	if (!hdr || sip_addr_decode(&addr, &hdr->val))
		return;
	call->rcontact = mem_deref(call->rcontact);
	(void)pl_strdup(&call->rcontact, &addr.auri);
}

static void estab_handler(const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;
	const struct pl *rtag, *ltag;

	if (call->state == CALL_TERMINATED)
		return;

	/* UAC: msg is the 200 (their tag in To).  UAS: the ACK (in From). */
	rtag = call->dir == CALL_OUT ? &msg->to.tag : &msg->from.tag;
	ltag = call->dir == CALL_OUT ? &msg->from.tag : &msg->to.tag;
	call->rtag = mem_deref(call->rtag);
	call->ltag = mem_deref(call->ltag);
	(void)pl_strdup(&call->rtag, rtag);
	(void)pl_strdup(&call->ltag, ltag);
	if (call->dir == CALL_OUT)
		save_contact(call, msg);

	call_set_state(call, CALL_ESTABLISHED);
	call_update_hold_state(call, false);
	if (call->xfer_not)
		call_refer_progress(call, 200, "OK");
}

static void close_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;
	char reason[128];
	const char *by = "remote";
	uint16_t code;

	if (call->state == CALL_TERMINATED)
		return;

	if (msg && !msg->req && (msg->scode == 401 || msg->scode == 407)) {
		/* libre answers the first challenge itself: one that reaches
		 * us came after our credentials, or we had none */
		code = msg->scode;
		re_snprintf(reason, sizeof(reason), "%r: %s", &msg->reason,
			    call->inst->cfg->account.has_password ?
			    "the credentials were refused" :
			    "no password configured");
	}
	else if (msg && !msg->req) {
		code = msg->scode;
		pl_strcpy(&msg->reason, reason, sizeof(reason));
	}
	else if (msg && !pl_strcmp(&msg->met, "CANCEL")) {
		code = 487;
		str_copy(reason, sizeof(reason), "cancelled");
	}
	else if (err == ECONNRESET && call->dir == CALL_IN &&
		 (call->state == CALL_RINGING || call->state == CALL_EARLY)) {
		/* libre 1.1.0 reports a CANCEL of an accepted INVITE as a
		 * reset without the request (it has sent 487 itself). */
		code = 487;
		str_copy(reason, sizeof(reason), "cancelled");
	}
	else if (err == ETIMEDOUT) {
		/* our transaction gave up: a local decision */
		code = 408;
		str_copy(reason, sizeof(reason), "no response");
		by = "local";
	}
	else if (call->state == CALL_ESTABLISHED ||
		 call->state == CALL_HELD ||
		 call->state == CALL_REMOTE_HELD) {
		code = 200;
		str_copy(reason, sizeof(reason), "remote hangup");
	}
	else {
		code = 0;
		re_snprintf(reason, sizeof(reason), "%m", err);
		by = "local";
	}

	call_terminate(call, code, reason, by);
}

/* Hand the INVITE from our transaction to a sipsess, replying SCODE. */
int call_accept_session(struct call *call, uint16_t scode,
			struct mbuf *desc)
{
	struct instance *inst = call->inst;

	call->st = mem_deref(call->st);

	return sipsess_accept(&call->sess, inst->sock, call->inv, scode,
			      call_reason_phrase(scode), inst->cfg->user,
			      "application/sdp", desc, ua_auth, inst, false,
			      offer_handler, answer_handler, estab_handler,
			      call_info_handler, call_refer_handler,
			      close_handler, call, UA_CAPS);
}

/* ---- outgoing ---- */

int call_connect(struct call **cp, struct instance *inst, const char *uri,
		 char *err, size_t errsz)
{
	return call_connect_with(cp, inst, uri, NULL, NULL, err, errsz);
}

int call_connect_as(struct call **cp, struct instance *inst, const char *uri,
		    const char *label, char *err, size_t errsz)
{
	return call_connect_with(cp, inst, uri, NULL, label, err, errsz);
}

int call_connect_with(struct call **cp, struct instance *inst,
		      const char *uri, const char *hdrs, const char *label,
		      char *err, size_t errsz)
{
	struct call_prm prm;
	struct call *call = NULL;
	int e;

	memset(&prm, 0, sizeof(prm));
	prm.uri = uri;
	prm.hdrs = hdrs;
	prm.label = label;
	e = call_place(&call, inst, &prm, err, errsz);
	if (!e && cp)
		*cp = call;
	return e;
}

int call_place(struct call **cp, struct instance *inst,
	       const struct call_prm *prm, char *err, size_t errsz)
{
	const struct account *acct = &inst->cfg->account;
	const char *routev[1] = {acct->outbound};
	const char *display = prm->display ? prm->display :
		inst->cfg->display[0] ? inst->cfg->display : NULL;
	const char *uri = prm->uri;
	struct call *call = NULL;
	struct mbuf *offer = NULL;
	char from[256];
	int e;

	e = call_alloc(&call, inst, CALL_OUT, uri, prm->codecs);
	if (e) {
		re_snprintf(err, errsz, "cannot set up media: %m", e);
		return e;
	}
	call->watch = prm->watch;
	call->watch_arg = prm->arg;

	if (prm->label && prm->label[0] && call_set_label(call, prm->label)) {
		mem_deref(call);
		return errf(err, errsz, EEXIST, "%s already has a call named "
			    "%s", inst->name, prm->label);
	}

	e = call_encode_sdp(call, &offer, true);
	if (e)
		goto out;

	/* with an account, calls come from its AOR and go through its
	 * outbound proxy; libre answers a 401/407 with ua_auth() */
	if (prm->from)
		str_copy(from, sizeof(from), prm->from);
	else
		ua_from_uri(inst, from, sizeof(from));
	e = sipsess_connect(&call->sess, inst->sock, uri, display,
			    from, inst->cfg->user,
			    acct->outbound[0] ? routev : NULL,
			    acct->outbound[0] ? 1 : 0,
			    "application/sdp", offer, ua_auth, inst, false,
			    offer_handler, answer_handler, progress_handler,
			    estab_handler, call_info_handler,
			    call_refer_handler, close_handler, call,
			    UA_CAPS "%s", prm->hdrs ? prm->hdrs : "");
	if (e) {
		re_snprintf(err, errsz, "cannot send INVITE to %s: %m", uri,
			    e);
		goto out;
	}

	e = str_dup(&call->sip_callid,
		    sip_dialog_callid(sipsess_dialog(call->sess)));
	if (e)
		goto out;

	/* numbered when announced: #N counts the calls the events show */
	call->ordinal = ++inst->ncalls;
	call_emit_state(call);   /* calling */

 out:
	mem_deref(offer);
	if (e) {
		/* sdp.local has named the call: end it for whoever saw it */
		call->watch = NULL;
		if (call->sdp_sent)
			emit_terminated(call, 0, err, "local");
		mem_deref(call);
		return e;
	}
	if (cp)
		*cp = call;
	return 0;
}

/* ---- incoming ---- */

static void cancel_handler(void *arg)
{
	struct call *call = arg;

	/* libre already answered the CANCEL with 200; end the INVITE. */
	(void)sip_treply(&call->st, call->inst->sip, call->inv, 487,
			 "Request Terminated");
	call_terminate(call, 487, "cancelled", "remote");
}

int call_take(struct call **cp, struct instance *inst,
	      const struct sip_msg *msg, call_watch_h *watch, void *arg)
{
	struct call *call = NULL;
	struct media_choice mc;
	struct call *replaced = NULL;
	uint16_t code;
	char peer[256];
	int err;

	*cp = NULL;
	if (inst->closing) {
		(void)sip_treply(NULL, inst->sip, msg, 503,
				 "Service Unavailable");
		return ESHUTDOWN;
	}

	re_snprintf(peer, sizeof(peer), "%r", &msg->from.auri);

	err = call_alloc(&call, inst, CALL_IN, peer, NULL);
	if (err) {
		evbus_error(inst->env->bus, inst->name, NULL, "media",
			    "cannot open RTP ports for a call from %s: %m",
			    peer, err);
		(void)sip_treply(NULL, inst->sip, msg, 500,
				 "No Media Ports");
		return err;
	}
	call->watch = watch;
	call->watch_arg = arg;

	err  = pl_strdup(&call->sip_callid, &msg->callid);
	err |= sip_strans_alloc(&call->st, inst->sip, msg, cancel_handler,
				call);
	if (err) {
		(void)sip_treply(NULL, inst->sip, msg, 500,
				 "Server Internal Error");
		mem_deref(call);
		return err ? err : ENOMEM;
	}
	call->inv = mem_ref((void *)msg);
	save_contact(call, msg);

	/* Announce `incoming` first, so the call is known before whatever
	 * the offer check decides. */
	call->ordinal = ++inst->ncalls;
	call_emit_state(call);

	if (mbuf_get_left(msg->mb)) {
		if (call_remote_sdp(call, msg->mb, true, &mc)) {
			(void)sip_treply(&call->st, inst->sip, msg, 488,
					 "Not Acceptable Here");
			call_terminate(call, 488, "Not Acceptable Here",
				       "local");
			return 0;
		}
	}
	else {
		call->offerless = true;
	}

	(void)sip_treply(&call->st, inst->sip, msg, 100, "Trying");

	/* an attended transfer: the INVITE takes a call's place, and is
	 * answered at once (RFC 3891) */
	/* (not for a call another object drives: a PBX's caller cannot
	 * replace the PBX's own dialogs, so RFC 3891's "ignore it" holds) */
	code = watch ? 0 : call_replaces(call, msg, &replaced);
	if (code) {
		(void)sip_treply(&call->st, inst->sip, msg, code,
				 call_reason_phrase(code));
		call_terminate(call, code, code == 481 ?
			       "Replaces names no call of ours" :
			       code == 486 ? "Replaces early-only, the call "
			       "is up" : "malformed Replaces", "local");
		return 0;
	}
	if (replaced) {
		char why[128];

		/* RFC 3891: accept, then end the dialog it replaces */
		if (call_answer(call, why, sizeof(why)))
			call_error(call, "answer", "%s", why);
		else
			call_replace(call, replaced);
		return 0;
	}

	*cp = call;
	return 0;
}

void call_incoming(struct instance *inst, const struct sip_msg *msg)
{
	struct call *call;

	if (!call_take(&call, inst, msg, NULL, NULL) && call)
		call_answer_policy(call);
}

int call_hangup(struct call *call, char *err, size_t errsz)
{
	switch (call->state) {

	case CALL_TERMINATED:
		re_snprintf(err, errsz, "%s has already ended", call->id);
		return EALREADY;

	case CALL_INCOMING:
	case CALL_RINGING:
	case CALL_EARLY:
		if (call->dir == CALL_IN)
			return call_reject(call, 486, err, errsz);
		/* Dropping the session sends CANCEL (after a 1xx). */
		call_terminate(call, 487, "cancelled", "local");
		return 0;

	case CALL_CALLING:
		call_terminate(call, 487, "cancelled", "local");
		return 0;

	default:
		/* Dropping an established session sends BYE. */
		call_terminate(call, 200, "local hangup", "local");
		return 0;
	}
}

void call_second(struct call *call, uint64_t now)
{
	if (call->state == CALL_TERMINATED)
		return;

	stream_emit_stats(call->strm);

	if (call->state != CALL_ESTABLISHED)
		return;

	if (stream_rx_timed_out(call->strm, now, call->inst->rtp_timeout_ms))
		call_terminate(call, 408, "rtp timeout", "local");
}

int call_set_label(struct call *call, const char *label)
{
	for (struct le *le = call->inst->calls.head; le; le = le->next) {
		const struct call *other = le->data;

		if (other != call && other->state != CALL_TERMINATED &&
		    other->label && !strcmp(other->label, label))
			return EEXIST;
	}
	call->label = mem_deref(call->label);
	return str_dup(&call->label, label);
}

const char *call_label(const struct call *call)
{
	return call ? call->label : NULL;
}

unsigned call_ordinal(const struct call *call)
{
	return call ? call->ordinal : 0;
}

struct instance *call_instance(const struct call *call)
{
	return call->inst;
}

const char *call_sip_callid(const struct call *call)
{
	return call->sip_callid;
}

const char *call_peer(const struct call *call)
{
	return call->peer;
}

enum call_dir call_dir(const struct call *call)
{
	return call->dir;
}

const char *call_id(const struct call *call)
{
	return call ? call->id : NULL;
}

enum call_state call_state(const struct call *call)
{
	return call ? call->state : CALL_TERMINATED;
}

struct stream *call_stream(const struct call *call)
{
	return call ? call->strm : NULL;
}

void call_set_watch(struct call *call, call_watch_h *watch, void *arg)
{
	call->watch = watch;
	call->watch_arg = arg;
}

uint16_t call_end_code(const struct call *call)
{
	return call->end_code;
}

const char *call_end_reason(const struct call *call)
{
	return call->end_reason;
}

const char *call_end_by(const struct call *call)
{
	return call->end_by;
}

bool call_local_hold(const struct call *call)
{
	return call->local_hold;
}

bool call_remote_hold(const struct call *call)
{
	return call->remote_hold;
}

bool call_modify_busy(const struct call *call)
{
	return call->modify_pending;
}
