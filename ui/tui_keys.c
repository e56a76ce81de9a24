/* The console's keys: moving around, prompts, the `:` line, and running
 * commands from the command table on the selected instance or call. */
#include <stdlib.h>
#include <string.h>
#include <ncurses.h>
#include <re.h>
#include "base/event.h"
#include "base/util.h"
#include "sip/app.h"
#include "ctl/cmd.h"
#include "ctl/scenario.h"
#include "model.h"
#include "prompt.h"
#include "session.h"
#include "tui_int.h"
#include "view.h"

enum { KEY_ESCAPE = 27, KEY_CTRL_C = 3, KEY_CTRL_L = 12 };

/* ---- selection ---- */

static struct ui_call *selected_call(const struct tui *t)
{
	return ui_model_call(t->model, t->view.sel_call);
}

static void select_call(struct tui *t, const struct ui_call *c)
{
	str_copy(t->view.sel_call, sizeof(t->view.sel_call), c ? c->id : "");
	if (c && c->inst)
		str_copy(t->view.sel_inst, sizeof(t->view.sel_inst),
			 c->inst->name);
	t->view.detail_scroll = t->view.tab == TAB_SDP ? 0 : -1;
}

/* Keep the selection on something that exists: a call that went away
 * hands it to its neighbour; a new call is picked when there was none. */
void tui_fix_selection(struct tui *t)
{
	struct ui_view *v = &t->view;
	struct le *le;

	if (!ui_model_inst(t->model, v->sel_inst) && t->model->insts.head)
		str_copy(v->sel_inst, sizeof(v->sel_inst),
			 ((struct ui_inst *)t->model->insts.head->data)->name);

	if (t->select_newest[0]) {
		for (le = list_tail(&t->model->calls); le; le = le->prev) {
			struct ui_call *c = le->data;
			if (c->inst && !strcmp(c->inst->name,
					       t->select_newest)) {
				select_call(t, c);
				break;
			}
		}
		if (le)
			t->select_newest[0] = '\0';
	}

	if (v->sel_call[0] && !selected_call(t)) {
		v->sel_call[0] = '\0';
		v->detail = false;
		if (v->focus == PANE_DETAIL)
			v->focus = PANE_CALLS;
	}
	if (!v->sel_call[0] && t->model->calls.tail)
		select_call(t, list_tail(&t->model->calls)->data);
}

static void move_inst(struct tui *t, int dir)
{
	struct ui_inst *i = ui_model_inst(t->model, t->view.sel_inst);
	struct le *le = i ? (dir > 0 ? i->le.next : i->le.prev) : NULL;

	if (le)
		str_copy(t->view.sel_inst, sizeof(t->view.sel_inst),
			 ((struct ui_inst *)le->data)->name);
}

static void move_call(struct tui *t, int dir)
{
	struct ui_call *c = selected_call(t);
	struct le *le = c ? (dir > 0 ? c->le.next : c->le.prev) : NULL;

	if (le)
		select_call(t, le->data);
}

static void scroll_detail(struct tui *t, int lines)
{
	struct ui_view *v = &t->view;
	int last = v->detail_total - v->detail_rows;

	if (last < 0)
		last = 0;
	if (v->detail_scroll < 0)
		v->detail_scroll = last;
	v->detail_scroll += lines;
	if (v->detail_scroll < 0)
		v->detail_scroll = 0;
	/* Past the end of the ladder or log: follow new lines again. */
	if (v->detail_scroll >= last)
		v->detail_scroll = v->tab == TAB_SDP ? last : -1;
}

/* ---- running commands ---- */

/* Run VERB ARGS on instance INST (and its call CALLID, "" for the
 * current one) through the command table, tell the operator, and
 * remember it for :save. */
