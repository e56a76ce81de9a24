/* The help overlay: a box over the whole screen with every key and what
 * it does (from keys_help(), long explanations wrapped under themselves)
 * and what the ':' prompt takes, scrolled by display line. */
#include <stdint.h>
#include <stdio.h>
#include <wchar.h>
#include <ncurses.h>
#include "draw_int.h"
#include "keys.h"
#include "view.h"

enum {
	HELP_ROWS = 64,    /* keys_help() rows asked for */
	HELP_KEYW = 14,    /* the KEY column of the help overlay */
};

static void draw_box(int y, int x, int h, int w)
{
	int i;

	for (i = 0; i < h; i++)
		rep(y + i, x, w, L' ', A_NORMAL);

	rep(y, x + 1, w - 2, D.g->hl, A_NORMAL);
	rep(y + h - 1, x + 1, w - 2, D.g->hl, A_NORMAL);
	for (i = 1; i < h - 1; i++) {
		rep(y + i, x, 1, D.g->vl, A_NORMAL);
		rep(y + i, x + w - 1, 1, D.g->vl, A_NORMAL);
	}
	rep(y, x, 1, D.g->tl, A_NORMAL);
	rep(y, x + w - 1, 1, D.g->tr, A_NORMAL);
	rep(y + h - 1, x, 1, D.g->bl, A_NORMAL);
	rep(y + h - 1, x + w - 1, 1, D.g->br, A_NORMAL);
}

/* The bytes of S that fit in W columns: all of it, or up to the last
 * space that fits (a word longer than W is cut). */
static size_t wrap_len(const char *s, int w)
{
	size_t i = 0, brk = 0;
	int used = 0;

	while (s[i]) {
		int cw;
		size_t k = next_char(s + i, SIZE_MAX, &cw);

		/* Always some progress, even when nothing fits. */
		if (used + cw > w)
			return brk ? brk : i ? i : k;
		if (s[i] == ' ')
			brk = i;
		used += cw;
		i += k;
	}
	return i;
}

/* Rows of TEXT wrapped to W columns; with Y0 >= 0, draw those of them
 * that fall in the help box's visible lines [FIRST, FIRST + N) at X,
 * numbering from LINE. */
struct help_pen {
	int y0, first, n, x, w;
};

static int help_text(const struct help_pen *p, int line, const char *text)
{
	int k = 0;

	do {
		size_t len = wrap_len(text, p->w);

		if (line + k >= p->first && line + k < p->first + p->n)
			putn(p->y0 + line + k - p->first, p->x, p->w, text,
			     len, A_NORMAL);
		text += len;
		while (*text == ' ')
			++text;
		++k;
	} while (*text && p->w > 0);

	return k;
}

/* The keys (long explanations wrap under themselves), a blank line, then
 * what ':' takes.  Scrolled by display line. */
static int help_lines(const struct help_pen *p,
		      const struct ui_key_help *rows, int n, int keyx)
{
	int line = 0, i;

	for (i = 0; i < n; i++) {
		if (line >= p->first && line < p->first + p->n)
			put(p->y0 + line - p->first, keyx, HELP_KEYW,
			    rows[i].key, A_BOLD);
		line += help_text(p, line, rows[i].what);
	}

	line += 1;
	if (line >= p->first && line < p->first + p->n)
		put(p->y0 + line - p->first, keyx, p->x + p->w - keyx,
		    ": takes scenario lines: [INSTANCE:] VERB ARGS, save FILE, "
		    "quit, help", A_DIM);
	return line + 1;
}

void draw_help(const struct layout *L, struct ui_view *v)
{
	struct ui_key_help rows[HELP_ROWS];
	size_t total = keys_help(rows, HELP_ROWS);
	int n = total < HELP_ROWS ? (int)total : HELP_ROWS;
	int mx = L->w >= 40 ? 2 : 0, my = L->h >= 12 ? 1 : 0;
	int bx = mx, by = my, bw = L->w - 2 * mx, bh = L->h - 2 * my;
	int keyx = bx + 2, lines;
	struct help_pen p;
	char title[64];

	if (bw < HELP_KEYW + 12 || bh < 3)
		return;

	draw_box(by, bx, bh, bw);
	snprintf(title, sizeof(title), " keys %s ? or Esc closes ", D.g->dash);
	put(by, bx + imax(1, (bw - cols(title, SIZE_MAX)) / 2), bw - 2,
	    title, A_BOLD);

	p.y0 = by + 1;
	p.n = bh - 2;
	p.x = keyx + HELP_KEYW + 1;
	p.w = bx + bw - 2 - p.x;

	/* Count first (nothing is visible from line -N), then draw. */
	p.first = -(1 << 20);
	lines = help_lines(&p, rows, n, keyx);
	v->help_scroll = imax(0, imin(v->help_scroll, lines - p.n));
	p.first = v->help_scroll;
	(void)help_lines(&p, rows, n, keyx);
}
