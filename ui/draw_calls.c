/* The instances pane and the calls pane: which columns fit the width,
 * the cells of a row, the indicators (one-way warning, recording,
 * monitoring, playing) and scrolling that keeps the selection in view.
 * Only the rows on screen are formatted. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <re.h>
#include <ncurses.h>
#include "draw_int.h"
#include "model.h"
#include "view.h"

/* ---- both panes ---- */

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

/* ---- instances pane ---- */

enum { I_NAME, I_ADDR, I_REG, I_CALLS, I_AOR, I_SOURCE, I_N };

static void inst_cols(int w[I_N], int width)
{
	bool wide = width >= 120;

	w[I_NAME] = wide ? 16 : 10;
	w[I_ADDR] = wide ? 28 : 22;
	w[I_REG] = wide ? 14 : 12;   /* "unregistered" */
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
	char calls[16], binds[256];
	const char *f[I_N];

	snprintf(calls, sizeof(calls), "%u", in->calls);
	f[I_NAME] = in->name;
	f[I_ADDR] = in->addr;
	f[I_REG] = in->reg[0] ? in->reg : "-";
	f[I_CALLS] = calls;
	f[I_AOR] = in->aor;
	f[I_SOURCE] = in->source;
	if (in->pbx) {
		/* a PBX's registrations take the place of its (silent)
		 * source */
		ui_inst_bindings(in, binds, sizeof(binds));
		f[I_SOURCE] = binds;
	}

	if (a != A_NORMAL)
		fill(y, a);
	inst_row(y, w, f, a, strstr(in->reg, "fail") ? hl(HL_ERR) : 0);
}

void draw_insts(const struct layout *L, struct ui_view *v,
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
 * 80-column layout: the packet counts keep their rates, which show the
 * media flowing, so the peer and then the instance (also on the status
 * line and in the detail pane) give way first; the codec and 11 to 13
 * columns of indicators stay.  The second line is for narrower
 * terminals.  FLAGS, with the one-way warning first in it, stays to the
 * very end. */
static const struct {
	signed char k1, k2, w;
} shrink[] = {
	{K_DTMF, -1, 0}, {K_JIT, -1, 0}, {K_LOSS, -1, 0}, {K_FLAGS, -1, 13},
	{K_TX, K_RX, 10}, {K_PEER, -1, 10}, {K_INST, -1, 7}, {K_INST, -1, 0},
	{K_FLAGS, -1, 11},

	{K_TX, K_RX, 5}, {K_CODEC, -1, 0}, {K_TX, K_RX, 0}, {K_DIR, -1, 0},
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

/* "1234 50/s" in W columns, or the count alone when W is too narrow for
 * a rate.  The rate is what shows the media moving, so when both do not
 * fit the count is rounded down first: "12345 100/s" becomes "12k 100/s". */
static void fmt_pkts(char *b, size_t sz, uint64_t n, double pps, int w)
{
	static const char *const unit[] = { "k", "M" };
	uint64_t div = 1;
	char cnt[24];
	size_t i;

	fmt_count(cnt, sizeof(cnt), n);
	if (w < 10) {
		snprintf(b, sz, "%s", cnt);
		return;
	}

	snprintf(b, sz, "%s %.0f/s", cnt, pps);
	for (i = 0; i < ARRAY_SIZE(unit) && cols(b, SIZE_MAX) > w; i++) {
		div *= 1000;
		if (n < div)
			break;
		snprintf(cnt, sizeof(cnt), "%llu%s",
			 (unsigned long long)(n / div), unit[i]);
		snprintf(b, sz, "%s %.0f/s", cnt, pps);
	}
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
	char b[48];

	snprintf(b, sizeof(b), "%.*s", (int)strcspn(c->codec, "/"),
		 c->codec);
	cell(r, K_CODEC, b, 0);

	fmt_pkts(b, sizeof(b), c->tx_pkts, c->tx_pps, r->w[K_TX]);
	cell(r, K_TX, media ? b : "", 0);
	fmt_pkts(b, sizeof(b), c->rx_pkts, c->rx_pps, r->w[K_RX]);
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
	if (c->monitored) {
		char t[32];

		/* the delay the operator hears, red once audio was dropped */
		snprintf(t, sizeof(t), "%s %lldms", c->mon_leg,
			 (long long)c->mon_lat_ms);
		flag(r, &x, end, D.g->mon, c->mon_drop_ms ? hl(HL_ERR) :
		     hl(HL_HIGH), t, (int)strlen(c->mon_leg));
	}
	if (c->playing)
		flag(r, &x, end, D.g->play, 0, c->play_file, 4);
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
	if (c->bridge[0]) {
		/* a PBX leg: the other leg first, then who this one is to */
		snprintf(b, sizeof(b), "%s%s %s", D.g->bridge, c->bridge,
			 strip_scheme(c->peer));
		cell(&r, K_PEER, b, 0);
	}
	else {
		cell(&r, K_PEER, strip_scheme(c->peer), 0);
	}
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

void draw_calls(const struct layout *L, struct ui_view *v,
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
