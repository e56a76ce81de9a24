/* What the operator is looking at: selection, focus, open panes and the
 * prompt.  The key handler changes it; draw.c renders it with the model. */
#ifndef SIPFLOW_UI_VIEW_H
#define SIPFLOW_UI_VIEW_H

#include <stdbool.h>
#include <stddef.h>

enum ui_pane { PANE_INSTS, PANE_CALLS, PANE_DETAIL };
enum ui_tab { TAB_SDP, TAB_LADDER, TAB_LOG, TAB_COUNT };

struct ui_view {
	enum ui_pane focus;
	char sel_inst[32];     /* selected instance name, "" none */
	char sel_call[16];     /* selected call id, "" none */
	bool detail;           /* the detail pane is open */
	enum ui_tab tab;       /* what the detail pane shows */
	int detail_scroll;     /* first line shown; -1: follow the end */
	unsigned inst_top;     /* first instance row shown (draw keeps the */
	unsigned call_top;     /*  selection visible and updates these) */
	int detail_rows;       /* written by draw: the detail pane's height */
	int detail_total;      /*  and how many lines its tab has */
	bool help;             /* the help overlay is up */
	int help_scroll;

	bool prompting;        /* the message line is a prompt */
	char prompt_label[64]; /* "call from alice to: " */
	char prompt_text[256];
	size_t prompt_cursor;  /* byte offset in prompt_text */
	char hint[256];        /* completions or offers, shown above it */

	char status[512];      /* what the keys do here (keys_status) */
	char confirm[160];     /* a y/n question on the message line */
};

#endif
