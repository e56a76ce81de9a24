#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "base/util.h"
#include "media/dtmf.h"
#include "media/monitor.h"
#include "media/recorder.h"
#include "sip/app.h"
#include "sip/call.h"
#include "sip/conf.h"
#include "sip/instance.h"
#include "sip/reg.h"
#include "sip/ua.h"
#include "sip/ua_ping.h"
#include "cmd.h"
#include "expect.h"

static struct call *current_call(struct cmd_ctx *ctx)
{
	struct call *call = ctx->call ? ctx->call :
		instance_current_call(ctx->inst);

	if (!call)
		re_snprintf(ctx->err, ctx->errsz, "%s has no call",
			    ctx->inst->name);
	return call;
}

/* TARGET (of a WHAT) as a URI the instance can send to: resolved, and
 * the transport it needs added.  0, or an error in ctx->err. */
/* A number as a phone dials it: at the instance's registrar (its PBX),
 * when it has one.  True with the URI in URI. */
static bool dial_at_registrar(const struct instance *inst, const char *target,
			      char *uri, size_t size)
{
	const char *reg = inst->cfg->account.registrar;
	struct pl pl;
	struct uri u;

	if (!reg[0] || !*target || strspn(target, "0123456789*#+") !=
	    strlen(target))
		return false;
	pl_set_str(&pl, reg);
	if (uri_decode(&u, &pl))
		return false;
	if (u.port)
		re_snprintf(uri, size, "%r:%s@%r:%u%r", &u.scheme, target,
			    &u.host, u.port, &u.params);
	else
		re_snprintf(uri, size, "%r:%s@%r%r", &u.scheme, target,
			    &u.host, &u.params);
	return true;
}

static int reach(struct cmd_ctx *ctx, const char *what, const char *target,
		 char *uri, size_t size)
{
	if (!dial_at_registrar(ctx->inst, target, uri, size) &&
	    app_resolve_target(ctx->app, target, uri, size))
		return errf(ctx->err, ctx->errsz, ENOENT, "unknown %s '%s' "
			    "(an instance, a local number or a sip: URI)",
			    what, target);
	if (instance_transport_for(ctx->inst, uri, ctx->err, ctx->errsz))
		return EINVAL;
	return 0;
}

/* A call name cannot be taken for a call id (c7) or a #N. */
static bool call_name_ok(const char *s)
{
	bool id = s[0] == 'c' && s[1];

	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (const char *p = s + 1; *p; p++) {
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
			    "XYZ0123456789-_", *p))
			return false;
		if (*p < '0' || *p > '9')
			id = false;
	}
	return !id;
}

/* "TARGET [as NAME]" */
static int parse_call(const char *args, char *target, size_t tsz,
		      char *label, size_t lsz, char *err, size_t errsz,
		      size_t *col)
{
	char buf[512], *w[4];
	size_t n;

	str_copy(buf, sizeof(buf), args);
	n = str_split(buf, w, 4);
	*col = 0;
	label[0] = '\0';
	if (n != 1 && n != 3) {
		*col = n > 1 ? (size_t)(w[1] - buf) : 0;
		return errf(err, errsz, EINVAL, "call takes TARGET [as NAME]");
	}
	str_copy(target, tsz, w[0]);
	if (n == 1)
		return 0;

	*col = (size_t)(w[1] - buf);
	if (strcmp(w[1], "as"))
		return errf(err, errsz, EINVAL, "'%s': call takes TARGET "
			    "[as NAME]", w[1]);
	*col = (size_t)(w[2] - buf);
	if (strlen(w[2]) >= lsz || !call_name_ok(w[2]))
		return errf(err, errsz, EINVAL, "'%s' cannot name a call: a "
			    "name starts with a letter, is no call id (c7), "
			    "has only letters, digits, - and _, and is "
			    "shorter than %zu", w[2], lsz);
	str_copy(label, lsz, w[2]);
	return 0;
}

