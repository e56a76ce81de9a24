/* Paint the console from the model and the view: the layout of the
 * screen, the title, status and message lines (or the prompt), and the
 * order in which the panes are drawn.  The glyphs and colors chosen by
 * draw_init() live here too.
 *
 * Every frame starts from erase() and paints only the rows that fit;
 * ncurses sends the terminal the difference.  All text goes through
 * putn() (draw_text.c). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <re.h>
#include <ncurses.h>
#include "draw.h"
#include "draw_int.h"
#include "model.h"
#include "view.h"

enum {
	MSG_FADE_S = 10,   /* an older message line is dimmed */
};

/* Color pairs; the numbers are ours, ncurses only needs them distinct. */
enum { CP_GREEN = 1, CP_YELLOW, CP_RED, CP_CYAN };

static const struct glyphs g_utf8 = {
	L'\u2500', L'\u2502', "\u2502",
	L'\u250c', L'\u2510', L'\u2514', L'\u2518',
	"\u2190in", "\u2192out", "\u25cf ", "\u266a", "\u25b6 ",
	"  \u00b7  ", "\u2014", "\u2026", "\u2026", 4, "\u21c4",
};

static const struct glyphs g_ascii = {
	L'-', L'|', "|",
	L'+', L'+', L'+', L'+',
	"in", "out", "REC ", "MON ", "> ",
	"  -  ", "-", "...", "~", 3, "<>",
};

/* ASCII and attributes until draw_init() has looked at the terminal. */
struct draw_state D = { &g_ascii, false };

/* ---- styles ---- */

attr_t hl(enum hl h)
{
	if (!D.color) {
		switch (h) {

		case HL_ERR:
		case HL_REC:
		case HL_HIGH:     return A_BOLD;
		case HL_RETRANS:  return A_BOLD | A_UNDERLINE;
		default:          return A_NORMAL;
		}
	}

	switch (h) {

	case HL_OK:       return COLOR_PAIR(CP_GREEN);
	case HL_WAIT:     return COLOR_PAIR(CP_YELLOW);
	case HL_ERR:      return COLOR_PAIR(CP_RED) | A_BOLD;
	case HL_RETRANS:  return COLOR_PAIR(CP_YELLOW) | A_BOLD;
	case HL_HIGH:     return COLOR_PAIR(CP_CYAN) | A_BOLD;
	case HL_REC:      return COLOR_PAIR(CP_RED);
	default:          return A_NORMAL;
	}
}

attr_t header_attr(const struct ui_view *v, enum ui_pane p)
{
	if (v->focus != p)
		return A_BOLD;
	return A_BOLD | (D.color ? COLOR_PAIR(CP_CYAN) : A_UNDERLINE);
}

attr_t row_attr(const struct ui_view *v, enum ui_pane p, bool sel)
{
	if (!sel)
		return A_NORMAL;
	return v->focus == p ? A_REVERSE : A_BOLD;
}

/* ---- layout ---- */

/* The detail pane takes most of the room, the instances pane shrinks
 * first and the calls pane keeps at least a few rows. */
static void layout(struct layout *L, const struct ui_model *m, bool detail)
{
	int body, inst_max;

	L->w = COLS;
	L->h = LINES;
	L->status_y = L->h - 2;
	L->msg_y = L->h - 1;
	body = L->h - 3;

	L->det_h = 0;
	if (detail) {
		L->det_h = imin(imax(12, body * 2 / 5), body - 4);
		if (L->det_h < 3)
			L->det_h = 0;
	}

	inst_max = imax(2, L->h / 4);
	if (L->det_h)
		inst_max = imin(inst_max, imax(2, (body - L->det_h) / 2));
	L->inst_h = imin(1 + imax(1, (int)m->ninsts), inst_max);
	L->inst_h = imax(0, imin(L->inst_h, body - L->det_h - 2));
	L->calls_h = imax(0, body - L->det_h - L->inst_h);

	L->inst_y = 1;
	L->calls_y = L->inst_y + L->inst_h;
	L->det_y = L->calls_y + L->calls_h;
}

/* ---- title, status and message line ---- */

static void draw_title(const struct layout *L, const struct ui_model *m)
{
	char t[32];
	int x, tw;

	fill(0, A_REVERSE);
	snprintf(t, sizeof(t), "t=%lds ", m->now > 0 ? (long)m->now : 0L);
	tw = cols(t, SIZE_MAX);

	x = put(0, 0, L->w - tw - 1, " sipflow", A_REVERSE | A_BOLD);
	putf(0, x, L->w - tw - 1 - x, A_REVERSE,
	     "%s%u instance%s%s%u call%s (%u up)",
	     D.g->sep, m->ninsts, m->ninsts == 1 ? "" : "s",
	     D.g->sep, m->ncalls, m->ncalls == 1 ? "" : "s", m->nalive);
	put(0, L->w - tw, tw, t, A_REVERSE);
}

