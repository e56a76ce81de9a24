/* The B2BUA: an authenticated INVITE is routed to a number, and the call
 * becomes two calls of the PBX instance, the caller's leg (a) and the
 * callee's (b), with their streams bridged.  Each leg's states drive
 * the other: the callee's 180/183/200 and its failure go back to the
 * caller, a CANCEL or BYE from either side ends the other, and a hold
 * from either side is passed across as our own hold of the other.  Each
 * leg is a whole call of its own (offer/answer, idempotent media start,
 * retransmitted 200s ACKed by libre), so a bridge never binds twice. */
#include <string.h>
#include <time.h>
#include <re.h>
#include "base/event.h"
#include "base/util.h"
#include "media/codec.h"
#include "media/sdpneg.h"
#include "media/stream.h"
#include "call.h"
#include "conf.h"
#include "pbx_cdr.h"
#include "pbx_int.h"
#include "ua.h"

static uint64_t realtime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000ull + (uint64_t)ts.tv_nsec / 1000000;
}

static void bridge_destructor(void *arg)
{
	struct bridge *br = arg;

	list_unlink(&br->le);
	tmr_cancel(&br->tmr_free);
	if (br->a)
		call_set_watch(br->a, NULL, NULL);
	if (br->b)
		call_set_watch(br->b, NULL, NULL);
	mem_deref(br->a);
	mem_deref(br->b);
}

unsigned pbx_bridges(const struct pbx *pbx)
{
	unsigned n = 0;

	for (struct le *le = pbx ? pbx->bridges.head : NULL; le;
	     le = le->next) {
		const struct bridge *br = le->data;
		n += !br->done;
	}
	return n;
}

struct call *pbx_other_leg(const struct pbx *pbx, const struct call *call)
{
	for (struct le *le = pbx ? pbx->bridges.head : NULL; le;
	     le = le->next) {
		const struct bridge *br = le->data;

		if (br->a == call)
			return br->b;
		if (br->b == call)
			return br->a;
	}
	return NULL;
}

static const char *codec_of(const struct call *call)
{
	const struct media_choice *mc = call ?
		stream_choice(call_stream(call)) : NULL;

	return mc ? mc->codec->name : "";
}

static void write_cdr(struct bridge *br)
{
	struct pbx *pbx = br->pbx;
	struct instance *inst = pbx->inst;
	char recs[520], start[40], answer[40], end[40];
	struct cdr c;
	int e;

	re_snprintf(recs, sizeof(recs), "%s%s%s", br->rec[0],
		    br->rec[1][0] ? ";" : "", br->rec[1]);
	memset(&c, 0, sizeof(c));
	c.start_ms = br->start_ms;
	c.answer_ms = br->connected ? br->answer_ms : 0;
	c.end_ms = br->end_ms;
	c.caller = br->caller;
	c.callee = br->callee;
	c.disposition = pbx_cdr_disposition(br->connected, br->b != NULL,
					       br->code);
	c.code = br->code;
	c.reason = br->reason;
	c.side = br->side ? br->side : "pbx";
	c.codec_a = codec_of(br->a);
	c.codec_b = codec_of(br->b);
	c.recording = recs;
	c.sip_callid = br->a ? call_sip_callid(br->a) : "";
	c.leg_a = br->a ? call_id(br->a) : "";
	c.leg_b = br->b ? call_id(br->b) : "";

	if (pbx->cfg->cdr[0]) {
		e = pbx_cdr_append(pbx->cfg->cdr, &c);
		if (e)
			evbus_error(inst->env->bus, inst->name, c.leg_a, "cdr",
				    "cannot write the call record to %s: %m",
				    pbx->cfg->cdr, e);
	}
	if (!pbx->cfg->cdr_events)
		return;
	pbx_cdr_time(start, sizeof(start), c.start_ms);
	pbx_cdr_time(answer, sizeof(answer), c.answer_ms);
	pbx_cdr_time(end, sizeof(end), c.end_ms);
	evbus_emit(inst->env->bus, "cdr", inst->name, c.leg_a,
		   EVS("start", start), EVS("answer", answer),
		   EVS("end", end), EVS("caller", c.caller),
		   EVS("callee", c.callee),
		   EVS("disposition", c.disposition),
		   EVD("duration", pbx_cdr_seconds(c.start_ms, c.end_ms)),
		   EVD("billsec", pbx_cdr_seconds(c.answer_ms, c.end_ms)),
		   EVI("code", c.code), EVS("reason", c.reason),
		   EVS("hangup_side", c.side),
		   EVS("codec_caller", c.codec_a),
		   EVS("codec_callee", c.codec_b),
		   EVS("recording", c.recording),
		   EVS("sip_callid", c.sip_callid),
		   EVS("leg_caller", c.leg_a), EVS("leg_callee", c.leg_b),
		   EV_END);
}

