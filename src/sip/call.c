#include <string.h>
#include <re.h>
#include "sip/app.h"
#include "sip/call.h"
#include "sip/conf.h"
#include "media/dtmf.h"
#include "base/event.h"
#include "sip/instance.h"
#include "media/sdpneg.h"
#include "media/stream.h"
#include "base/util.h"

struct call {
	struct le le;               /* in instance->calls */
	struct instance *inst;
	char id[16];
	enum call_state state;
	enum call_dir dir;
	char *peer;
	char *sip_callid;
	char *rtag;                 /* remote tag once the dialog exists */

	struct sipsess *sess;
	/* An incoming INVITE before we hand it to sipsess: our own server
	 * transaction answers 100, absorbs retransmissions and sees CANCEL
	 * (sipsess_accept cannot send a bare 100). */
	struct sip_strans *st;
	const struct sip_msg *inv;
	bool offerless;             /* the INVITE had no SDP */

	struct sdp_session *sdp;
	struct sdp_media *sdpm;
	struct stream *strm;

	struct tmr tmr_answer;      /* answer = auto:DELAY */
	struct tmr tmr_free;
};

static const char *const state_names[] = {
	"calling", "incoming", "ringing", "early", "established",
	"held", "remote_held", "terminated",
};

const char *call_state_name(enum call_state st)
{
	return (size_t)st < ARRAY_SIZE(state_names) ? state_names[st] : "?";
}

int call_state_parse(enum call_state *st, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(state_names); i++) {
		if (!strcmp(state_names[i], name)) {
			*st = (enum call_state)i;
			return 0;
		}
	}
	return EINVAL;
}

static const char *reason_phrase(uint16_t code)
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

static struct evbus *bus_of(const struct call *call)
{
	return call->inst->app->bus;
}

static void emit_state(const struct call *call)
{
	evbus_emit(bus_of(call), "call.state", call->inst->name, call->id,
		   EVS("state", call_state_name(call->state)),
		   EVS("dir", call->dir == CALL_OUT ? "out" : "in"),
		   EVS("peer", call->peer),
		   EVS("sip_callid", call->sip_callid), EV_END);
}

static void set_state(struct call *call, enum call_state st)
{
	if (call->state == st)
		return;

	call->state = st;
	emit_state(call);
}

static void free_handler(void *arg)
{
	mem_deref(arg);
}

/* Enter `terminated` exactly once; the object goes away on the next loop
 * turn so no libre callback ever returns into freed memory. */
static void terminate(struct call *call, uint16_t code, const char *reason,
		      const char *by)
{
	if (call->state == CALL_TERMINATED)
		return;

	tmr_cancel(&call->tmr_answer);

	/* The last statistics, before the peer's RTCP BYE or our teardown
	 * can take them away. */
	stream_emit_stats(call->strm);
	stream_stop(call->strm);

	call->state = CALL_TERMINATED;
	evbus_emit(bus_of(call), "call.state", call->inst->name, call->id,
		   EVS("state", "terminated"),
		   EVS("dir", call->dir == CALL_OUT ? "out" : "in"),
		   EVS("peer", call->peer),
		   EVS("sip_callid", call->sip_callid),
		   EVI("code", code), EVS("reason", reason), EVS("by", by),
		   EV_END);

	tmr_start(&call->tmr_free, 0, free_handler, call);
}

static void destructor(void *arg)
{
	struct call *call = arg;

	tmr_cancel(&call->tmr_answer);
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
}

static void send_info_digit(char digit, uint32_t dur_ms, void *arg);

static int call_alloc(struct call **cp, struct instance *inst,
		      enum call_dir dir, const char *peer)
{
	struct app *app = inst->app;
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
	re_snprintf(call->id, sizeof(call->id), "c%u", ++app->call_seq);
	tmr_init(&call->tmr_answer);
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
	prm.sched = app->sched;
	prm.bus = app->bus;
	prm.ua = inst->name;
	prm.callid = call->id;
	prm.source = inst->source;
	prm.inband_detect = inst->cfg->dtmf_detect;
	prm.infoh = send_info_digit;
	prm.arg = call;

	err = stream_alloc(&call->strm, &prm);
	if (err)
		goto out;