static int run(struct tui *t, const char *inst_name, const char *callid,
	       const char *verb, const char *args)
{
	const struct cmd *cmd = cmd_find(verb);
	char err[256] = "", acted[16];
	unsigned seq;
	int e;

	if (!cmd) {
		ui_model_message(t->model, true, "no command '%s'", verb);
		return ENOENT;
	}

	seq = t->model->msg_seq;
	e = cmd_run(t->app, inst_name, callid, cmd, args, acted,
		    sizeof(acted), err, sizeof(err));
	if (e) {
		ui_model_message(t->model, true, "%s: %s: %s", inst_name,
				 verb, err[0] ? err : strerror(e));
		return e;
	}
	session_action(t->session, evbus_time(t->app->env.bus), inst_name,
		       cmd->target == CMD_CALL ? acted : NULL, verb, args);
	/* A command can succeed and still report a problem (monitor without
	 * an audio device): keep that on the message line. */
	if (t->model->msg_seq == seq || !t->model->msg_error)
		ui_model_message(t->model, false, "%s%s%s: %s%s%s", inst_name,
			 cmd->target == CMD_CALL ? "/" : "",
			 cmd->target == CMD_CALL ? acted : "", verb,
			 args[0] ? " " : "", args);
	if (cmd->target == CMD_INSTANCE)
		str_copy(t->select_newest, sizeof(t->select_newest),
			 inst_name);
	return 0;
}

/* The instance and call a key acts on, resolved once from what the
 * console shows: the selected call (calls and detail panes), else the
 * instance's current call.  CALL is "" when it has none. */
static void key_target(const struct tui *t, char *inst, size_t isz,
		       char *call, size_t csz)
{
	const struct ui_call *c = selected_call(t);

	call[0] = '\0';
	str_copy(inst, isz, t->view.sel_inst);
	if (t->view.focus != PANE_INSTS && c && c->inst) {
		str_copy(inst, isz, c->inst->name);
		if (ui_call_alive(c))
			str_copy(call, csz, c->id);
	}
	c = call[0] ? NULL : ui_model_current_call(t->model, inst);
	if (c)
		str_copy(call, csz, c->id);
}

static void offer_instances(struct tui *t, const char *except)
{
	struct le *le;
	size_t n = 0;

	for (le = list_head(&t->model->insts); le; le = le->next) {
		const struct ui_inst *i = le->data;
		int k;

		if (!strcmp(i->name, except))
			continue;
		k = re_snprintf(t->view.hint + n, sizeof(t->view.hint) - n,
				"%s%s", n ? "  " : "offer: ", i->name);
		if (k < 0)
			break;
		n += (size_t)k;
	}
}

static void ask(struct tui *t, enum pending p, const char *inst,
		const char *call, const char *label)
{
	t->pending = p;
	str_copy(t->pend_inst, sizeof(t->pend_inst), inst);
	str_copy(t->pend_call, sizeof(t->pend_call), call);
	prompt_begin(&t->view, label, "");
}

static void command_key(struct tui *t, const struct cmd *cmd)
{
	char inst[32], call[16], label[64];
	const struct ui_call *c;

	key_target(t, inst, sizeof(inst), call, sizeof(call));
	if (!inst[0])
		return;

	if (!strcmp(cmd->verb, "call")) {
		re_snprintf(label, sizeof(label), "call from %s to: ", inst);
		ask(t, PEND_CALL, inst, "", label);
		offer_instances(t, inst);
		return;
	}
	if (!strcmp(cmd->verb, "options")) {
		re_snprintf(label, sizeof(label), "ping from %s: ", inst);
		ask(t, PEND_OPTIONS, inst, "", label);
		offer_instances(t, inst);
		return;
	}
	if (cmd->target == CMD_CALL && !call[0]) {
		ui_model_message(t->model, true, "%s has no call to %s", inst,
				 cmd->verb);
		return;
	}
	if (!strcmp(cmd->verb, "play")) {
		re_snprintf(label, sizeof(label), "play into %s%s%s: ", inst,
			    call[0] ? "/" : "", call);
		ask(t, PEND_PLAY, inst, call, label);
		str_copy(t->view.hint, sizeof(t->view.hint),
			 "Tab completes from sounds/ and the current "
			 "directory");
		return;
	}
	if (!strcmp(cmd->verb, "dtmf")) {
		re_snprintf(label, sizeof(label), "dtmf to %s%s%s: ", inst,
			    call[0] ? "/" : "", call);
		ask(t, PEND_DTMF, inst, call, label);
		return;
	}
	if (!strcmp(cmd->verb, "record")) {
		c = ui_model_call(t->model, call);
		(void)run(t, inst, call, "record", c && c->recording ?
			  "stop" : "start");
		return;
	}
	if (!strcmp(cmd->verb, "hold")) {
		/* held is what we did: the key takes it back */
		c = ui_model_call(t->model, call);
		(void)run(t, inst, call, c && !strcmp(c->state, "held") ?
			  "resume" : "hold", "");
		return;
	}
	if (!strcmp(cmd->verb, "transfer")) {
		re_snprintf(label, sizeof(label), "transfer %s/%s to: ", inst,
			    call);
		ask(t, PEND_TRANSFER, inst, call, label);
		offer_instances(t, inst);
		str_copy(t->view.hint + strlen(t->view.hint),
			 sizeof(t->view.hint) - strlen(t->view.hint),
			 "  --attended CALL  --accept  --decline");
		return;
	}
	(void)run(t, inst, call, cmd->verb, "");
}