static void free_later(void *arg)
{
	mem_deref(arg);
}

/* Both legs have ended (or the callee's was never placed). */
static void finish(struct bridge *br)
{
	if (br->done)
		return;
	if (br->a && call_state(br->a) != CALL_TERMINATED)
		return;
	if (br->b && call_state(br->b) != CALL_TERMINATED)
		return;
	br->done = true;
	br->end_ms = realtime_ms();
	write_cdr(br);
	/* not from inside a call's watch: the calls go on a timer too */
	list_unlink(&br->le);
	tmr_start(&br->tmr_free, 0, free_later, br);
}

/* How the call ended, from the leg that ended it first. */
static void ended_by(struct bridge *br, const struct call *leg,
		     const char *side)
{
	if (br->side)
		return;
	br->code = call_end_code(leg);
	str_copy(br->reason, sizeof(br->reason), call_end_reason(leg));
	br->side = call_end_by(leg) && !strcmp(call_end_by(leg), "remote") ?
		side : "pbx";
}

/* What the caller is told of a callee's failure: its own code, except a
 * challenge (the PBX has no credentials to give) or no code at all. */
static uint16_t caller_code(uint16_t code)
{
	if (code == 401 || code == 407)
		return 403;
	if (code < 400 || code > 699)
		return code == 0 ? 500 : 480;
	return code;
}

/* A hold from one side becomes ours on the other; tried again each
 * second while a re-INVITE is under way. */
static void sync_hold(struct bridge *br)
{
	bool a_off, b_off;
	char err[128];

	if (!br->a || !br->b || !call_is_up(br->a) || !call_is_up(br->b))
		return;
	b_off = call_remote_hold(br->a) != call_local_hold(br->b);
	a_off = call_remote_hold(br->b) != call_local_hold(br->a);
	/* a hold changed: whoever refused before is asked again */
	if (call_remote_hold(br->a) != br->a_held ||
	    call_remote_hold(br->b) != br->b_held) {
		br->a_held = call_remote_hold(br->a);
		br->b_held = call_remote_hold(br->b);
		br->hold_tries = 0;
	}
	if (!a_off && !b_off) {
		br->hold_tries = 0;
		return;
	}
	/* a party that keeps refusing our hold is not asked forever: three
	 * times, then again when a hold changes */
	if (br->hold_tries >= 3)
		return;
	if (b_off && !call_modify_busy(br->b)) {
		++br->hold_tries;
		(void)call_hold(br->b, call_remote_hold(br->a), err,
				sizeof(err));
	}
	if (a_off && !call_modify_busy(br->a)) {
		++br->hold_tries;
		(void)call_hold(br->a, call_remote_hold(br->b), err,
				sizeof(err));
	}
}

static void start_recording(struct bridge *br)
{
	struct stream *s = call_stream(br->a);
	char err[256];
	int e;

	switch (br->pbx->cfg->record) {

	case PBX_REC_MIXED:
		e = call_record(br->a, true, REC_MIXED, err, sizeof(err));
		break;
	case PBX_REC_STEREO:
		e = call_record(br->a, true, REC_STEREO, err, sizeof(err));
		break;
	case PBX_REC_BOTH:
		e = call_record_both(br->a, err, sizeof(err));
		break;
	default:
		return;
	}
	if (e)
		return;   /* call_record said why */
	for (unsigned i = 0; i < 2; i++) {
		const char *p = stream_record_path(s, i);
		str_copy(br->rec[i], sizeof(br->rec[i]), p ? p : "");
	}
}