static int check_call(const char *args, char *err, size_t errsz,
		      size_t *col)
{
	char target[256], label[16];

	return parse_call(args, target, sizeof(target), label,
			  sizeof(label), err, errsz, col);
}

static int exec_call(struct cmd_ctx *ctx, const char *args)
{
	char target[256], label[16], uri[256];
	size_t col;
	int e;

	e = parse_call(args, target, sizeof(target), label, sizeof(label),
		       ctx->err, ctx->errsz, &col);
	if (!e)
		e = reach(ctx, "call target", target, uri, sizeof(uri));
	return e ? e : call_connect_as(NULL, ctx->inst, uri, label,
				       ctx->err, ctx->errsz);
}

#define CALL_ACTION(name, fn)                                            \
	static int name(struct cmd_ctx *ctx, const char *args)            \
	{                                                                 \
		struct call *call = current_call(ctx);                    \
		(void)args;                                               \
		return call ? fn(call, ctx->err, ctx->errsz) : ENOENT;    \
	}

CALL_ACTION(exec_ring, call_ring)
CALL_ACTION(exec_progress, call_progress)
CALL_ACTION(exec_answer, call_answer)
CALL_ACTION(exec_hangup, call_hangup)

static int parse_code(const char *s, uint16_t *code)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end == s || *end || v < 400 || v > 699)
		return EINVAL;
	*code = (uint16_t)v;
	return 0;
}

static int check_reject(const char *args, char *err, size_t errsz,
			size_t *col)
{
	uint16_t code;

	*col = 0;
	if (parse_code(args, &code)) {
		re_snprintf(err, errsz, "'%s' is not a SIP code from 400 to "
			    "699", args);
		return EINVAL;
	}
	return 0;
}

static int exec_reject(struct cmd_ctx *ctx, const char *args)
{
	struct call *call = current_call(ctx);
	uint16_t code = 486;

	if (!call)
		return ENOENT;
	if (*args && parse_code(args, &code)) {
		re_snprintf(ctx->err, ctx->errsz, "bad code '%s'", args);
		return EINVAL;
	}
	return call_reject(call, code, ctx->err, ctx->errsz);
}

static int exec_play(struct cmd_ctx *ctx, const char *args)
{
	struct call *call = current_call(ctx);

	return call ? call_play(call, args, ctx->err, ctx->errsz) : ENOENT;
}

CALL_ACTION(exec_stop, call_play_stop)

static int exec_hold(struct cmd_ctx *ctx, const char *args)
{
	struct call *call = current_call(ctx);

	(void)args;
	return call ? call_hold(call, true, ctx->err, ctx->errsz) : ENOENT;
}

static int exec_resume(struct cmd_ctx *ctx, const char *args)
{
	struct call *call = current_call(ctx);

	(void)args;
	return call ? call_hold(call, false, ctx->err, ctx->errsz) : ENOENT;
}

enum xfer_kind { XFER_BLIND, XFER_ATTENDED, XFER_ACCEPT, XFER_DECLINE };

/* "TARGET | --attended [CALL] | --accept | --decline" */
static int parse_transfer(const char *args, enum xfer_kind *kind,
			  char *word, size_t wsz, char *err, size_t errsz,
			  size_t *col)
{
	char buf[512], *w[3];
	size_t n;

	str_copy(buf, sizeof(buf), args);
	n = str_split(buf, w, 3);
	*col = 0;
	word[0] = '\0';

	if (n >= 1 && !strcmp(w[0], "--attended") && n <= 2) {
		*kind = XFER_ATTENDED;
		if (n == 2)
			str_copy(word, wsz, w[1]);
		return 0;
	}
	if (n == 1 && (!strcmp(w[0], "--accept") ||
		       !strcmp(w[0], "--decline"))) {
		*kind = !strcmp(w[0], "--accept") ? XFER_ACCEPT :
			XFER_DECLINE;
		return 0;
	}
	if (n == 1 && w[0][0] != '-') {
		*kind = XFER_BLIND;
		str_copy(word, wsz, w[0]);
		return 0;
	}
	if (n > 1)
		*col = (size_t)(w[1] - buf);
	return errf(err, errsz, EINVAL, "transfer takes TARGET, --attended "
		    "[CALL], --accept or --decline");
}

