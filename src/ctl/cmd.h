/* The command table: one row per action.  It supplies the console key,
 * the `:` command and scenario verb, the argument synopsis, the help line
 * and sipflow(1)'s COMMANDS section. */
#ifndef SIPFLOW_CMD_H
#define SIPFLOW_CMD_H

#include <stddef.h>

struct app;
struct instance;
struct call;

enum cmd_target {
	CMD_INSTANCE,   /* acts on an instance (e.g. call) */
	CMD_CALL,       /* acts on the instance's current call */
	CMD_FLOW,       /* scenario flow control (wait, expect) */
};

struct cmd_ctx {
	struct app *app;
	struct instance *inst;
	struct call *call;       /* the call to act on; NULL: the current */
	char *err;
	size_t errsz;
};

struct cmd {
	const char *verb;
	int key;                 /* console key, 0: none */
	const char *args;        /* synopsis */
	const char *help;
	enum cmd_target target;
	int min_args, max_args;
	/* Check the arguments when a scenario is loaded; 0 or EINVAL with
	 * ERR set and *COL at the offending word (0-based in ARGS). */
	int (*check)(const char *args, char *err, size_t errsz, size_t *col);
	/* Run it now.  NULL for flow verbs, which the runner handles. */
	int (*exec)(struct cmd_ctx *ctx, const char *args);
};

const struct cmd *cmd_find(const char *verb);
const struct cmd *cmd_table(size_t *n);
/* Run VERB ARGS on INST itself or, for call verbs, its call CALLREF (a
 * call id, "#N" or a label; NULL or "": the current call) (scenarios). */
int cmd_exec(struct app *app, struct instance *inst, const struct cmd *cmd,
	     const char *callref, const char *args, char *err,
	     size_t errsz);
/* Run CMD as the console names its target: instance INST by name and,
 * for call verbs, call CALLID by short id, #N or label ("" or NULL: the
 * current call).  The call acted on is named into ACTED ("" for none) before
 * it runs, as a hangup takes it away. */
int cmd_run(struct app *app, const char *inst, const char *callid,
	    const struct cmd *cmd, const char *args, char *acted,
	    size_t actedsz, char *err, size_t errsz);

#endif
