#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <re.h>
#include "base/util.h"
#include "sip/conf.h"
#include "cmd.h"
#include "scenario.h"

static void destructor(void *arg)
{
	struct scenario *s = arg;

	list_flush(&s->steps);
}

/* A '#' starts a comment when only blanks come before it, or when it has a
 * blank on both sides.  So "dtmf 12#" and a final "expect dtmf #" keep
 * their digit, and "call bob  # note" loses the note. */
static void strip_comment(char *s)
{
	bool leading = true;

	for (char *p = s; *p; p++) {
		if (*p != '#') {
			if (*p != ' ' && *p != '\t')
				leading = false;
			continue;
		}
		if (leading || ((p[-1] == ' ' || p[-1] == '\t') &&
				(p[1] == ' ' || p[1] == '\t'))) {
			*p = '\0';
			return;
		}
	}
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		++s;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int scenario_parse_line(struct scn_step *step, const char *line,
			const struct conf *conf, char *err, size_t errsz)
{
	char buf[512], *s, *colon, *slash, *verb, *args;
	const struct cmd *cmd;
	size_t col, nargs;
	char *w[4], wbuf[512];
	int e;

	memset(step, 0, sizeof(*step));

	if (strlen(line) >= sizeof(buf)) {
		re_snprintf(err, errsz, "1: line too long");
		return EINVAL;
	}
	str_copy(buf, sizeof(buf), line);
	strip_comment(buf);
	s = trim(buf);
	if (!*s)
		return ENODATA;

	str_copy(step->text, sizeof(step->text), s);

	colon = strchr(s, ':');
	if (!colon || colon == s) {
		re_snprintf(err, errsz, "%zu: expected 'INSTANCE: VERB "
			    "[ARGS]'", (size_t)(s - buf) + 1);
		return EINVAL;
	}
	*colon = '\0';
	slash = strchr(s, '/');
	if (slash) {
		*slash = '\0';
		if (strlen(trim(slash + 1)) >= sizeof(step->call)) {
			re_snprintf(err, errsz, "%zu: the call name is longer "
				    "than %zu characters",
				    (size_t)(slash - buf) + 2,
				    sizeof(step->call) - 1);
			return EINVAL;
		}
		str_copy(step->call, sizeof(step->call), trim(slash + 1));
		if (!step->call[0]) {
			re_snprintf(err, errsz, "%zu: a call after '/' (an id, "
				    "#N or a name)", (size_t)(slash - buf) + 2);
			return EINVAL;
		}
	}
	str_copy(step->inst, sizeof(step->inst), trim(s));

	if (conf && !conf_instance(conf, step->inst)) {
		re_snprintf(err, errsz, "%zu: unknown instance '%s'",
			    (size_t)(s - buf) + 1, step->inst);
		return EINVAL;
	}

	verb = colon + 1;
	while (*verb == ' ' || *verb == '\t')
		++verb;
	args = verb;
	while (*args && *args != ' ' && *args != '\t')
		++args;
	if (*args)
		*args++ = '\0';
	args = trim(args);

	cmd = cmd_find(verb);
	if (!cmd) {
		re_snprintf(err, errsz, "%zu: unknown verb '%s'",
			    (size_t)(verb - buf) + 1, *verb ? verb : "");
		return EINVAL;
	}
	step->cmd = cmd;
	str_copy(step->args, sizeof(step->args), args);

	if (step->call[0] && cmd->target != CMD_CALL &&
	    strcmp(cmd->verb, "expect")) {
		re_snprintf(err, errsz, "%zu: %s acts on the instance, not on "
			    "a call: leave out /%s", (size_t)(verb - buf) + 1,
			    cmd->verb, step->call);
		return EINVAL;
	}

	str_copy(wbuf, sizeof(wbuf), args);   /* as long as buf: no loss */
	nargs = str_split(wbuf, w, 3);
	if ((int)nargs < cmd->min_args || (int)nargs > cmd->max_args) {
		re_snprintf(err, errsz, "%zu: %s takes %s",
			    (size_t)(verb - buf) + 1, cmd->verb,
			    *cmd->args ? cmd->args : "no arguments");
		return EINVAL;
	}

	if (cmd->check && *args) {
		char why[200];

		e = cmd->check(args, why, sizeof(why), &col);
		if (e) {
			re_snprintf(err, errsz, "%zu: %s",
				    (size_t)(args - buf) + col + 1, why);
			return e;
		}
	}

	if (!strcmp(cmd->verb, "wait"))
		(void)duration_parse(&step->wait_ms, args);
	else if (!strcmp(cmd->verb, "expect"))
		(void)expect_parse(&step->exp, args, err, errsz, &col);

	if (step->call[0] && step->cmd->target == CMD_FLOW &&
	    step->exp.kind == EXPECT_REG) {
		re_snprintf(err, errsz, "%zu: registration is the instance's, "
			    "not a call's: leave out /%s",
			    (size_t)(args - buf) + 1, step->call);
		return EINVAL;
	}

	return 0;
}

int scenario_load(struct scenario **sp, const char *path,
		  const struct conf *conf, char *err, size_t errsz)
{
	struct scenario *s;
	char line[1024], why[300];
	unsigned lineno = 0;
	FILE *f;
	int e = 0;

	if (!sp || !path)
		return EINVAL;

	f = fopen(path, "r");
	if (!f) {
		e = errno;
		re_snprintf(err, errsz, "%s: %m", path, e);
		return e;
	}

	s = mem_zalloc(sizeof(*s), destructor);
	if (!s) {
		fclose(f);
		return ENOMEM;
	}
	str_copy(s->path, sizeof(s->path), path);

	while (fgets(line, sizeof(line), f)) {
		struct scn_step step, *st;
		size_t len = strlen(line);

		++lineno;
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			re_snprintf(err, errsz, "%s:%u:1: line too long",
				    path, lineno);
			e = EINVAL;
			break;
		}

		e = scenario_parse_line(&step, line, conf, why, sizeof(why));
		if (e == ENODATA) {
			e = 0;
			continue;
		}
		if (e) {
			re_snprintf(err, errsz, "%s:%u:%s", path, lineno, why);
			break;
		}

		st = mem_zalloc(sizeof(*st), NULL);
		if (!st) {
			e = ENOMEM;
			break;
		}
		*st = step;
		st->line = lineno;
		memset(&st->le, 0, sizeof(st->le));
		list_append(&s->steps, &st->le, st);
	}

	if (!e && ferror(f)) {
		re_snprintf(err, errsz, "%s: read error", path);
		e = EIO;
	}
	if (!e && !s->steps.head) {
		re_snprintf(err, errsz, "%s: no scenario lines", path);
		e = EINVAL;
	}

	fclose(f);
	if (e)
		mem_deref(s);
	else
		*sp = s;
	return e;
}
