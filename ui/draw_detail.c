/* The detail pane of the selected call: the tab bar, then one of its
 * tabs: the SDP we sent and the SDP we received side by side, the SIP
 * ladder between our lifeline and the peer's, or the call's event log.
 * Each tab scrolls through v->detail_scroll (-1 follows the end). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <re.h>
#include <ncurses.h>
#include "draw_int.h"
#include "model.h"
#include "view.h"

enum {
	LADDER_MAXW = 72,  /* between the two lifelines */
};

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

/* What became of the received audio: made-up frames in the warning
 * colour, so a leg that plays silence while packets arrive stands out. */
static void rx_info(int y, int w, const struct ui_call *c)
{
	char b[160];
	bool bad = c->concealed || c->jb_dropped;
	int n;

	n = snprintf(b, sizeof(b), "rx lost %lld  concealed %llu  jb dropped "
		     "%llu  jitter %.1fms", (long long)c->lost,
		     (unsigned long long)c->concealed,
		     (unsigned long long)c->jb_dropped, c->jitter_ms);
	if (c->monitored && n > 0 && (size_t)n < sizeof(b))
		snprintf(b + n, sizeof(b) - (size_t)n, "  monitor %s delay "
			 "%lldms (max %lld of %lld) dropped %lldms",
			 c->mon_leg, (long long)c->mon_lat_ms,
			 (long long)c->mon_max_ms, (long long)c->mon_ceil_ms,
			 (long long)c->mon_drop_ms);
	put(y, 0, w, b, bad || (c->monitored && c->mon_drop_ms) ?
	    hl(HL_WAIT) : A_DIM);
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
	if (c->codec[0] && rows >= 4) {
		rx_info(++y, L->w, c);
		--rows;
	}
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

void draw_detail(const struct layout *L, struct ui_view *v,
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
