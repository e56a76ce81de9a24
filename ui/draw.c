/* Paint the console from the model and the view.
 *
 * Every frame starts from erase() and paints only the rows that fit;
 * ncurses sends the terminal the difference.  All text goes through
 * putn(), which counts display columns rather than bytes, turns what a
 * terminal would misdraw (controls, invalid UTF-8) into '?', clips to the
 * width it is given and never writes the bottom-right cell, which scrolls
 * the screen on terminals with automatic margins. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <re.h>
#include <ncurses.h>
#include "model.h"
#include "view.h"
#include "keys.h"
#include "draw.h"

enum {
	WBUF = 128,        /* wide characters per addnwstr() call */
	HELP_ROWS = 64,    /* keys_help() rows asked for */
	HELP_KEYW = 14,    /* the KEY column of the help overlay */
	MSG_FADE_S = 10,   /* an older message line is dimmed */
	LADDER_MAXW = 72,  /* between the two lifelines */
};

/* Color pairs; the numbers are ours, ncurses only needs them distinct. */
enum { CP_GREEN = 1, CP_YELLOW, CP_RED, CP_CYAN };

/* Roles a piece of text can have; hl() maps them to color or, on a
 * monochrome terminal, to attributes. */
enum hl { HL_NONE, HL_OK, HL_WAIT, HL_ERR, HL_RETRANS, HL_HIGH, HL_REC };

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
};

static const struct glyphs g_utf8 = {
	L'\u2500', L'\u2502', "\u2502",
	L'\u250c', L'\u2510', L'\u2514', L'\u2518',
	"\u2190in", "\u2192out", "\u25cf ", "\u266a", "\u25b6 ",
	"  \u00b7  ", "\u2014", "\u2026", "\u2026", 4,
};

static const struct glyphs g_ascii = {
	L'-', L'|', "|",
	L'+', L'+', L'+', L'+',
	"in", "out", "REC ", "MON ", "> ",
	"  -  ", "-", "...", "~", 3,
};

static struct {
	const struct glyphs *g;
	bool color;
} D = { &g_ascii, false };

/* Rows of the screen; each pane's height includes its header row. */
struct layout {
	int w, h;
	int inst_y, inst_h;
	int calls_y, calls_h;
	int det_y, det_h;          /* 0: the detail pane is closed */
	int status_y, msg_y;
};

static int imin(int a, int b)
{
	return a < b ? a : b;
}

static int imax(int a, int b)
{
	return a > b ? a : b;
}

static attr_t hl(enum hl h)
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

/* ---- text primitives ---- */

/* Columns that may be written from X on row Y: up to the right margin,
 * except that the last row keeps its last cell empty. */
static int room(int y, int x)
{
	if (y < 0 || y >= LINES || x < 0 || x >= COLS)
		return 0;

	return COLS - x - (y == LINES - 1 ? 1 : 0);
}

/* Decode one character of S (at most LEN bytes): the wide character, its
 * display width and the bytes used.  Controls and invalid sequences show
 * as '?' so that the width we count is the width the terminal draws. */
static size_t next_char(const char *s, size_t len, wchar_t *wc, int *cw)
{
	unsigned char ch = (unsigned char)*s;
	mbstate_t st;
	size_t k;

	*cw = 1;
	if (ch < 0x80) {
		*wc = ch == '\t' ? L' ' : (ch >= 0x20 && ch < 0x7f) ? ch : L'?';
		return 1;
	}

	memset(&st, 0, sizeof(st));
	k = mbrtowc(wc, s, len, &st);
	if (k == 0 || k == (size_t)-1 || k == (size_t)-2) {
		*wc = L'?';
		return 1;
	}

	*cw = wcwidth(*wc);
	if (*cw < 0) {
		*wc = L'?';
		*cw = 1;
	}
	return k;
}

/* Write at most MAXW columns of S (LEN bytes or up to its NUL) at Y,X in
 * attribute A; returns the columns written.  Zero-width characters are
 * dropped: rare in SIP text, and a column count that never lies matters
 * more here than combining accents. */