static void caller_watch(struct call *call, void *arg)
{
	struct bridge *br = arg;
	char err[128];

	switch (call_state(call)) {

	case CALL_TERMINATED:
		ended_by(br, call, "caller");
		if (br->b && call_state(br->b) != CALL_TERMINATED)
			(void)call_hangup(br->b, err, sizeof(err));
		finish(br);
		break;

	case CALL_ESTABLISHED:
	case CALL_HELD:
	case CALL_REMOTE_HELD:
		br->connected = br->answered;
		if (br->hangup_pending) {
			/* the callee left between our 200 and the ACK */
			(void)call_hangup(call, err, sizeof(err));
			break;
		}
		sync_hold(br);
		break;

	default:
		break;
	}
}

static void callee_watch(struct call *call, void *arg)
{
	struct bridge *br = arg;
	enum call_state ast = call_state(br->a);
	char err[128];

	switch (call_state(call)) {

	case CALL_RINGING:
		if (ast == CALL_INCOMING)
			(void)call_ring(br->a, err, sizeof(err));
		break;

	case CALL_EARLY:
		/* early media crosses the bridge; without an offer from
		 * the caller there is no SDP to answer with early */
		if (call_progress(br->a, err, sizeof(err)) &&
		    ast == CALL_INCOMING)
			(void)call_ring(br->a, err, sizeof(err));
		break;

	case CALL_ESTABLISHED:
	case CALL_HELD:
	case CALL_REMOTE_HELD:
		if (!br->answered) {
			br->answered = true;
			br->answer_ms = realtime_ms();
			if (call_answer(br->a, err, sizeof(err))) {
				/* the caller went meanwhile */
				(void)call_hangup(call, err, sizeof(err));
				break;
			}
			start_recording(br);
		}
		sync_hold(br);
		break;

	case CALL_TERMINATED:
		ended_by(br, call, "callee");
		if (call_state(br->a) == CALL_TERMINATED)
			;
		else if (call_is_up(br->a))
			(void)call_hangup(br->a, err, sizeof(err));
		else if (br->answered)
			/* our 200 is out, its ACK is not in: a BYE then */
			br->hangup_pending = true;
		else
			(void)call_reject(br->a, caller_code(call_end_code(call)),
					  err, sizeof(err));
		finish(br);
		break;

	default:
		break;
	}
}

/* A number a route may paste into a URI: no SIP punctuation, so no
 * parameter, header or second URI rides in on it. */
static bool number_ok(const char *n)
{
	if (!*n)
		return false;
	for (; *n; n++) {
		if (!strchr("0123456789abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ+*#._-", *n))
			return false;
	}
	return true;
}

/* Where NUMBER goes: a registered phone, a local instance, a route.
 * 0 with the URI in TARGET, or the code to refuse the call with. */
static uint16_t route(const struct pbx *pbx, const char *number,
		      char *target, size_t size, const char **how)
{
	const struct pbx_account *acct;
	const struct pbx_route *r;
	struct pl user;

	pl_set_str(&user, number);
	acct = pbx_conf_account(pbx->cfg, &user);
	if (acct) {
		const struct binding *b = pbx_binding_of(pbx, acct);

		if (!b)
			return 480;   /* known, but not registered now */
		str_copy(target, size, b->contact);
		*how = "registered";
		return 0;
	}

	for (struct le *le = pbx->inst->env->instances ?
		     pbx->inst->env->instances->head : NULL; le;
	     le = le->next) {
		const struct instance *inst = le->data;

		if (inst == pbx->inst || inst->pbx)
			continue;
		if (!strcmp(inst->cfg->user, number) ||
		    !strcmp(inst->name, number)) {
			str_copy(target, size, inst->aor);
			*how = "instance";
			return 0;
		}
	}

	r = pbx_conf_route(pbx->cfg, number);
	if (r && !pbx_route_uri(r, number, target, size)) {
		*how = "route";
		return 0;
	}
	return 404;
}

/* The caller's codec first, then the PBX's own: the callee then takes
 * the caller's if it can, and the bridge relays instead of
 * transcoding. */