/* ---- the ":" prompt ---- */

static void begin_quit(struct tui *t);

static bool console_command(struct tui *t, const char *line)
{
	char buf[256], *w[2];
	size_t n;
	int e;

	str_copy(buf, sizeof(buf), line);
	n = str_split(buf, w, 2);
	if (n == 0)
		return true;
	if (!strcmp(w[0], "save") || !strcmp(w[0], "w")) {
		if (n < 2) {
			ui_model_message(t->model, true, "save needs a FILE");
			return true;
		}
		e = session_save(t->session, w[1], t->replay_opts);
		if (e)
			ui_model_message(t->model, true, "cannot save %s: %s",
					 w[1], strerror(e));
		else
			ui_model_message(t->model, false, "saved %u actions "
					 "to %s", session_count(t->session),
					 w[1]);
		return true;
	}
	if (n == 1 && (!strcmp(w[0], "quit") || !strcmp(w[0], "q"))) {
		begin_quit(t);
		return true;
	}
	if (n == 1 && !strcmp(w[0], "help")) {
		t->view.help = true;
		return true;
	}
	return false;
}

/* "[INSTANCE:] VERB ARGS": a scenario line, for the selected instance
 * when it names none. */
static void run_line(struct tui *t, const char *line)
{
	char full[600], err[256], inst[32], call[32];
	const char *colon = strchr(line, ':'), *space = strchr(line, ' ');
	struct scn_step step;
	const struct ui_call *c;
	int e;

	if (console_command(t, line))
		return;

	key_target(t, inst, sizeof(inst), call, sizeof(call));
	if (colon && (!space || colon < space))
		str_copy(full, sizeof(full), line);
	else
		re_snprintf(full, sizeof(full), "%s: %s", inst, line);

	e = scenario_parse_line(&step, full, t->app->env.conf, err,
				sizeof(err));
	if (e) {
		ui_model_message(t->model, true, "%s: column %s", full, err);
		return;
	}
	if (step.cmd->target == CMD_FLOW) {
		ui_model_message(t->model, true, "'%s' only works in a "
				 "scenario", step.cmd->verb);
		return;
	}
	/* The call the line names, else the selected call when the line
	 * is for its instance. */
	c = selected_call(t);
	if (step.call[0])
		str_copy(call, sizeof(call), step.call);
	else if (!(c && c->inst && !strcmp(c->inst->name, step.inst) &&
		   ui_call_alive(c) && t->view.focus != PANE_INSTS))
		call[0] = '\0';
	(void)run(t, step.inst, call, step.cmd->verb, step.args);
}