static int check_transfer(const char *args, char *err, size_t errsz,
			  size_t *col)
{
	enum xfer_kind kind;
	char word[256];

	return parse_transfer(args, &kind, word, sizeof(word), err, errsz,
			      col);
}

/* The call an attended transfer hands ours over to: REF, or the one
 * other call of the instance that is up. */
static struct call *consult_call(struct cmd_ctx *ctx, struct call *call,
				 const char *ref)
{
	struct call *other = NULL;
	unsigned n = 0;

	if (ref[0]) {
		other = instance_call(ctx->inst, ref);
		if (!other || call_state(other) == CALL_TERMINATED)
			errf(ctx->err, ctx->errsz, ENOENT, "%s has no call "
			     "%s", ctx->inst->name, ref);
		return other;
	}
	for (struct le *le = ctx->inst->calls.head; le; le = le->next) {
		struct call *c = le->data;

		if (c != call && call_state(c) != CALL_TERMINATED) {
			other = c;
			++n;
		}
	}
	if (n != 1) {
		errf(ctx->err, ctx->errsz, ENOENT, "name the call to transfer "
		     "%s to: %s has %u other call%s", call_id(call),
		     ctx->inst->name, n, n == 1 ? "" : "s");
		return NULL;
	}
	return other;
}

static int exec_transfer(struct cmd_ctx *ctx, const char *args)
{
	struct call *call, *consult;
	enum xfer_kind kind;
	char word[256], uri[256];
	size_t col;
	int e;

	e = parse_transfer(args, &kind, word, sizeof(word), ctx->err,
			   ctx->errsz, &col);
	if (e)
		return e;
	call = current_call(ctx);
	if (!call)
		return ENOENT;

	switch (kind) {

	case XFER_ACCEPT:
	case XFER_DECLINE:
		return call_refer_decide(call, kind == XFER_ACCEPT, ctx->err,
					 ctx->errsz);
	case XFER_ATTENDED:
		consult = consult_call(ctx, call, word);
		return consult ? call_transfer(call, NULL, consult, ctx->err,
					       ctx->errsz) : ENOENT;
	default:
		e = reach(ctx, "transfer target", word, uri, sizeof(uri));
		return e ? e : call_transfer(call, uri, NULL, ctx->err,
					     ctx->errsz);
	}
}

/* "start|stop [MODE]" */
static int parse_record(const char *args, bool *start, int *mode,
			char *err, size_t errsz, size_t *col)
{
	char buf[128], *w[3];
	size_t n;
	enum rec_mode m;

	str_copy(buf, sizeof(buf), args);
	n = str_split(buf, w, 3);
	*col = 0;
	*mode = -1;

	if (n < 1 || n > 2 || (strcmp(w[0], "start") && strcmp(w[0], "stop"))) {
		re_snprintf(err, errsz, "record takes start [stereo|mixed|"
			    "separate] or stop");
		return EINVAL;
	}
	*start = !strcmp(w[0], "start");
	if (n == 2) {
		*col = (size_t)(w[1] - buf);
		if (!*start || rec_mode_parse(&m, w[1])) {
			re_snprintf(err, errsz, "'%s' is not a recording mode "
				    "(stereo, mixed, separate)", w[1]);
			return EINVAL;
		}
		*mode = (int)m;
	}
	return 0;
}

static int check_record(const char *args, char *err, size_t errsz,
			size_t *col)
{
	bool start;
	int mode;

	return parse_record(args, &start, &mode, err, errsz, col);
}