static int putn(int y, int x, int maxw, const char *s, size_t len, attr_t a)
{
	wchar_t wb[WBUF];
	int n = 0, used = 0, bx = x;

	maxw = imin(maxw, room(y, x));
	if (!s || maxw <= 0)
		return 0;

	attrset(a);
	while (len > 0 && *s) {
		wchar_t wc;
		int cw;
		size_t k = next_char(s, len, &wc, &cw);

		if (used + cw > maxw)
			break;
		s += k;
		len -= k;
		if (!cw)
			continue;
		if (n == WBUF) {
			mvaddnwstr(y, bx, wb, n);
			bx = x + used;
			n = 0;
		}
		wb[n++] = wc;
		used += cw;
	}
	if (n)
		mvaddnwstr(y, bx, wb, n);

	return used;
}

static int put(int y, int x, int maxw, const char *s, attr_t a)
{
	return putn(y, x, maxw, s, SIZE_MAX, a);
}

static int putf(int y, int x, int maxw, attr_t a, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int putf(int y, int x, int maxw, attr_t a, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);

	return put(y, x, maxw, buf, a);
}

/* Display columns of S (LEN bytes or up to its NUL). */
static int cols(const char *s, size_t len)
{
	int w = 0;

	while (s && len > 0 && *s) {
		wchar_t wc;
		int cw;
		size_t k = next_char(s, len, &wc, &cw);

		w += cw;
		s += k;
		len -= k;
	}
	return w;
}

/* Like put(), but a name that does not fit ends in a mark rather than
 * passing for a shorter name. */
static int put_cut(int y, int x, int maxw, const char *s, attr_t a)
{
	int w;

	maxw = imin(maxw, room(y, x));
	if (maxw <= 0 || cols(s, SIZE_MAX) <= maxw)
		return put(y, x, maxw, s, a);

	w = put(y, x, maxw - 1, s, a);
	return w + put(y, x + w, 1, D.g->cut, a);
}

/* Skip the first N columns of S; returns where the rest starts. */
static const char *skip_cols(const char *s, int n)
{
	while (n > 0 && *s) {
		wchar_t wc;
		int cw;

		s += next_char(s, SIZE_MAX, &wc, &cw);
		n -= cw;
	}
	return s;
}

/* Repeat the wide character WC N times from Y,X (lines, fills). */
static void rep(int y, int x, int n, wchar_t wc, attr_t a)
{
	wchar_t wb[WBUF];
	int i;

	n = imin(n, room(y, x));
	if (n <= 0)
		return;

	for (i = 0; i < imin(n, WBUF); i++)
		wb[i] = wc;

	attrset(a);
	while (n > 0) {
		int k = imin(n, WBUF);

		mvaddnwstr(y, x, wb, k);
		x += k;
		n -= k;
	}
}

/* Paint the whole row Y in A: the background of bars and selections. */
static void fill(int y, attr_t a)
{
	rep(y, 0, COLS, L' ', a);
}

/* ---- formatting ---- */

/* Time in a state: 12s, 3m04s, 1h02m. */
static void fmt_dur(char *b, size_t sz, double s)
{
	unsigned long t = s > 0 ? (unsigned long)s : 0;

	if (t < 60)
		snprintf(b, sz, "%lus", t);
	else if (t < 3600)
		snprintf(b, sz, "%lum%02lus", t / 60, t % 60);
	else
		snprintf(b, sz, "%luh%02lum", t / 3600, t % 3600 / 60);
}

/* A packet count in at most five columns: 12345, 1234k, 12M. */
static void fmt_count(char *b, size_t sz, uint64_t n)
{
	if (n < 100000)
		snprintf(b, sz, "%llu", (unsigned long long)n);
	else if (n < 10000000)
		snprintf(b, sz, "%lluk", (unsigned long long)(n / 1000));
	else
		snprintf(b, sz, "%lluM", (unsigned long long)(n / 1000000));
}