	err = sdpneg_session(&call->sdp, &call->sdpm, &ip,
			     stream_local_port(call->strm),
			     &inst->cfg->codecs);
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

static void emit_sdp(struct call *call, const char *type,
		     const uint8_t *p, size_t len)
{
	char *s = NULL;

	if (!p || !len)
		return;
	if (re_sdprintf(&s, "%b", p, len))
		return;
	evbus_emit(bus_of(call), type, call->inst->name, call->id,
		   EVS("sdp", s), EV_END);
	mem_deref(s);
}

static int encode_sdp(struct call *call, struct mbuf **mbp, bool offer)
{
	int err = sdp_encode(mbp, call->sdp, offer);

	if (!err)
		emit_sdp(call, "sdp.local", (*mbp)->buf, (*mbp)->end);
	return err;
}

/* Decode the peer's SDP (an offer when OFFER) and choose the media.
 * Returns ENOENT, with the reason emitted as an error, when nothing
 * matches. */
static int remote_sdp(struct call *call, struct mbuf *mb, bool offer,
		      struct media_choice *mc)
{
	char why[256];
	size_t pos = mb->pos;
	int err;

	emit_sdp(call, "sdp.remote", mbuf_buf(mb), mbuf_get_left(mb));

	err = sdp_decode(call->sdp, mb, offer);
	mb->pos = pos;
	if (err) {
		app_error(call->inst->app, call->inst->name, call->id, "sdp",
			  "malformed SDP from %s: %m", call->peer, err);
		return err;
	}

	err = sdpneg_choose(mc, call->sdpm, &call->inst->cfg->codecs,
			    why, sizeof(why));
	if (err)
		app_error(call->inst->app, call->inst->name, call->id,
			  "negotiation", "%s", why);
	return err;
}

static int start_media(struct call *call, const struct media_choice *mc)
{
	bool first = !stream_choice(call->strm);
	char err[256];
	int e;

	e = stream_start(call->strm, mc);

	/* record = on: from the first frame, early media included */
	if (!e && first && call->inst->cfg->record)
		(void)call_record(call, true, -1, err, sizeof(err));
	return e;
}

/* Apply an answer or early-media SDP in MB; false when it was unusable. */
static bool apply_remote_answer(struct call *call, struct mbuf *mb)
{
	struct media_choice mc;

	if (!mb || !mbuf_get_left(mb))
		return true;   /* e.g. a 200 after an SDP-carrying 183 */

	if (remote_sdp(call, mb, false, &mc))
		return false;

	(void)start_media(call, &mc);
	return true;
}

/* What the peer's latest SDP means for our state while established. */
static void update_hold_state(struct call *call)
{
	const struct media_choice *mc = stream_choice(call->strm);

	if (!mc || call->state == CALL_HELD)
		return;

	if (call->state != CALL_ESTABLISHED &&
	    call->state != CALL_REMOTE_HELD)
		return;

	/* The peer holds us when it stops receiving: we may not send. */
	set_state(call, (mc->dir & SDP_SENDONLY) ? CALL_ESTABLISHED :
		  CALL_REMOTE_HELD);
}

/* ---- libre session handlers (both directions) ---- */

static int offer_handler(struct mbuf **descp, const struct sip_msg *msg,
			 void *arg)
{
	struct call *call = arg;
	struct media_choice mc;
	int err;

	if (call->state == CALL_TERMINATED)
		return ECONNRESET;

	/* A re-INVITE without SDP asks us to offer. */
	if (!mbuf_get_left(msg->mb))
		return encode_sdp(call, descp, true);

	err = remote_sdp(call, msg->mb, true, &mc);
	if (err)
		return err;   /* libre answers 488 */

	(void)start_media(call, &mc);
	update_hold_state(call);
	return encode_sdp(call, descp, false);
}

static int answer_handler(const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;

	if (call->state == CALL_TERMINATED)
		return 0;

	if (!apply_remote_answer(call, msg->mb)) {
		/* The dialog exists; end it properly with a BYE. */
		terminate(call, 488, "no common codec in answer", "local");
		return 0;
	}

	update_hold_state(call);
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
		if (!apply_remote_answer(call, msg->mb)) {
			terminate(call, 488, "no common codec in early SDP",
				  "local");
			return;
		}
		set_state(call, CALL_EARLY);
	}
	else if (call->state == CALL_CALLING) {
		set_state(call, CALL_RINGING);
	}
}