static int exec_record(struct cmd_ctx *ctx, const char *args)
{
	struct call *call;
	bool start;
	int mode;
	size_t col;
	int e;

	e = parse_record(args, &start, &mode, ctx->err, ctx->errsz, &col);
	if (e)
		return e;
	call = current_call(ctx);
	return call ? call_record(call, start, mode, ctx->err, ctx->errsz) :
		ENOENT;
}

struct dtmf_args {
	char digits[DTMF_QUEUE + 1];
	int method;               /* -1: the instance's */
	uint32_t dur_ms, gap_ms;  /* 0, UINT32_MAX: the instance's */
};

/* "DIGITS [METHOD] [DURATION [GAP]]" */
static int parse_dtmf(struct dtmf_args *a, const char *args, char *err,
		      size_t errsz, size_t *col)
{
	char buf[256], *w[4];
	size_t n, i = 1;
	enum dtmf_method m;
	uint64_t ms;

	str_copy(buf, sizeof(buf), args);
	n = str_split(buf, w, 4);
	*col = 0;
	a->method = -1;
	a->dur_ms = 0;
	a->gap_ms = UINT32_MAX;

	if (n < 1 || !dtmf_digits_valid(w[0]) ||
	    strlen(w[0]) >= sizeof(a->digits)) {
		re_snprintf(err, errsz, "dtmf needs DIGITS (0-9 * # A-D, at "
			    "most %u)", DTMF_QUEUE);
		return EINVAL;
	}
	str_copy(a->digits, sizeof(a->digits), w[0]);

	if (i < n && !dtmf_method_parse(&m, w[i])) {
		a->method = (int)m;
		++i;
	}
	for (unsigned k = 0; i < n; i++, k++) {
		*col = (size_t)(w[i] - buf);
		if (k > 1 || duration_parse_unit(&ms, w[i]) ||
		    ms > 10000 || (k == 0 && ms < 20)) {
			re_snprintf(err, errsz, "'%s' is neither a method "
				    "(rfc4733, inband, info) nor a duration "
				    "from 20ms to 10s", w[i]);
			return EINVAL;
		}
		if (k == 0)
			a->dur_ms = (uint32_t)ms;
		else
			a->gap_ms = (uint32_t)ms;
	}
	return 0;
}

static int check_dtmf(const char *args, char *err, size_t errsz,
		      size_t *col)
{
	struct dtmf_args a;

	return parse_dtmf(&a, args, err, errsz, col);
}

static int exec_dtmf(struct cmd_ctx *ctx, const char *args)
{
	struct dtmf_args a;
	struct call *call;
	size_t col;
	int e;

	e = parse_dtmf(&a, args, ctx->err, ctx->errsz, &col);
	if (e)
		return e;
	call = current_call(ctx);
	return call ? call_dtmf(call, a.digits, a.method, a.dur_ms, a.gap_ms,
				ctx->err, ctx->errsz) : ENOENT;
}

/* "[rx|tx|both|off]": *LEG is -1 (toggle) without an argument. */
static int parse_monitor(const char *args, int *leg, char *err,
			 size_t errsz, size_t *col)
{
	enum mon_leg l;

	*col = 0;
	*leg = -1;
	if (!*args)
		return 0;
	if (mon_leg_parse(&l, args)) {
		re_snprintf(err, errsz, "'%s' is not rx, tx, both or off",
			    args);
		return EINVAL;
	}
	*leg = (int)l;
	return 0;
}

static int check_monitor(const char *args, char *err, size_t errsz,
			 size_t *col)
{
	int leg;

	return parse_monitor(args, &leg, err, errsz, col);
}

static int exec_monitor(struct cmd_ctx *ctx, const char *args)
{
	struct call *call;
	size_t col;
	int leg, e;

	e = parse_monitor(args, &leg, ctx->err, ctx->errsz, &col);
	if (e)
		return e;
	call = current_call(ctx);
	return call ? call_monitor(call, leg, ctx->err, ctx->errsz) : ENOENT;
}