static void draw_status(const struct layout *L, const struct ui_view *v)
{
	if (L->status_y < 1)
		return;
	fill(L->status_y, A_REVERSE);
	put(L->status_y, 1, L->w - 1, v->status, A_REVERSE);
}

/* The prompt, scrolled sideways so that the cursor stays on screen;
 * returns the cursor column. */
static int draw_prompt(const struct layout *L, const struct ui_view *v)
{
	size_t len = strlen(v->prompt_text);
	size_t cur = v->prompt_cursor < len ? v->prompt_cursor : len;
	const char *text = v->prompt_text;
	int y = L->msg_y, lw, area, cc;

	lw = put(y, 0, L->w / 2, v->prompt_label, A_BOLD);
	area = L->w - 1 - lw;
	cc = cols(text, cur);
	if (area > 0 && cc >= area) {
		text = skip_cols(text, cc - area + 1);
		cc = cols(text, cur - (size_t)(text - v->prompt_text));
	}
	put(y, lw, area, text, A_NORMAL);

	if (v->hint[0] && L->status_y - 1 > 0) {
		fill(L->status_y - 1, A_NORMAL);
		put(L->status_y - 1, 1, L->w - 1, v->hint, A_DIM);
	}
	return lw + cc;
}

static void draw_message(const struct layout *L, const struct ui_view *v,
			 const struct ui_model *m)
{
	attr_t a;

	if (v->confirm[0]) {
		put(L->msg_y, 0, L->w, v->confirm, A_BOLD);
		return;
	}
	if (!m->msg[0])
		return;

	a = m->msg_error ? hl(HL_ERR) : A_NORMAL;
	if (m->now - m->msg_t > MSG_FADE_S)
		a = (a & ~A_BOLD) | A_DIM;
	put(L->msg_y, 0, L->w, m->msg, a);
}

/* The selected call and its row number, or NULL and -1. */
static const struct ui_call *find_call(const struct ui_model *m,
				       const char *id, int *idx)
{
	struct le *le;
	int i = 0;

	*idx = -1;
	if (!id[0])
		return NULL;

	for (le = list_head(&m->calls); le; le = le->next, i++) {
		const struct ui_call *c = le->data;

		if (!strcmp(c->id, id)) {
			*idx = i;
			return c;
		}
	}
	return NULL;
}

/* ---- entry points ---- */

void draw_init(bool utf8, bool color)
{
	short bg = COLOR_BLACK;

	D.g = utf8 ? &g_utf8 : &g_ascii;
	D.color = color && has_colors() && start_color() == OK;
	if (!D.color)
		return;

	/* Keep the terminal's own background where it lets us. */
	if (use_default_colors() == OK)
		bg = -1;
	init_pair(CP_GREEN, COLOR_GREEN, bg);
	init_pair(CP_YELLOW, COLOR_YELLOW, bg);
	init_pair(CP_RED, COLOR_RED, bg);
	init_pair(CP_CYAN, COLOR_CYAN, bg);
}

void draw_screen(struct ui_view *v, const struct ui_model *m)
{
	const struct ui_call *sel;
	struct layout L;
	int idx, cx = 0;

	if (!v || !m)
		return;

	erase();
	if (LINES < 4 || COLS < 16) {
		put(0, 0, COLS, "sipflow: terminal too small", A_BOLD);
		return;
	}

	sel = find_call(m, v->sel_call, &idx);
	layout(&L, m, v->detail && sel);

	draw_title(&L, m);
	draw_insts(&L, v, m);
	draw_calls(&L, v, m, idx);
	if (L.det_h)
		draw_detail(&L, v, sel);
	draw_status(&L, v);
	if (v->prompting)
		cx = draw_prompt(&L, v);
	else
		draw_message(&L, v, m);
	if (v->help)
		draw_help(&L, v);

	/* Last, so that the terminal cursor sits in the prompt.  ncurses
	 * sends nothing when the visibility does not change, and a terminal
	 * that cannot hide the cursor is no reason to fail a frame. */
	if (v->prompting && !v->help) {
		(void)curs_set(1);
		move(L.msg_y, imin(cx, L.w - 1));
	}
	else {
		(void)curs_set(0);
	}
	attrset(A_NORMAL);
}
