#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "app.h"
#include "call.h"
#include "cmd.h"
#include "expect.h"
#include "instance.h"
#include "util.h"

static struct call *current_call(struct cmd_ctx *ctx)
{
	struct call *call = instance_current_call(ctx->inst);

	if (!call)
		re_snprintf(ctx->err, ctx->errsz, "%s has no call",
			    ctx->inst->name);
	return call;
}

static int exec_call(struct cmd_ctx *ctx, const char *args)
{
	char uri[256];

	if (app_resolve_target(ctx->app, args, uri, sizeof(uri))) {
		re_snprintf(ctx->err, ctx->errsz, "unknown call target '%s' "
			    "(an instance, a local number or a sip: URI)",
			    args);
		return ENOENT;
	}
	return call_connect(NULL, ctx->inst, uri, ctx->err, ctx->errsz);
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

static const struct cmd table[] = {
	{"call", 'c', "TARGET",
	 "place a call to an instance, a local number or a sip: URI",
	 CMD_INSTANCE, 1, 1, NULL, exec_call},
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
	{"wait", 0, "DURATION",
	 "scenario: pause this instance's lines (e.g. 2s, 500ms)",
	 CMD_FLOW, 1, 1, check_wait, NULL},
	{"expect", 0, "EVENT [ARG] [TIMEOUT]",
	 "scenario: wait for incoming, ringing, early, established, held, "
	 "remote_held, terminated [CODE] or dtmf DIGITS (default 10s)",
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

int cmd_exec(struct app *app, struct instance *inst, const struct cmd *cmd,
	     const char *args, char *err, size_t errsz)
{
	struct cmd_ctx ctx = {app, inst, err, errsz};

	if (!cmd->exec) {
		re_snprintf(err, errsz, "'%s' only works in a scenario",
			    cmd->verb);
		return EINVAL;
	}
	err[0] = '\0';
	return cmd->exec(&ctx, args ? args : "");
}