static int check_wait(const char *args, char *err, size_t errsz,
		      size_t *col)
{
	uint64_t ms;

	*col = 0;
	if (duration_parse(&ms, args)) {
		re_snprintf(err, errsz, "'%s' is not a duration (e.g. 2s, "
			    "500ms)", args);
		return EINVAL;
	}
	return 0;
}

static int check_expect(const char *args, char *err, size_t errsz,
			size_t *col)
{
	struct expect e;

	return expect_parse(&e, args, err, errsz, col);
}

static int exec_register(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	return reg_start(ctx->inst, ctx->err, ctx->errsz);
}

static int exec_unregister(struct cmd_ctx *ctx, const char *args)
{
	(void)args;
	if (!ctx->inst->reg)
		return errf(ctx->err, ctx->errsz, ENOENT, "%s is not "
			    "registered", ctx->inst->name);
	reg_stop(ctx->inst);
	return 0;
}

static int exec_options(struct cmd_ctx *ctx, const char *args)
{
	char uri[256];
	int e = reach(ctx, "target", args, uri, sizeof(uri));

	return e ? e : ua_options(ctx->inst, uri, ctx->err, ctx->errsz);
}

static const struct cmd table[] = {
	{"call", 'c', "TARGET [as NAME]",
	 "place a call to an instance, a local number or a sip: URI; NAME "
	 "names it for INSTANCE/NAME lines",
	 CMD_INSTANCE, 1, 3, check_call, exec_call},
	{"ring", 0, "",
	 "send 180 Ringing for the incoming call",
	 CMD_CALL, 0, 0, NULL, exec_ring},
	{"progress", 0, "",
	 "send 183 Session Progress with SDP and start early media",
	 CMD_CALL, 0, 0, NULL, exec_progress},
	{"answer", 'a', "",
	 "answer the incoming call (200 OK with SDP)",
	 CMD_CALL, 0, 0, NULL, exec_answer},
	{"reject", 0, "[CODE]",
	 "reject the incoming call with CODE (default 486)",
	 CMD_CALL, 0, 1, check_reject, exec_reject},
	{"hangup", 'h', "",
	 "hang up, cancel or reject the current call",
	 CMD_CALL, 0, 0, NULL, exec_hangup},
	{"play", 'p', "FILE",
	 "play a sound file (any WAV; a name from sounds/) into the call, "
	 "then the source again",
	 CMD_CALL, 1, 1, NULL, exec_play},
	{"stop", 0, "",
	 "stop the file playing in the call",
	 CMD_CALL, 0, 0, NULL, exec_stop},
	{"record", 'r', "start [stereo|mixed|separate] | stop",
	 "record the call (stereo: left received, right sent)",
	 CMD_CALL, 1, 2, check_record, exec_record},
	{"dtmf", 'd', "DIGITS [rfc4733|inband|info] [DURATION [GAP]]",
	 "send DTMF digits (default: the instance's method, 100ms/100ms)",
	 CMD_CALL, 1, 4, check_dtmf, exec_dtmf},
	{"hold", 'l', "",
	 "hold the call: re-INVITE with the instance's hold style (a=sendonly,"
	 " a=inactive or c=0.0.0.0)",
	 CMD_CALL, 0, 0, NULL, exec_hold},
	{"resume", 0, "",
	 "take the call off hold: re-INVITE with a=sendrecv",
	 CMD_CALL, 0, 0, NULL, exec_resume},
	{"transfer", 'x', "TARGET | --attended [CALL] | --accept | --decline",
	 "REFER the peer to TARGET (blind), or to the peer of our other call "
	 "CALL with Replaces (attended); --accept or --decline a REFER held "
	 "by refer = ask",
	 CMD_CALL, 1, 2, check_transfer, exec_transfer},
	{"monitor", 'm', "[rx|tx|both|off]",
	 "hear the call on the local audio device: what we receive, send, "
	 "or both (no argument: toggle rx)",
	 CMD_CALL, 0, 1, check_monitor, exec_monitor},
	{"register", 'g', "",
	 "REGISTER at the instance's registrar (sipflow.conf), and keep it "
	 "fresh",
	 CMD_INSTANCE, 0, 0, NULL, exec_register},
	{"unregister", 'u', "",
	 "de-REGISTER (Expires: 0) and stop refreshing",
	 CMD_INSTANCE, 0, 0, NULL, exec_unregister},
	{"options", 'o', "TARGET",
	 "ping TARGET with OPTIONS: its code and round-trip time as an "
	 "options.result event",
	 CMD_INSTANCE, 1, 1, NULL, exec_options},
	{"wait", 0, "DURATION",
	 "scenario: pause this instance's lines (e.g. 2s, 500ms)",
	 CMD_FLOW, 1, 1, check_wait, NULL},
	{"expect", 0, "EVENT [ARG] [TIMEOUT]",
	 "scenario: wait for incoming, ringing, early, established, held, "
	 "remote_held, terminated [CODE], dtmf DIGITS, registered, "
	 "unregistered, reg_failed [CODE], transferred, transfer_failed "
	 "[CODE], referred or replaced (default 10s)",
	 CMD_FLOW, 1, 3, check_expect, NULL},
};