static void complete(struct tui *t)
{
	const char *cands[PROMPT_MAX_CANDS];
	char *files[PROMPT_MAX_CANDS];
	size_t n = 0, nf;
	struct le *le;
	size_t ws = strlen(t->view.prompt_text);

	switch (t->pending) {

	case PEND_CALL:
	case PEND_OPTIONS:
	case PEND_TRANSFER:
		for (le = list_head(&t->model->insts); le; le = le->next) {
			const struct ui_inst *i = le->data;
			if (strcmp(i->name, t->pend_inst))
				cands[n++] = i->name;
		}
		prompt_complete(&t->view, cands, n);
		break;
	case PEND_PLAY:
		while (ws > 0 && t->view.prompt_text[ws - 1] != ' ')
			--ws;
		nf = prompt_files(files, ARRAY_SIZE(files),
				  t->view.prompt_text + ws);
		prompt_complete(&t->view, (const char *const *)files, nf);
		for (size_t i = 0; i < nf; i++)
			mem_deref(files[i]);
		break;
	case PEND_LINE: {
		size_t ncmd;
		const struct cmd *tab = cmd_table(&ncmd);
		static const char *const own[] = {"save", "quit", "help"};
		char names[64][40];
		size_t ni = 0;

		for (size_t i = 0; i < ncmd; i++)
			if (tab[i].target != CMD_FLOW)
				cands[n++] = tab[i].verb;
		for (size_t i = 0; i < ARRAY_SIZE(own); i++)
			cands[n++] = own[i];
		for (le = list_head(&t->model->insts); le && n + 1 <
			     ARRAY_SIZE(cands); le = le->next) {
			re_snprintf(names[ni], sizeof(names[ni]), "%s:",
				    ((struct ui_inst *)le->data)->name);
			cands[n++] = names[ni];
			if (++ni == ARRAY_SIZE(names))
				break;
		}
		prompt_complete(&t->view, cands, n);
		break;
	}
	default:
		break;
	}
}

static void prompt_done(struct tui *t)
{
	char text[256], first[64] = "";
	enum pending p = t->pending;
	struct le *le;

	str_copy(text, sizeof(text), t->view.prompt_text);
	/* An empty call prompt takes the first instance offered. */
	for (le = list_head(&t->model->insts);
	     le && (p == PEND_CALL || p == PEND_OPTIONS);
	     le = le->next) {
		const struct ui_inst *i = le->data;
		if (strcmp(i->name, t->pend_inst)) {
			str_copy(first, sizeof(first), i->name);
			break;
		}
	}
	prompt_end(&t->view);
	t->pending = PEND_NONE;

	/* Trim: completion leaves a blank behind a word. */
	for (size_t n = strlen(text); n && text[n - 1] == ' '; )
		text[--n] = '\0';

	switch (p) {

	case PEND_LINE:
		prompt_history_add(&t->history, text);
		run_line(t, text);
		break;
	case PEND_CALL:
		(void)run(t, t->pend_inst, "", "call", text[0] ? text :
			  first);
		break;
	case PEND_OPTIONS:
		(void)run(t, t->pend_inst, "", "options", text[0] ? text :
			  first);
		break;
	case PEND_PLAY:
		if (text[0])
			(void)run(t, t->pend_inst, t->pend_call, "play",
				  text);
		break;
	case PEND_DTMF:
		if (text[0])
			(void)run(t, t->pend_inst, t->pend_call, "dtmf",
				  text);
		break;
	case PEND_TRANSFER:
		if (text[0])
			(void)run(t, t->pend_inst, t->pend_call, "transfer",
				  text);
		break;
	default:
		break;
	}
}

static void prompt_input(struct tui *t, int ch)
{
	switch (prompt_key(&t->view, ch)) {

	case PROMPT_ENTER:
		prompt_done(t);
		break;
	case PROMPT_CANCEL:
		prompt_end(&t->view);
		t->pending = PEND_NONE;
		break;
	case PROMPT_TAB:
		complete(t);
		break;
	case PROMPT_PREV:
	case PROMPT_NEXT:
		if (t->pending == PEND_LINE)
			prompt_history_step(&t->history, &t->view,
					    ch == KEY_UP ? -1 : 1);
		break;
	default:
		break;
	}
}

/* ---- quitting ---- */

static void quit_now(struct tui *t)
{
	t->quitting = true;
	t->view.confirm[0] = '\0';
	if (t->model->nalive)
		ui_model_message(t->model, false, "hanging up %u call%s...",
				 t->model->nalive,
				 t->model->nalive == 1 ? "" : "s");
	app_quit(t->app);
}

static void begin_quit(struct tui *t)
{
	if (!t->model->nalive) {
		quit_now(t);
		return;
	}
	re_snprintf(t->view.confirm, sizeof(t->view.confirm),
		    "%u call%s up: hang up and quit? (y/n)", t->model->nalive,
		    t->model->nalive == 1 ? " is" : "s are");
}

/* ---- keys ---- */

static void switch_pane(struct tui *t)
{
	struct ui_view *v = &t->view;

	if (v->focus == PANE_INSTS)
		v->focus = PANE_CALLS;
	else if (v->focus == PANE_CALLS && v->detail && selected_call(t))
		v->focus = PANE_DETAIL;
	else
		v->focus = PANE_INSTS;
}

