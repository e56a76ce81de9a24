/* What the draw files share and nothing else includes: the glyph and
 * color choice made once by draw_init(), the screen's layout, the text
 * primitives every pane writes with, and the panes draw_screen() calls.
 * The public interface stays ui/draw.h. */
#ifndef SIPFLOW_UI_DRAW_INT_H
#define SIPFLOW_UI_DRAW_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>
#include <ncurses.h>
#include "view.h"

struct ui_model;
struct ui_call;

/* ---- style: chosen in draw.c, used by every pane ---- */

/* Roles a piece of text can have; hl() maps them to color or, on a
 * monochrome terminal, to attributes.  Shared so that every pane asks
 * for a role, not a color. */
enum hl { HL_NONE, HL_OK, HL_WAIT, HL_ERR, HL_RETRANS, HL_HIGH, HL_REC };

/* The glyphs of one character set (UTF-8 or ASCII).  Shared because the
 * panes draw lines, arrows and indicators from it. */
struct glyphs {
	wchar_t hl, vl;                 /* line drawing, as one cell each */
	const char *vls;                /* the vertical line as text */
	wchar_t tl, tr, bl, br;         /* box corners */
	const char *in, *out;           /* the DIR column */
	const char *rec, *mon, *play;   /* indicator prefixes */
	const char *sep;                /* between title items */
	const char *dash;               /* in prose */
	const char *ell;                /* something left out */
	const char *cut;                /* a clipped name goes on */
	int dirw;                       /* DIR column width */
	const char *bridge;             /* a PBX leg's other leg: "<>c3" */
};

/* What draw_init() chose.  One instance, D, defined in draw.c: every
 * draw file reads it, only draw_init() writes it. */
struct draw_state {
	const struct glyphs *g;
	bool color;
};

extern struct draw_state D;

/* Rows of the screen; each pane's height includes its header row.
 * draw.c works it out once per frame and hands it to each pane. */
struct layout {
	int w, h;
	int inst_y, inst_h;
	int calls_y, calls_h;
	int det_y, det_h;          /* 0: the detail pane is closed */
	int status_y, msg_y;
};

/* Column arithmetic, everywhere; inline so that no file pays a call. */
static inline int imin(int a, int b)
{
	return a < b ? a : b;
}

static inline int imax(int a, int b)
{
	return a > b ? a : b;
}

/* The attribute of role H under the chosen colors (draw.c). */
attr_t hl(enum hl h);
/* A pane's header row: bold, marked when the pane has the focus. */
attr_t header_attr(const struct ui_view *v, enum ui_pane p);
/* A pane's row: reversed when selected in the focused pane. */
attr_t row_attr(const struct ui_view *v, enum ui_pane p, bool sel);

/* ---- text (draw_text.c): what every pane writes with ---- */

/* One character of S (at most LEN bytes): the wide characters that show
 * it (G, *NG of them), its display width and the bytes used.  Controls
 * show escaped (\x1b, \u009b), bytes that are not UTF-8 as U+FFFD. */
enum { GLYPHS_MAX = 6 };
size_t next_glyphs(const char *s, size_t len, wchar_t *g, int *ng, int *cw);
/* The same, for its width only (the help overlay wraps with it). */
size_t next_char(const char *s, size_t len, int *cw);
/* Write at most MAXW columns of S (LEN bytes or up to its NUL) at Y,X in
 * A, clipped to the screen; returns the columns written. */
int putn(int y, int x, int maxw, const char *s, size_t len, attr_t a);
/* putn() up to the NUL. */
int put(int y, int x, int maxw, const char *s, attr_t a);
/* put() of a printf() format. */
int putf(int y, int x, int maxw, attr_t a, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Display columns of S (LEN bytes or up to its NUL). */
int cols(const char *s, size_t len);
/* put(), but a name that does not fit ends in the cut mark. */
int put_cut(int y, int x, int maxw, const char *s, attr_t a);
/* Skip the first N columns of S; returns where the rest starts. */
const char *skip_cols(const char *s, int n);
/* Repeat WC N times from Y,X (lines, fills). */
void rep(int y, int x, int n, wchar_t wc, attr_t a);
/* Paint the whole row Y in A. */
void fill(int y, attr_t a);

/* Time in a state: 12s, 3m04s, 1h02m. */
void fmt_dur(char *b, size_t sz, double s);
/* A packet count in at most five columns: 12345, 1234k, 12M. */
void fmt_count(char *b, size_t sz, uint64_t n);
/* URI without "sip:" or "sips:". */
const char *strip_scheme(const char *uri);

/* ---- the panes, called by draw_screen() ---- */

/* draw_calls.c: they scroll V to keep the selection visible. */
void draw_insts(const struct layout *L, struct ui_view *v,
		const struct ui_model *m);
void draw_calls(const struct layout *L, struct ui_view *v,
		const struct ui_model *m, int idx);
/* draw_detail.c: C's SDP, ladder or log; writes V's detail fields. */
void draw_detail(const struct layout *L, struct ui_view *v,
		 const struct ui_call *c);
/* draw_help.c: the overlay; clamps v->help_scroll. */
void draw_help(const struct layout *L, struct ui_view *v);

#endif
