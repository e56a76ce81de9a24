/* The console's shared state, between its life cycle (tui.c) and its
 * key handling (tui_keys.c). */
#ifndef SIPFLOW_UI_TUI_INT_H
#define SIPFLOW_UI_TUI_INT_H

#include <stdbool.h>
#include <re.h>
#include "prompt.h"
#include "view.h"

struct app;
struct evsub;
struct session;
struct ui_model;

/* What the open prompt is for. */
enum pending { PEND_NONE, PEND_LINE, PEND_CALL, PEND_PLAY, PEND_DTMF,
	       PEND_OPTIONS, PEND_TRANSFER };

struct tui {
	struct app *app;
	char replay_opts[300];       /* for :save's replay hint */
	struct ui_model *model;
	struct evsub *sub;
	struct session *session;
	struct ui_view view;
	struct tmr tmr;
	struct prompt_history history;
	enum pending pending;
	char pend_inst[32];          /* who the prompt's command is for */
	char pend_call[16];
	char select_newest[32];      /* select this instance's next call */
	int errfd;                   /* captured stderr, or -1 */
	bool stdin_listening;
	bool quitting;
};

/* One key from the keyboard (ncurses code). */
void tui_key(struct tui *t, int ch);
/* Keep the selection on rows that exist (before every redraw). */
void tui_fix_selection(struct tui *t);

#endif
