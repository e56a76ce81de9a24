/* Text for the panes: every character goes through putn(), which counts
 * display columns rather than bytes, escapes what a terminal would obey
 * or misdraw (controls as \x1b, invalid UTF-8 as U+FFFD), clips to the width it is given and
 * never writes the bottom-right cell, which scrolls the screen on
 * terminals with automatic margins.  Also the small formatters the calls
 * pane and the detail pane share. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <ncurses.h>
#include "base/util.h"
#include "draw_int.h"

enum {
	WBUF = 128,        /* wide characters per addnwstr() call */
};

/* ---- text primitives ---- */

/* Columns that may be written from X on row Y: up to the right margin,
 * except that the last row keeps its last cell empty. */
static int room(int y, int x)
{
	if (y < 0 || y >= LINES || x < 0 || x >= COLS)
		return 0;

	return COLS - x - (y == LINES - 1 ? 1 : 0);
}

/* One character of S (at most LEN bytes) as the console shows it: the
 * wide characters to draw into G (at most GLYPHS_MAX, their count in
 * *NG), its display width in *CW, the bytes used as the result.  Nothing
 * a peer sends reaches the terminal raw: a control byte shows as \xNN,
 * a C1 control (U+0080-U+009F, which 8-bit terminals obey) as \u0085,
 * a byte that is not UTF-8 as U+FFFD (or '?' in a locale without it). */
size_t next_glyphs(const char *s, size_t len, wchar_t *g, int *ng, int *cw)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char ch = (unsigned char)*s;
	mbstate_t st;
	wchar_t wc;
	size_t k;

	*ng = 1;
	*cw = 1;
	if (ch == '\t' || (ch >= 0x20 && ch < 0x7f)) {
		g[0] = ch == '\t' ? L' ' : ch;
		return 1;
	}
	if (ch < 0x80) {
		g[0] = L'\\';
		g[1] = L'x';
		g[2] = hex[ch >> 4];
		g[3] = hex[ch & 15];
		*ng = *cw = 4;
		return 1;
	}

	memset(&st, 0, sizeof(st));
	k = mbrtowc(&wc, s, len, &st);
	if (k == 0 || k == (size_t)-1 || k == (size_t)-2 ||
	    (MB_CUR_MAX > 1 && !utf8_seq_len(s, len))) {
		g[0] = MB_CUR_MAX > 1 ? 0xfffd : L'?';
		return 1;
	}
	if (wc >= 0x80 && wc < 0xa0) {
		g[0] = L'\\';
		g[1] = L'u';
		g[2] = L'0';
		g[3] = L'0';
		g[4] = hex[(wc >> 4) & 15];
		g[5] = hex[wc & 15];
		*ng = *cw = 6;
		return k;
	}

	g[0] = wc;
	*cw = wcwidth(wc);
	if (*cw < 0) {
		g[0] = MB_CUR_MAX > 1 ? 0xfffd : L'?';
		*cw = 1;
	}
	return k;
}

size_t next_char(const char *s, size_t len, int *cw)
{
	wchar_t g[GLYPHS_MAX];
	int ng;

	return next_glyphs(s, len, g, &ng, cw);
}

/* Write at most MAXW columns of S (LEN bytes or up to its NUL) at Y,X in
 * attribute A; returns the columns written.  Zero-width characters are
 * dropped: rare in SIP text, and a column count that never lies matters
 * more here than combining accents. */
int putn(int y, int x, int maxw, const char *s, size_t len, attr_t a)
{
	wchar_t wb[WBUF];
	int n = 0, used = 0, bx = x;

	maxw = imin(maxw, room(y, x));
	if (!s || maxw <= 0)
		return 0;

	attrset(a);
	while (len > 0 && *s) {
		wchar_t g[GLYPHS_MAX];
		int cw, ng;
		size_t k = next_glyphs(s, len, g, &ng, &cw);

		if (used + cw > maxw)
			break;
		s += k;
		len -= k;
		if (!cw)
			continue;
		if (n + ng > WBUF) {
			mvaddnwstr(y, bx, wb, n);
			bx = x + used;
			n = 0;
		}
		for (int i = 0; i < ng; i++)
			wb[n++] = g[i];
		used += cw;
	}
	if (n)
		mvaddnwstr(y, bx, wb, n);

	return used;
}

int put(int y, int x, int maxw, const char *s, attr_t a)
{
	return putn(y, x, maxw, s, SIZE_MAX, a);
}

int putf(int y, int x, int maxw, attr_t a, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);

	return put(y, x, maxw, buf, a);
}

/* Display columns of S (LEN bytes or up to its NUL). */
int cols(const char *s, size_t len)
{
	int w = 0;

	while (s && len > 0 && *s) {
		int cw;
		size_t k = next_char(s, len, &cw);

		w += cw;
		s += k;
		len -= k;
	}
	return w;
}

/* Like put(), but a name that does not fit ends in a mark rather than
 * passing for a shorter name. */
int put_cut(int y, int x, int maxw, const char *s, attr_t a)
{
	int w;

	maxw = imin(maxw, room(y, x));
	if (maxw <= 0 || cols(s, SIZE_MAX) <= maxw)
		return put(y, x, maxw, s, a);

	w = put(y, x, maxw - 1, s, a);
	return w + put(y, x + w, 1, D.g->cut, a);
}

/* Skip the first N columns of S; returns where the rest starts. */
const char *skip_cols(const char *s, int n)
{
	while (n > 0 && *s) {
		int cw;

		s += next_char(s, SIZE_MAX, &cw);
		n -= cw;
	}
	return s;
}

/* Repeat the wide character WC N times from Y,X (lines, fills). */
void rep(int y, int x, int n, wchar_t wc, attr_t a)
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
void fill(int y, attr_t a)
{
	rep(y, 0, COLS, L' ', a);
}

/* ---- formatting ---- */

/* Time in a state: 12s, 3m04s, 1h02m. */
void fmt_dur(char *b, size_t sz, double s)
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
void fmt_count(char *b, size_t sz, uint64_t n)
{
	if (n < 100000)
		snprintf(b, sz, "%llu", (unsigned long long)n);
	else if (n < 10000000)
		snprintf(b, sz, "%lluk", (unsigned long long)(n / 1000));
	else
		snprintf(b, sz, "%lluM", (unsigned long long)(n / 1000000));
}

const char *strip_scheme(const char *uri)
{
	if (!strncmp(uri, "sip:", 4))
		return uri + 4;
	if (!strncmp(uri, "sips:", 5))
		return uri + 5;
	return uri;
}
