/* The console's key rows and what they say.  Command keys and their help
 * come from the command table, so a verb gains its key, its help line and
 * its man page entry in one place. */
#include <string.h>
#include <re.h>
#include "base/util.h"
#include "ctl/cmd.h"
#include "keys.h"
#include "model.h"
#include "view.h"

/* How the console runs a command key (tui.c follows this). */
static const struct {
	const char *verb;
	const char *how;
} key_how[] = {
	{"call",    "prompts for the target, offering the other instances"},
	{"play",    "prompts for the file, Tab completes from sounds/ and "
		    "the current directory"},
	{"record",  "starts or stops; the mode is the instance's"},
	{"dtmf",    "prompts for the digits"},
	{"options", "prompts for the target, offering the other instances"},
	{"monitor", "toggles what we receive"},
	{"hold",    "holds, or resumes a call we hold"},
	{"transfer", "prompts for the target, offering the other instances, "
		     "or --attended CALL, --accept, --decline"},
};

static const struct {
	const char *key;
	const char *what;
} own_keys[] = {
	{"j, Down",     "select the next instance or call"},
	{"k, Up",       "select the previous instance or call"},
	{"Tab",         "switch pane: instances, calls, detail"},
	{"Enter",       "open or close the detail pane of the selected call"},
	{"Left, Right", "in the detail pane: show SDP, SIP ladder or event "
			"log"},
	{"PgUp, PgDn",  "scroll the detail pane or the help"},
	{":",           "command prompt: a scenario line ([INSTANCE:] VERB "
			"ARGS), save FILE, help or quit"},
	{"?",           "show or hide this help"},
	{"Esc",         "close the prompt, the help or the detail pane"},
	{"q",           "quit; asks first when calls are up, then hangs them "
			"all up"},
};

static const char *how_of(const char *verb)
{
	for (size_t i = 0; i < ARRAY_SIZE(key_how); i++) {
		if (!strcmp(key_how[i].verb, verb))
			return key_how[i].how;
	}
	return NULL;
}

size_t keys_help(struct ui_key_help *rows, size_t max)
{
	static char keynames[32][2];
	const struct cmd *t;
	size_t n = 0, ncmd;

	for (size_t i = 0; i < ARRAY_SIZE(own_keys); i++, n++) {
		if (n >= max)
			continue;
		rows[n].key = own_keys[i].key;
		str_copy(rows[n].what, sizeof(rows[n].what),
			 own_keys[i].what);
	}

	t = cmd_table(&ncmd);
	for (size_t i = 0, k = 0; i < ncmd; i++) {
		if (!t[i].key || k >= ARRAY_SIZE(keynames))
			continue;
		keynames[k][0] = (char)t[i].key;
		if (n < max) {
			const char *how = how_of(t[i].verb);
			rows[n].key = keynames[k];
			re_snprintf(rows[n].what, sizeof(rows[n].what),
				    "%s: %s%s%s", t[i].verb, t[i].help,
				    how ? "; " : "", how ? how : "");
		}
		++k;
		++n;
	}
	return n;
}

void keys_print(FILE *f, bool roff)
{
	struct ui_key_help rows[64];
	size_t n = keys_help(rows, ARRAY_SIZE(rows));

	for (size_t i = 0; i < n && i < ARRAY_SIZE(rows); i++) {
		if (!roff) {
			fprintf(f, "%s\t%s\n", rows[i].key, rows[i].what);
			continue;
		}
		/* A leading quote or dot would be a roff request. */
		fprintf(f, ".TP\n.B \"%s\"\n%s%s\n", rows[i].key,
			rows[i].what[0] == '.' || rows[i].what[0] == '\'' ?
			"\\&" : "", rows[i].what);
	}
}

/* The verb a state-dependent key would run, in the operator's words. */
static const char *hangup_word(const struct ui_call *c)
{
	if (!strcmp(c->state, "calling") || (!c->in &&
	    (!strcmp(c->state, "ringing") || !strcmp(c->state, "early"))))
		return "cancel";
	if (c->in && (!strcmp(c->state, "incoming") ||
		      !strcmp(c->state, "ringing") ||
		      !strcmp(c->state, "early")))
		return "reject";
	return "hang up";
}

static bool answerable(const struct ui_call *c)
{
	return c->in && (!strcmp(c->state, "incoming") ||
			 !strcmp(c->state, "ringing") ||
			 !strcmp(c->state, "early"));
}

static void call_keys(char *buf, size_t sz, const struct ui_call *c)
{
	size_t n = strlen(buf);

	bool up = !strcmp(c->state, "established") ||
		!strcmp(c->state, "held") || !strcmp(c->state, "remote_held");

	(void)re_snprintf(buf + n, sz - n, "%s/%s %s: %s"
			  "h %s  p play  r %s  d dtmf  m %s  %s",
			  c->inst ? c->inst->name : "?", c->id, c->state,
			  answerable(c) ? "a answer  " : "", hangup_word(c),
			  c->recording ? "stop rec" : "record",
			  c->monitored ? "unlisten" : "listen",
			  !up ? "" : !strcmp(c->state, "held") ?
			  "l resume  x transfer  " : "l hold  x transfer  ");
}

/* The call keys act on: the selection in the calls pane, else the
 * selected instance's newest live call. */
static const struct ui_call *target_call(const struct ui_view *v,
					 const struct ui_model *m)
{
	struct le *le;

	if (v->focus != PANE_INSTS) {
		const struct ui_call *c = ui_model_call(m, v->sel_call);
		return c && ui_call_alive(c) ? c : NULL;
	}
	for (le = list_tail(&m->calls); le; le = le->prev) {
		const struct ui_call *c = le->data;
		if (c->inst && !strcmp(c->inst->name, v->sel_inst) &&
		    ui_call_alive(c))
			return c;
	}
	return NULL;
}

void keys_status(char *buf, size_t sz, const struct ui_view *v,
		 const struct ui_model *m)
{
	const struct ui_call *c;
	const char *from;
	size_t n;

	if (v->help) {
		str_copy(buf, sz, " j/k PgUp/PgDn scroll  ? Esc close");
		return;
	}
	if (v->prompting) {
		str_copy(buf, sz, " Enter run  Tab complete  Up/Down history"
			 "  Esc cancel");
		return;
	}
	if (v->confirm[0]) {
		str_copy(buf, sz, " y yes  n no");
		return;
	}

	/* Help first: a narrow terminal cuts the line at the right. */
	str_copy(buf, sz, " ? help  ");
	c = target_call(v, m);
	if (c)
		call_keys(buf, sz, c);

	c = v->focus == PANE_INSTS ? NULL : ui_model_call(m, v->sel_call);
	from = c && c->inst ? c->inst->name : v->sel_inst;
	n = strlen(buf);
	if (from[0])
		(void)re_snprintf(buf + n, sz - n, "c call from %s  ", from);
	else
		str_copy(buf + n, sz - n, "");
	n = strlen(buf);
	(void)re_snprintf(buf + n, sz - n, "%s: cmd  q quit",
			  v->focus == PANE_CALLS && c ?
			  (v->detail ? "Enter close  " : "Enter detail  ") :
			  v->focus == PANE_DETAIL ? "</> view  " : "");
}