static void estab_handler(const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;
	const struct pl *rtag;

	if (call->state == CALL_TERMINATED)
		return;

	/* UAC: msg is the 200 (their tag in To).  UAS: the ACK (in From). */
	rtag = call->dir == CALL_OUT ? &msg->to.tag : &msg->from.tag;
	call->rtag = mem_deref(call->rtag);
	(void)pl_strdup(&call->rtag, rtag);

	set_state(call, CALL_ESTABLISHED);
	update_hold_state(call);
}

static void info_handler(struct sip *sip, const struct sip_msg *msg,
			 void *arg)
{
	struct call *call = arg;

	if (call->state == CALL_TERMINATED) {
		(void)sip_reply(sip, msg, 481, "Call Does Not Exist");
		return;
	}
	call_info_received(call, sip, msg);
}

static void info_resp_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;

	/* libre only calls this while the session lives, so CALL is too. */
	if (err)
		app_error(call->inst->app, call->inst->name, call->id, "dtmf",
			  "INFO failed: %m", err);
	else if (msg && msg->scode >= 300)
		app_error(call->inst->app, call->inst->name, call->id, "dtmf",
			  "INFO answered %u %r", msg->scode, &msg->reason);
}

/* The stream's DTMF queue says it is this digit's turn. */
static void send_info_digit(char digit, uint32_t dur_ms, void *arg)
{
	struct call *call = arg;
	struct mbuf *mb = mbuf_alloc(64);
	int err = mb ? 0 : ENOMEM;

	if (!err)
		err = mbuf_printf(mb, "Signal=%c\r\nDuration=%u\r\n", digit,
				  dur_ms);
	if (!err) {
		mb->pos = 0;
		err = sipsess_info(call->sess, DTMF_INFO_CTYPE, mb,
				   info_resp_handler, call);
	}
	if (err)
		app_error(call->inst->app, call->inst->name, call->id, "dtmf",
			  "cannot send INFO for '%c': %m", digit, err);
	mem_deref(mb);
}

static void close_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;
	char reason[128];
	const char *by = "remote";
	uint16_t code;

	if (call->state == CALL_TERMINATED)
		return;

	if (msg && !msg->req) {
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

	terminate(call, code, reason, by);
}

/* ---- outgoing ---- */

int call_connect(struct call **cp, struct instance *inst, const char *uri,
		 char *err, size_t errsz)
{
	struct call *call = NULL;
	struct mbuf *offer = NULL;
	int e;

	e = call_alloc(&call, inst, CALL_OUT, uri);
	if (e) {
		re_snprintf(err, errsz, "cannot set up media: %m", e);
		return e;
	}

	e = encode_sdp(call, &offer, true);
	if (e)
		goto out;

	e = sipsess_connect(&call->sess, inst->sock, uri,
			    inst->cfg->display[0] ? inst->cfg->display : NULL,
			    inst->aor, inst->cfg->user, NULL, 0,
			    "application/sdp", offer, NULL, NULL, false,
			    offer_handler, answer_handler, progress_handler,
			    estab_handler, info_handler, NULL, close_handler,
			    call, NULL);
	if (e) {
		re_snprintf(err, errsz, "cannot send INVITE to %s: %m", uri,
			    e);
		goto out;
	}

	e = str_dup(&call->sip_callid,
		    sip_dialog_callid(sipsess_dialog(call->sess)));
	if (e)
		goto out;

	emit_state(call);   /* calling */

 out:
	mem_deref(offer);
	if (e) {
		mem_deref(call);
		return e;
	}
	if (cp)
		*cp = call;
	return 0;
}

/* ---- incoming ---- */

static void answer_timer(void *arg)
{
	struct call *call = arg;
	char err[128];

	if (call_answer(call, err, sizeof(err)))
		app_error(call->inst->app, call->inst->name, call->id,
			  "answer", "%s", err);
}

static void cancel_handler(void *arg)
{
	struct call *call = arg;

	/* libre already answered the CANCEL with 200; end the INVITE. */
	(void)sip_treply(&call->st, call->inst->sip, call->inv, 487,
			 "Request Terminated");
	terminate(call, 487, "cancelled", "remote");
}

static void apply_answer_policy(struct call *call)
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
		app_error(call->inst->app, call->inst->name, call->id,
			  "answer", "%s", err);
}