static void codecs_for_callee(struct codec_list *cl, const struct pbx *pbx,
			      const struct call *a)
{
	const struct codec_list *own = &pbx->inst->cfg->codecs;
	const struct codec *first = call_offered_codec(a);

	memset(cl, 0, sizeof(*cl));
	if (first)
		cl->v[cl->n++] = first;
	for (size_t i = 0; i < own->n && cl->n < CODEC_LIST_MAX; i++) {
		if (own->v[i] != first)
			cl->v[cl->n++] = own->v[i];
	}
}

static void emit_route(const struct bridge *br, const char *how,
		       uint16_t code)
{
	struct instance *inst = br->pbx->inst;

	evbus_emit(inst->env->bus, "pbx.route", inst->name,
		   br->a ? call_id(br->a) : NULL,
		   EVS("caller", br->caller), EVS("callee", br->callee),
		   EVS_OPT("target", br->target[0] ? br->target : NULL),
		   EVS_OPT("via", how), EVI("code", code),
		   EVS_OPT("leg", br->b ? call_id(br->b) : NULL), EV_END);
}

void pbx_invite(struct pbx *pbx, const struct sip_msg *msg)
{
	struct instance *inst = pbx->inst;
	const struct pbx_account *who = NULL;
	struct bridge *br;
	struct call *a = NULL;
	struct call_prm prm;
	struct codec_list cl;
	char number[64], from[256], display[64], err[256];
	const char *how = NULL;
	uint16_t code;

	if (!pbx_auth_check(pbx, msg, true, &who))
		return;

	br = mem_zalloc(sizeof(*br), bridge_destructor);
	if (!br) {
		(void)sip_treply(NULL, inst->sip, msg, 500,
				 "Server Internal Error");
		return;
	}
	br->pbx = pbx;
	br->start_ms = realtime_ms();
	tmr_init(&br->tmr_free);
	str_copy(br->caller, sizeof(br->caller), who->user);
	number[0] = '\0';
	if (pl_isset(&msg->uri.user) && msg->uri.user.l < sizeof(number))
		(void)pl_strcpy(&msg->uri.user, number, sizeof(number));
	str_copy(br->callee, sizeof(br->callee), number);
	list_append(&pbx->bridges, &br->le, br);

	if (call_take(&a, inst, msg, caller_watch, br) || !a) {
		/* refused already (its offer, or no ports) */
		if (!br->side) {
			br->code = 500;
			str_copy(br->reason, sizeof(br->reason),
				 "no media ports");
		}
		finish(br);
		return;
	}
	br->a = mem_ref(a);

	code = number_ok(number) ? route(pbx, number, br->target,
					   sizeof(br->target), &how) :
		number[0] ? 404 : 484;
	if (code) {
		emit_route(br, NULL, code);
		(void)call_reject(a, code, err, sizeof(err));
		return;
	}

	/* the callee sees the caller's number, at the PBX */
	re_snprintf(from, sizeof(from), "sip:%s@%J", who->user,
		    &inst->laddr);
	display[0] = '\0';
	if (pl_isset(&msg->from.dname))
		(void)pl_strcpy(&msg->from.dname, display, sizeof(display));
	codecs_for_callee(&cl, pbx, a);

	/* a phone registered over TCP or TLS is called over that */
	if (inst->env->transport_for &&
	    inst->env->transport_for(inst, br->target, err, sizeof(err))) {
		evbus_error(inst->env->bus, inst->name, call_id(a), "route",
			    "%s", err);
		(void)call_reject(a, 503, err, sizeof(err));
		return;
	}

	memset(&prm, 0, sizeof(prm));
	prm.uri = br->target;
	prm.from = from;
	prm.display = display[0] ? display : NULL;
	prm.codecs = &cl;
	prm.watch = callee_watch;
	prm.arg = br;
	if (call_place(&br->b, inst, &prm, err, sizeof(err))) {
		evbus_error(inst->env->bus, inst->name, call_id(a), "route",
			    "%s", err);
		br->b = NULL;
		(void)call_reject(a, 503, err, sizeof(err));
		return;
	}
	mem_ref(br->b);
	(void)stream_bridge(call_stream(a), call_stream(br->b));
	emit_route(br, how, 0);
}

void pbx_bridges_second(struct pbx *pbx)
{
	for (struct le *le = pbx->bridges.head; le; le = le->next)
		sync_hold(le->data);
}