static const char *strip_scheme(const char *uri)
{
	if (!strncmp(uri, "sip:", 4))
		return uri + 4;
	if (!strncmp(uri, "sips:", 5))
		return uri + 5;
	return uri;
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static bool call_gone(const struct ui_call *c)
{
	return !ui_call_alive(c);
}

static enum hl state_hl(const struct ui_call *c)
{
	const char *s = c->state;

	if (call_gone(c))
		return c->code >= 300 ? HL_ERR : HL_NONE;
	if (!strcmp(s, "established") || !strcmp(s, "held") ||
	    !strcmp(s, "remote_held"))
		return HL_OK;
	return HL_WAIT;
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

/* Keep the selected row IDX (or -1) among ROWS rows from *TOP, and keep
 * *TOP within the N rows. */
static void keep_visible(unsigned *top, int idx, int rows, int n)
{
	int t = (int)*top;

	if (rows <= 0)
		return;
	if (idx >= 0 && idx < t)
		t = idx;
	if (idx >= 0 && idx >= t + rows)
		t = idx - rows + 1;
	t = imax(0, imin(t, n - rows));
	*top = (unsigned)t;
}

/* "12-31/500" on the right of a pane header when not everything fits. */
static void draw_range(int y, int from, int rows, int n, attr_t a)
{
	char b[48];
	int w;

	if (n <= rows)
		return;

	snprintf(b, sizeof(b), " %d-%d/%d ", from + 1, imin(from + rows, n),
		 n);
	w = cols(b, SIZE_MAX);
	put(y, COLS - w, w, b, a);
}

static attr_t header_attr(const struct ui_view *v, enum ui_pane p)
{
	if (v->focus != p)
		return A_BOLD;
	return A_BOLD | (D.color ? COLOR_PAIR(CP_CYAN) : A_UNDERLINE);
}

static attr_t row_attr(const struct ui_view *v, enum ui_pane p, bool sel)
{
	if (!sel)
		return A_NORMAL;
	return v->focus == p ? A_REVERSE : A_BOLD;
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

/* ---- instances pane ---- */

enum { I_NAME, I_ADDR, I_REG, I_CALLS, I_AOR, I_SOURCE, I_N };

static void inst_cols(int w[I_N], int width)
{
	bool wide = width >= 120;

	w[I_NAME] = wide ? 16 : 10;
	w[I_ADDR] = wide ? 28 : 22;
	w[I_REG] = wide ? 14 : 10;
	w[I_CALLS] = 5;
	w[I_AOR] = width >= 170 ? 32 : 0;
	w[I_SOURCE] = width;   /* the rest; put() clips at the margin */
}

/* One row of F[] in columns W[]; the registration cell adds REG_A. */
static void inst_row(int y, const int w[I_N], const char *const f[I_N],
		     attr_t a, attr_t reg_a)
{
	int k, x = 0;

	for (k = 0; k < I_N && x < COLS; k++) {
		if (!w[k])
			continue;
		put_cut(y, x, w[k], f[k], a | (k == I_REG ? reg_a : 0));
		x += w[k] + 1;
	}
}

static int inst_index(const struct ui_model *m, const char *name)
{
	struct le *le;
	int i = 0;

	if (!name[0])
		return -1;

	for (le = list_head(&m->insts); le; le = le->next, i++) {
		const struct ui_inst *in = le->data;

		if (!strcmp(in->name, name))
			return i;
	}
	return -1;
}

static void inst_line(int y, const int w[I_N], const struct ui_inst *in,
		      attr_t a)
{
	char calls[16];
	const char *f[I_N];

	snprintf(calls, sizeof(calls), "%u", in->calls);
	f[I_NAME] = in->name;
	f[I_ADDR] = in->addr;
	f[I_REG] = in->reg[0] ? in->reg : "-";
	f[I_CALLS] = calls;
	f[I_AOR] = in->aor;
	f[I_SOURCE] = in->source;

	if (a != A_NORMAL)
		fill(y, a);
	inst_row(y, w, f, a, strstr(in->reg, "fail") ? hl(HL_ERR) : 0);
}

static void draw_insts(const struct layout *L, struct ui_view *v,
		       const struct ui_model *m)
{
	static const char *const title[I_N] = {
		"INSTANCE", "ADDRESS", "REG", "CALLS", "AOR", "SOURCE"
	};
	int rows = L->inst_h - 1, idx, i, y;
	attr_t ha = header_attr(v, PANE_INSTS);
	int w[I_N];
	struct le *le;

	if (L->inst_h <= 0)
		return;

	inst_cols(w, L->w);
	fill(L->inst_y, ha);
	inst_row(L->inst_y, w, title, ha, 0);

	idx = inst_index(m, v->sel_inst);
	keep_visible(&v->inst_top, idx, rows, (int)m->ninsts);
	draw_range(L->inst_y, (int)v->inst_top, rows, (int)m->ninsts, ha);

	if (!m->ninsts) {
		put(L->inst_y + 1, 1, L->w - 1, "no instances", A_DIM);
		return;
	}

	le = list_head(&m->insts);
	for (i = 0; le && i < (int)v->inst_top; i++)
		le = le->next;

	for (y = L->inst_y + 1; le && y < L->inst_y + L->inst_h;
	     le = le->next, y++, i++)
		inst_line(y, w, le->data, row_attr(v, PANE_INSTS, i == idx));
}

/* ---- calls pane ---- */

enum {
	K_ID, K_INST, K_DIR, K_PEER, K_STATE, K_CODEC, K_TX, K_RX,
	K_LOSS, K_JIT, K_DTMF, K_FLAGS, K_N
};

static const char *const ctitle[K_N] = {
	"ID", "INST", "DIR", "PEER", "STATE", "CODEC", "TX", "RX",
	"LOSS", "JIT", "DTMF", ""
};

/* What to give up, in order, until the columns fit: each step sets one
 * or two columns to a width (0 drops them).  The first line leads to the
 * 80-column layout (codec, packet counts and indicators kept); the
 * second is for narrower terminals.  FLAGS, with the one-way warning
 * first in it, stays to the very end. */
static const struct {
	signed char k1, k2, w;
} shrink[] = {
	{K_DTMF, -1, 0}, {K_TX, K_RX, 5}, {K_JIT, -1, 0}, {K_LOSS, -1, 0},
	{K_INST, -1, 7}, {K_FLAGS, -1, 12}, {K_PEER, -1, 10},

	{K_CODEC, -1, 0}, {K_TX, K_RX, 0}, {K_INST, -1, 0}, {K_DIR, -1, 0},
	{K_PEER, -1, 6}, {K_STATE, -1, 14}, {K_FLAGS, -1, 6},
};

static int cols_total(const int w[K_N])
{
	int k, sum = 0, n = 0;

	for (k = 0; k < K_N; k++) {
		if (w[k]) {
			sum += w[k];
			++n;
		}
	}
	return sum + imax(0, n - 1);
}

/* Call ids are handed out in order, so the newest is the longest; the
 * oldest is checked too in case a scenario named calls itself. */
static int id_width(const struct ui_model *m)
{
	const struct le *h = list_head(&m->calls), *t = list_tail(&m->calls);
	int w = 2;

	if (h)
		w = imax(w, (int)strlen(((const struct ui_call *)h->data)->id));
	if (t)
		w = imax(w, (int)strlen(((const struct ui_call *)t->data)->id));
	return imin(w, 8);
}

static void calls_cols(int w[K_N], const struct ui_model *m, int width)
{
	static const int full[K_N] = {
		0, 10, 0, 16, 18, 5, 11, 11, 5, 7, 18, 18
	};
	size_t i;
	int extra, grow;

	memcpy(w, full, sizeof(full));
	w[K_ID] = id_width(m);
	w[K_DIR] = D.g->dirw;

	for (i = 0; i < ARRAY_SIZE(shrink) && cols_total(w) > width; i++) {
		w[shrink[i].k1] = shrink[i].w;
		if (shrink[i].k2 >= 0)
			w[shrink[i].k2] = shrink[i].w;
	}

	/* Room to spare: the peer first, then the indicators (file names). */
	extra = width - cols_total(w);
	grow = imax(0, imin(extra, 40 - w[K_PEER]));
	w[K_PEER] += grow;
	if (w[K_FLAGS])
		w[K_FLAGS] += imax(0, extra - grow);
}

/* A row being written column by column. */
struct crow {
	int y, x;
	const int *w;
	attr_t a;
};

static void cell(struct crow *r, int k, const char *s, attr_t extra)
{
	if (!r->w[k])
		return;
	if (k == K_INST || k == K_PEER)
		put_cut(r->y, r->x, r->w[k], s, r->a | extra);
	else
		put(r->y, r->x, r->w[k], s, r->a | extra);
	r->x += r->w[k] + 1;
}

static void fmt_state(char *b, size_t sz, const struct ui_call *c,
		      double now)
{
	char d[32];

	if (call_gone(c)) {
		if (c->code)
			snprintf(b, sz, "terminated %d", c->code);
		else
			snprintf(b, sz, "terminated");
		return;
	}
	fmt_dur(d, sizeof(d), now - c->state_t);
	snprintf(b, sz, "%s %s", c->state, d);
}

/* "1234 50/s" when RATES, else the count alone. */
static void fmt_pkts(char *b, size_t sz, uint64_t n, double pps, bool rates)
{
	char cnt[16];

	fmt_count(cnt, sizeof(cnt), n);
	if (rates)
		snprintf(b, sz, "%s %.0f/s", cnt, pps);
	else
		snprintf(b, sz, "%s", cnt);
}

/* "rx:123# tx:45" in W columns: the latest digits matter most, so each
 * side keeps its tail. */
static void fmt_dtmf(char *b, size_t sz, const struct ui_call *c, int w)
{
	size_t rx = strlen(c->dtmf_rx), tx = strlen(c->dtmf_tx);
	size_t per = (size_t)imax(1, rx && tx ? (w - 7) / 2 : w - 3);
	int n = 0;

	b[0] = '\0';
	if (rx)
		n = snprintf(b, sz, "rx:%s",
			     c->dtmf_rx + (rx > per ? rx - per : 0));
	if (tx && n >= 0 && (size_t)n < sz)
		snprintf(b + n, sz - (size_t)n, "%stx:%s", rx ? " " : "",
			 c->dtmf_tx + (tx > per ? tx - per : 0));
}

static void media_cells(struct crow *r, const struct ui_call *c)
{
	bool media = c->codec[0] || c->tx_pkts || c->rx_pkts;
	bool rates = r->w[K_TX] >= 10;
	char b[48];

	snprintf(b, sizeof(b), "%.*s", (int)strcspn(c->codec, "/"),
		 c->codec);
	cell(r, K_CODEC, b, 0);

	fmt_pkts(b, sizeof(b), c->tx_pkts, c->tx_pps, rates);
	cell(r, K_TX, media ? b : "", 0);
	fmt_pkts(b, sizeof(b), c->rx_pkts, c->rx_pps, rates);
	cell(r, K_RX, media ? b : "", 0);

	snprintf(b, sizeof(b), "%lld", (long long)c->lost);
	cell(r, K_LOSS, media ? b : "", c->lost > 0 ? hl(HL_WAIT) : 0);
	snprintf(b, sizeof(b), "%.1fms", c->jitter_ms);
	cell(r, K_JIT, media ? b : "", 0);

	fmt_dtmf(b, sizeof(b), c, r->w[K_DTMF]);
	cell(r, K_DTMF, b, 0);
}

/* One indicator at *X before END: GLYPH in GA then TEXT, drawn only when
 * it fits whole (MINW: or when that much of TEXT fits, for file names). */
static void flag(const struct crow *r, int *x, int end, const char *glyph,
		 attr_t ga, const char *text, int minw)
{
	int gw = cols(glyph, SIZE_MAX), tw = cols(text, SIZE_MAX);

	if (gw + imin(tw, minw ? minw : tw) > end - *x)
		return;
	*x += put(r->y, *x, end - *x, glyph, r->a | ga);
	*x += put(r->y, *x, end - *x, text, r->a);
	*x += 1;
}

static void flag_cells(const struct crow *r, const struct ui_call *c,
		       double now)
{
	const char *ow;
	int x = r->x, end;

	if (!r->w[K_FLAGS])
		return;
	end = r->x + r->w[K_FLAGS];

	/* The warning first: it is the one thing that must show. */
	ow = call_gone(c) ? NULL : ui_call_oneway(c, now);
	if (ow)
		x += put(r->y, x, end - x, ow, r->a | hl(HL_ERR)) + 1;
	if (c->recording) {
		char d[32];

		fmt_dur(d, sizeof(d), now - c->rec_t);
		flag(r, &x, end, D.g->rec, hl(HL_REC), d, 0);
	}
	if (c->monitored)
		flag(r, &x, end, D.g->mon, hl(HL_HIGH), c->mon_leg, 0);
	if (c->playing)
		flag(r, &x, end, D.g->play, 0, basename_of(c->play_file), 4);
}

static void call_line(int y, const int w[K_N], const struct ui_call *c,
		      const struct ui_model *m, attr_t a)
{
	struct crow r = { y, 0, w, a };
	char b[64];

	if (a != A_NORMAL)
		fill(y, a);
	if (call_gone(c))
		r.a |= A_DIM;

	cell(&r, K_ID, c->id, 0);
	cell(&r, K_INST, c->inst ? c->inst->name : "?", 0);
	cell(&r, K_DIR, c->in ? D.g->in : D.g->out, 0);
	cell(&r, K_PEER, strip_scheme(c->peer), 0);
	fmt_state(b, sizeof(b), c, m->now);
	cell(&r, K_STATE, b, hl(state_hl(c)));
	media_cells(&r, c);
	flag_cells(&r, c, m->now);
}

static void calls_header(int y, const int w[K_N], attr_t a)
{
	int k, x = 0;

	fill(y, a);
	for (k = 0; k < K_N; k++) {
		if (!w[k])
			continue;
		put(y, x, w[k], ctitle[k], a);
		x += w[k] + 1;
	}
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

static void draw_calls(const struct layout *L, struct ui_view *v,
		       const struct ui_model *m, int idx)
{
	int rows = L->calls_h - 1, w[K_N], i, y;
	attr_t ha = header_attr(v, PANE_CALLS);
	struct le *le;

	if (L->calls_h <= 0)
		return;

	calls_cols(w, m, L->w);
	calls_header(L->calls_y, w, ha);
	keep_visible(&v->call_top, idx, rows, (int)m->ncalls);
	draw_range(L->calls_y, (int)v->call_top, rows, (int)m->ncalls, ha);

	if (!m->ncalls) {
		putf(L->calls_y + 1, 1, L->w - 1, A_DIM,
		     "no calls %s press c to call", D.g->dash);
		return;
	}

	/* Only the rows on screen cost anything beyond this walk. */
	le = list_head(&m->calls);
	for (i = 0; le && i < (int)v->call_top; i++)
		le = le->next;

	for (y = L->calls_y + 1; le && y < L->calls_y + L->calls_h;
	     le = le->next, y++, i++)
		call_line(y, w, le->data, m, row_attr(v, PANE_CALLS, i == idx));
}

/* ---- detail pane ---- */

/* The first of TOTAL lines to show in ROWS rows: v->detail_scroll, or
 * the end when it is -1 (follow).  A clamped value is written back. */
static int detail_first(struct ui_view *v, int total, int rows)
{
	int last = imax(0, total - imax(rows, 0));

	v->detail_rows = rows;
	v->detail_total = total;
	if (v->detail_scroll == -1)
		return last;

	v->detail_scroll = imax(0, imin(v->detail_scroll, last));
	return v->detail_scroll;
}

static void draw_tabs(const struct layout *L, const struct ui_view *v,
		      const struct ui_call *c)
{
	static const char *const names[TAB_COUNT] = {
		" SDP ", " Ladder ", " Log "
	};
	int y = L->det_y, x = 1, i, rw;
	attr_t la = v->focus == PANE_DETAIL ? header_attr(v, PANE_DETAIL)
					    : A_NORMAL;
	char right[160];

	rep(y, 0, L->w, D.g->hl, la);
	for (i = 0; i < TAB_COUNT; i++) {
		if (i)
			x += put(y, x, L->w - x, D.g->vls, la);
		x += put(y, x, L->w - x, names[i],
			 (int)v->tab == i ? A_REVERSE | A_BOLD : A_BOLD);
	}

	snprintf(right, sizeof(right), " %s %s ", c->id,
		 strip_scheme(c->peer));
	rw = cols(right, SIZE_MAX);
	x = imax(x + 2, L->w - 1 - rw);
	put_cut(y, x, L->w - 1 - x, right, A_BOLD);
}

/* The next line of a body at *P without its "\r\n"; NULL at the end. */
static const char *next_line(const char **p, size_t *len)
{
	const char *s = *p, *e;

	if (!s || !*s)
		return NULL;

	e = strchr(s, '\n');
	*len = e ? (size_t)(e - s) : strlen(s);
	*p = e ? e + 1 : s + *len;
	if (*len && s[*len - 1] == '\r')
		--*len;
	return s;
}

static int count_lines(const char *body)
{
	const char *p = body;
	size_t n;
	int k = 0;

	if (!body)
		return 1;   /* "(none yet)" */
	while (next_line(&p, &n))
		++k;
	return k;
}

static bool line_is(const char *s, size_t n, const char *what)
{
	size_t k = strlen(what);

	return n >= k && !strncmp(s, what, k);
}

/* The lines worth finding at a glance: the media line, the rtpmap of the
 * payload type in use and the direction. */
static bool sdp_key(const char *s, size_t n, const struct ui_call *c)
{
	static const char *const dirs[] = {
		"a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive"
	};
	char pfx[32];
	size_t i;

	if (line_is(s, n, "m="))
		return true;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (n == strlen(dirs[i]) && line_is(s, n, dirs[i]))
			return true;
	}

	if (!c->codec[0])
		return false;
	snprintf(pfx, sizeof(pfx), "a=rtpmap:%d ", c->pt);
	return line_is(s, n, pfx);
}

static void sdp_col(int y, int x, int w, int rows, int first,
		    const char *body, const struct ui_call *c)
{
	const char *p = body, *s;
	size_t n;
	int i = 0;

	if (!body) {
		if (!first && rows > 0)
			put(y, x, w, "(none yet)", A_DIM);
		return;
	}

	while (i < first + rows && (s = next_line(&p, &n)) != NULL) {
		if (i >= first)
			putn(y + i - first, x, w, s, n,
			     sdp_key(s, n, c) ? hl(HL_HIGH) : A_NORMAL);
		++i;
	}
}

static void media_info(int y, int w, const struct ui_call *c)
{
	const char *gap = "  ";
	char b[256];

	if (!c->codec[0]) {
		put(y, 0, w, "no media yet", A_DIM);
		return;
	}

	/* Two spaces between the groups when they fit, one when not. */
	for (;;) {
		snprintf(b, sizeof(b), "codec %s pt %d%sdir %s%slocal %s%s"
			 "remote %s", c->codec, c->pt, gap,
			 c->mdir[0] ? c->mdir : "-", gap,
			 c->local[0] ? c->local : "-", gap,
			 c->remote[0] ? c->remote : "-");
		if (gap[1] == '\0' || cols(b, SIZE_MAX) <= w)
			break;
		gap = " ";
	}
	put(y, 0, w, b, A_NORMAL);
}

/* Local on the left, remote on the right, a line between. */
static void draw_sdp(const struct layout *L, struct ui_view *v,
		     const struct ui_call *c, int y, int rows)
{
	int half = (L->w - 1) / 2, xr = half + 2, wl = half - 1;
	int wr = L->w - xr, body, first, i;

	if (rows <= 0)
		return;
	media_info(y, L->w, c);
	if (rows < 2)
		return;

	put(y + 1, 0, wl, "local (we sent)", A_BOLD);
	put(y + 1, xr, wr, "remote (we received)", A_BOLD);
	for (i = 1; i < rows; i++)
		put(y + i, half, 1, D.g->vls, A_DIM);

	body = rows - 2;
	first = detail_first(v, imax(count_lines(c->sdp_local),
				     count_lines(c->sdp_remote)), body);
	sdp_col(y + 2, 0, wl, body, first, c->sdp_local, c);
	sdp_col(y + 2, xr, wr, body, first, c->sdp_remote, c);
}

/* Columns of "%7.3f" for times up to T: seven, more after 1000 s. */
static int time_width(double t)
{
	return imax(7, snprintf(NULL, 0, "%7.3f", t));
}

/* Columns of the ladder: the time, our lifeline, the peer's, and the
 * CSeq (0 when too narrow for it). */
struct lgeo {
	int tw, xl, xr, cx;
};

static void ladder_geo(struct lgeo *g, int w, double tmax)
{
	int cw = w >= 70 ? 16 : 0;

	/* Arrows longer than this only make the labels harder to follow. */
	g->tw = time_width(tmax);
	g->xl = g->tw + 1;
	g->xr = imin(w - 2 - cw, g->xl + LADDER_MAXW);
	g->cx = cw ? g->xr + 2 : 0;
}

/* A request shows its method, a response "CODE REASON". */
static void ladder_label(char *b, size_t sz, const struct ui_sipmsg *s)
{
	const char *fl = s->first_line, *sp;
	int n;

	if (!strncmp(fl, "SIP/", 4) && (sp = strchr(fl, ' ')) != NULL) {
		fl = sp + 1;
		n = (int)strlen(fl);
	}
	else {
		n = (int)strcspn(fl, " ");
	}
	snprintf(b, sz, "%.*s%s", n, fl, s->retrans ? " (retrans)" : "");
}

static attr_t label_attr(const struct ui_sipmsg *s)
{
	const char *sp = strchr(s->first_line, ' ');

	if (s->retrans)
		return hl(HL_RETRANS);
	if (!strncmp(s->first_line, "SIP/", 4) && sp && sp[1] >= '4')
		return hl(HL_ERR);
	return A_NORMAL;
}

static void ladder_head(int y, const struct lgeo *g, const struct ui_call *c)
{
	int half = imax(1, (g->xr - g->xl) / 2), x, pw;
	const char *peer = strip_scheme(c->peer);

	x = g->xl + put_cut(y, g->xl, half, c->inst ? c->inst->name : "?",
			    A_BOLD);
	if (c->inst)
		put_cut(y, x + 1, g->xl + half - x - 1, c->inst->addr, A_DIM);

	pw = imin(cols(peer, SIZE_MAX), half - 1);
	put_cut(y, g->xr + 1 - pw, pw, peer, A_BOLD);
}

static void ladder_row(int y, const struct lgeo *g, const struct ui_sipmsg *s,
		       double t0)
{
	attr_t a = s->retrans ? hl(HL_RETRANS) : A_NORMAL;
	int aw = g->xr - g->xl - 1, x;
	char lab[128];

	putf(y, 0, g->tw, A_DIM, "%7.3f", s->t - t0);
	if (g->cx)
		put(y, g->cx, COLS - g->cx, s->cseq, A_DIM);
	if (aw < 6)
		return;

	ladder_label(lab, sizeof(lab), s);
	if (s->tx) {
		rep(y, g->xl + 1, 2, D.g->hl, a);
		x = g->xl + 3;
		x += put(y, x, aw - 4, lab, label_attr(s));
		rep(y, x, g->xr - 1 - x, D.g->hl, a);
		put(y, g->xr - 1, 1, ">", a);
	}
	else {
		put(y, g->xl + 1, 1, "<", a);
		rep(y, g->xl + 2, 2, D.g->hl, a);
		x = g->xl + 4;
		x += put(y, x, aw - 4, lab, label_attr(s));
		rep(y, x, g->xr - x, D.g->hl, a);
	}
}

static void draw_ladder(const struct layout *L, struct ui_view *v,
			const struct ui_call *c, int y, int rows)
{
	int extra = c->ladder_dropped ? 1 : 0, first, i;
	struct le *le = list_head(&c->ladder), *tail = list_tail(&c->ladder);
	double t0 = le ? ((const struct ui_sipmsg *)le->data)->t : 0;
	struct lgeo g;

	if (rows <= 0)
		return;
	ladder_geo(&g, L->w,
		   tail ? ((const struct ui_sipmsg *)tail->data)->t - t0 : 0);
	ladder_head(y, &g, c);

	for (i = 1; i < rows; i++) {
		put(y + i, g.xl, 1, D.g->vls, A_DIM);
		put(y + i, g.xr, 1, D.g->vls, A_DIM);
	}

	first = detail_first(v, (int)c->ladder_n + extra, rows - 1);
	i = 0;
	if (extra && first == 0) {
		putf(y + 1, g.xl + 2, g.xr - g.xl - 3, A_DIM,
		     "%s %u earlier messages not kept", D.g->ell,
		     c->ladder_dropped);
		i = 1;
	}
	for (first = imax(0, first - extra); le && first > 0; first--)
		le = le->next;

	for (; le && i < rows - 1; le = le->next, i++)
		ladder_row(y + 1 + i, &g, le->data, t0);
}

static void draw_log(const struct layout *L, struct ui_view *v,
		     const struct ui_call *c, int y, int rows)
{
	struct le *le = list_head(&c->log), *tail = list_tail(&c->log);
	int first = detail_first(v, (int)c->log_n, rows), i, tw;

	/* The newest time is the widest: all rows line up with it. */
	tw = time_width(tail ? ((const struct ui_logline *)tail->data)->t : 0);
	for (; le && first > 0; first--)
		le = le->next;

	for (i = 0; le && i < rows; le = le->next, i++) {
		const struct ui_logline *lt = le->data;
		attr_t a = lt->error ? hl(HL_ERR) : A_NORMAL;

		putf(y + i, 0, tw, A_DIM, "%7.3f", lt->t);
		put(y + i, tw + 1, L->w - tw - 1, lt->text, a);
	}
}

static void draw_detail(const struct layout *L, struct ui_view *v,
			const struct ui_call *c)
{
	int y = L->det_y + 1, rows = L->det_h - 1;

	draw_tabs(L, v, c);

	switch (v->tab) {

	case TAB_SDP:     draw_sdp(L, v, c, y, rows);     break;
	case TAB_LADDER:  draw_ladder(L, v, c, y, rows);  break;
	case TAB_LOG:     draw_log(L, v, c, y, rows);     break;
	default:          break;
	}
}

/* ---- help overlay ---- */

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
		wchar_t wc;
		int cw;
		size_t k = next_char(s + i, SIZE_MAX, &wc, &cw);

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

static void draw_help(const struct layout *L, struct ui_view *v)
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