const struct cmd *cmd_table(size_t *n)
{
	if (n)
		*n = ARRAY_SIZE(table);
	return table;
}

const struct cmd *cmd_find(const char *verb)
{
	for (size_t i = 0; verb && i < ARRAY_SIZE(table); i++) {
		if (!strcmp(table[i].verb, verb))
			return &table[i];
	}
	return NULL;
}

static int cmd_exec_call(struct app *app, struct instance *inst,
			 struct call *call, const struct cmd *cmd,
			 const char *args, char *err, size_t errsz)
{
	struct cmd_ctx ctx = {app, inst, call, err, errsz};

	if (!cmd->exec) {
		re_snprintf(err, errsz, "'%s' only works in a scenario",
			    cmd->verb);
		return EINVAL;
	}
	err[0] = '\0';
	return cmd->exec(&ctx, args ? args : "");
}

int cmd_exec(struct app *app, struct instance *inst, const struct cmd *cmd,
	     const char *callref, const char *args, char *err, size_t errsz)
{
	struct call *call = NULL;

	if (callref && callref[0]) {
		call = instance_call(inst, callref);
		if (!call || call_state(call) == CALL_TERMINATED)
			return errf(err, errsz, ENOENT, "%s has no call %s%s",
				    inst->name, callref, call ? " any more" :
				    "");
	}
	return cmd_exec_call(app, inst, call, cmd, args, err, errsz);
}

int cmd_run(struct app *app, const char *inst_name, const char *callid,
	    const struct cmd *cmd, const char *args, char *acted,
	    size_t actedsz, char *err, size_t errsz)
{
	struct instance *inst = app_instance(app, inst_name);
	struct call *call = NULL;

	str_copy(acted, actedsz, "");
	if (!inst)
		return errf(err, errsz, ENOENT, "no such instance");

	if (cmd->target == CMD_CALL && callid && callid[0]) {
		call = instance_call(inst, callid);
		if (!call)
			return errf(err, errsz, ENOENT, "%s has no call %s",
				    inst_name, callid);
		if (call_state(call) == CALL_TERMINATED)
			return errf(err, errsz, ENOENT, "%s is over",
				    callid);
	}
	else if (cmd->target == CMD_CALL) {
		call = instance_current_call(inst);
	}
	if (call)
		str_copy(acted, actedsz, call_id(call));

	return cmd_exec_call(app, inst, call, cmd, args, err, errsz);
}