static void toggle_detail(struct tui *t)
{
	struct ui_view *v = &t->view;

	if (v->focus == PANE_INSTS) {
		v->focus = PANE_CALLS;
		return;
	}
	v->detail = !v->detail && selected_call(t);
	if (!v->detail && v->focus == PANE_DETAIL)
		v->focus = PANE_CALLS;
	v->detail_scroll = v->tab == TAB_SDP ? 0 : -1;
}

static void updown(struct tui *t, int dir)
{
	struct ui_view *v = &t->view;

	if (v->help)
		v->help_scroll = v->help_scroll + dir < 0 ? 0 :
			v->help_scroll + dir;
	else if (v->focus == PANE_INSTS)
		move_inst(t, dir);
	else if (v->focus == PANE_CALLS)
		move_call(t, dir);
	else
		scroll_detail(t, dir);
}

static void page(struct tui *t, int dir)
{
	int n = t->view.detail_rows > 1 ? t->view.detail_rows - 1 :
		LINES / 2 > 1 ? LINES / 2 : 1;

	if (t->view.help)
		t->view.help_scroll = t->view.help_scroll + dir * n < 0 ? 0 :
			t->view.help_scroll + dir * n;
	else
		scroll_detail(t, dir * n);
}

static void escape(struct tui *t)
{
	struct ui_view *v = &t->view;

	if (v->help)
		v->help = false;
	else if (v->detail) {
		v->detail = false;
		if (v->focus == PANE_DETAIL)
			v->focus = PANE_CALLS;
	}
}

static void set_tab(struct tui *t, int dir)
{
	struct ui_view *v = &t->view;

	if (!v->detail)
		return;
	v->tab = (enum ui_tab)(((int)v->tab + TAB_COUNT + dir) % TAB_COUNT);
	v->detail_scroll = v->tab == TAB_SDP ? 0 : -1;
}

static bool nav_key(struct tui *t, int ch)
{
	switch (ch) {

	case 'j': case KEY_DOWN: updown(t, 1); break;
	case 'k': case KEY_UP: updown(t, -1); break;
	case KEY_NPAGE: page(t, 1); break;
	case KEY_PPAGE: page(t, -1); break;
	case '\t': switch_pane(t); break;
	case '\n': case '\r': case KEY_ENTER: toggle_detail(t); break;
	case KEY_LEFT: set_tab(t, -1); break;
	case KEY_RIGHT: set_tab(t, 1); break;
	case KEY_ESCAPE: escape(t); break;
	case '?': t->view.help = !t->view.help; break;
	case 'q': case KEY_CTRL_C: begin_quit(t); break;
	case KEY_CTRL_L: clearok(curscr, TRUE); t->model->dirty = true;
		break;
	case ':':
		t->pending = PEND_LINE;
		t->history.pos = t->history.n;
		prompt_begin(&t->view, ":", "");
		break;
	default:
		return false;
	}
	return true;
}

void tui_key(struct tui *t, int ch)
{
	const struct cmd *tab;
	size_t n;

	if (t->view.prompting) {
		prompt_input(t, ch);
		return;
	}
	if (t->view.confirm[0]) {
		if (ch == 'y' || ch == 'Y')
			quit_now(t);
		else
			t->view.confirm[0] = '\0';
		return;
	}
	if (t->view.help && ch != '?' && ch != KEY_ESCAPE && ch != 'q' &&
	    ch != 'j' && ch != 'k' && ch != KEY_DOWN && ch != KEY_UP &&
	    ch != KEY_NPAGE && ch != KEY_PPAGE)
		return;
	if (t->view.help && ch == 'q') {
		t->view.help = false;
		return;
	}
	if (nav_key(t, ch) || t->quitting)
		return;

	tab = cmd_table(&n);
	for (size_t i = 0; i < n; i++) {
		if (tab[i].key && tab[i].key == ch) {
			command_key(t, &tab[i]);
			return;
		}
	}
	if (ch != KEY_RESIZE && ch < 0x7f && ch >= 0x20)
		ui_model_message(t->model, false, "'%c' does nothing here; "
				 "? lists the keys", ch);
}