void call_incoming(struct instance *inst, const struct sip_msg *msg)
{
	struct call *call = NULL;
	struct media_choice mc;
	char peer[256];
	int err;

	if (inst->app->stopping || inst->closing) {
		(void)sip_treply(NULL, inst->sip, msg, 503,
				 "Service Unavailable");
		return;
	}

	re_snprintf(peer, sizeof(peer), "%r", &msg->from.auri);

	err = call_alloc(&call, inst, CALL_IN, peer);
	if (err) {
		app_error(inst->app, inst->name, NULL, "media",
			  "cannot open RTP ports for a call from %s: %m",
			  peer, err);
		(void)sip_treply(NULL, inst->sip, msg, 500,
				 "No Media Ports");
		return;
	}

	err  = pl_strdup(&call->sip_callid, &msg->callid);
	err |= sip_strans_alloc(&call->st, inst->sip, msg, cancel_handler,
				call);
	if (err) {
		(void)sip_treply(NULL, inst->sip, msg, 500,
				 "Server Internal Error");
		mem_deref(call);
		return;
	}
	call->inv = mem_ref((void *)msg);

	/* Announce `incoming` first, so the call is known before whatever
	 * the offer check decides. */
	emit_state(call);

	if (mbuf_get_left(msg->mb)) {
		if (remote_sdp(call, msg->mb, true, &mc)) {
			(void)sip_treply(&call->st, inst->sip, msg, 488,
					 "Not Acceptable Here");
			terminate(call, 488, "Not Acceptable Here", "local");
			return;
		}
	}
	else {
		call->offerless = true;
	}

	(void)sip_treply(&call->st, inst->sip, msg, 100, "Trying");

	apply_answer_policy(call);
}

/* Hand the INVITE from our transaction to a sipsess, replying SCODE. */
static int accept_session(struct call *call, uint16_t scode,
			  struct mbuf *desc)
{
	struct instance *inst = call->inst;

	call->st = mem_deref(call->st);

	return sipsess_accept(&call->sess, inst->sock, call->inv, scode,
			      reason_phrase(scode), inst->cfg->user,
			      "application/sdp", desc, NULL, NULL, false,
			      offer_handler, answer_handler, estab_handler,
			      info_handler, NULL, close_handler, call, NULL);
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
		e = accept_session(call, 180, NULL);
	if (e) {
		re_snprintf(err, errsz, "cannot send 180: %m", e);
		return e;
	}

	if (call->state == CALL_INCOMING)
		set_state(call, CALL_RINGING);
	return 0;
}

static int start_local_media(struct call *call)
{
	struct media_choice mc;
	char why[256];
	int err;

	err = sdpneg_choose(&mc, call->sdpm, &call->inst->cfg->codecs,
			    why, sizeof(why));
	if (err)
		return err;
	return start_media(call, &mc);
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

	e = encode_sdp(call, &desc, false);
	if (!e) {
		if (call->sess)
			e = sipsess_progress(call->sess, 183,
					     "Session Progress", desc, NULL);
		else
			e = accept_session(call, 183, desc);
	}
	mem_deref(desc);
	if (e) {
		re_snprintf(err, errsz, "cannot send 183: %m", e);
		return e;
	}

	(void)start_local_media(call);
	set_state(call, CALL_EARLY);
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
	e = encode_sdp(call, &desc, call->offerless);
	if (!e) {
		if (call->sess)
			e = sipsess_answer(call->sess, 200, "OK", desc, NULL);
		else
			e = accept_session(call, 200, desc);
	}
	mem_deref(desc);
	if (e) {
		re_snprintf(err, errsz, "cannot send 200: %m", e);
		return e;
	}

	if (!call->offerless)
		(void)start_local_media(call);
	return 0;
}

int call_reject(struct call *call, uint16_t code, char *err, size_t errsz)
{
	const char *reason = reason_phrase(code);
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

	terminate(call, code, reason, "local");
	return 0;
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
		terminate(call, 487, "cancelled", "local");
		return 0;

	case CALL_CALLING:
		terminate(call, 487, "cancelled", "local");
		return 0;

	default:
		/* Dropping an established session sends BYE. */
		terminate(call, 200, "local hangup", "local");
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
		terminate(call, 408, "rtp timeout", "local");
}

/* ---- forked 2xx (RFC 3261 13.2.2.4) ---- */

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
		app_error(inst->app, inst->name, call->id, "sip",
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
	evbus_emit(inst->app->bus, "call.fork", inst->name, call->id,
		   EVS("sip_callid", call->sip_callid), EVS("to_tag", tag),
		   EVS("action", err ? "failed" : "ack+bye"), EV_END);

	mem_deref(uri);
	return true;
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
