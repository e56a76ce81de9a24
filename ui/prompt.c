/* The message-line editor.  Keys arrive one at a time from the loop, so
 * the editor never waits; what a completed line means is the caller's. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <ncurses.h>
#include <re.h>
#include "base/util.h"
#include "prompt.h"
#include "view.h"

enum { KEY_CTRL_A = 1, KEY_CTRL_E = 5, KEY_CTRL_G = 7, KEY_CTRL_U = 21,
       KEY_CTRL_W = 23, KEY_ESCAPE = 27, KEY_DEL = 127 };

void prompt_begin(struct ui_view *v, const char *label, const char *text)
{
	v->prompting = true;
	str_copy(v->prompt_label, sizeof(v->prompt_label), label);
	v->hint[0] = '\0';
	prompt_set(v, text);
}

void prompt_end(struct ui_view *v)
{
	v->prompting = false;
	v->prompt_label[0] = v->prompt_text[0] = v->hint[0] = '\0';
	v->prompt_cursor = 0;
}

void prompt_set(struct ui_view *v, const char *text)
{
	str_copy(v->prompt_text, sizeof(v->prompt_text), text);
	v->prompt_cursor = strlen(v->prompt_text);
}

static void insert_char(struct ui_view *v, char ch)
{
	size_t len = strlen(v->prompt_text);

	if (len + 1 >= sizeof(v->prompt_text))
		return;
	memmove(v->prompt_text + v->prompt_cursor + 1,
		v->prompt_text + v->prompt_cursor,
		len - v->prompt_cursor + 1);
	v->prompt_text[v->prompt_cursor++] = ch;
}

/* Remove the bytes [from, v->prompt_cursor). */
static void cut_before_cursor(struct ui_view *v, size_t from)
{
	size_t len = strlen(v->prompt_text);

	memmove(v->prompt_text + from, v->prompt_text + v->prompt_cursor,
		len - v->prompt_cursor + 1);
	v->prompt_cursor = from;
}

static size_t word_start(const struct ui_view *v)
{
	size_t i = v->prompt_cursor;

	while (i > 0 && v->prompt_text[i - 1] == ' ')
		--i;
	while (i > 0 && v->prompt_text[i - 1] != ' ')
		--i;
	return i;
}

enum prompt_result prompt_key(struct ui_view *v, int ch)
{
	size_t len = strlen(v->prompt_text);

	switch (ch) {

	case '\n': case '\r': case KEY_ENTER:
		return PROMPT_ENTER;
	case KEY_ESCAPE: case KEY_CTRL_G:
		return PROMPT_CANCEL;
	case '\t':
		return PROMPT_TAB;
	case KEY_UP:
		return PROMPT_PREV;
	case KEY_DOWN:
		return PROMPT_NEXT;
	case KEY_BACKSPACE: case KEY_DEL: case '\b':
		if (v->prompt_cursor > 0)
			cut_before_cursor(v, v->prompt_cursor - 1);
		break;
	case KEY_DC:
		if (v->prompt_cursor < len) {
			++v->prompt_cursor;
			cut_before_cursor(v, v->prompt_cursor - 1);
		}
		break;
	case KEY_LEFT:
		if (v->prompt_cursor > 0)
			--v->prompt_cursor;
		break;
	case KEY_RIGHT:
		if (v->prompt_cursor < len)
			++v->prompt_cursor;
		break;
	case KEY_HOME: case KEY_CTRL_A:
		v->prompt_cursor = 0;
		break;
	case KEY_END: case KEY_CTRL_E:
		v->prompt_cursor = len;
		break;
	case KEY_CTRL_U:
		cut_before_cursor(v, 0);
		break;
	case KEY_CTRL_W:
		cut_before_cursor(v, word_start(v));
		break;
	default:
		/* Printable ASCII; names, URIs and paths need nothing else. */
		if (ch >= 0x20 && ch < 0x7f)
			insert_char(v, (char)ch);
		break;
	}
	v->hint[0] = '\0';
	return PROMPT_EDIT;
}

void prompt_history_add(struct prompt_history *h, const char *line)
{
	if (!line[0] || (h->n && !strcmp(h->lines[h->n - 1], line))) {
		h->pos = h->n;
		return;
	}
	if (h->n == PROMPT_HISTORY) {
		memmove(h->lines[0], h->lines[1],
			sizeof(h->lines[0]) * (PROMPT_HISTORY - 1));
		--h->n;
	}
	str_copy(h->lines[h->n++], sizeof(h->lines[0]), line);
	h->pos = h->n;
}

void prompt_history_step(struct prompt_history *h, struct ui_view *v,
			 int dir)
{
	if (dir < 0 && h->pos > 0)
		--h->pos;
	else if (dir > 0 && h->pos < h->n)
		++h->pos;
	else
		return;
	prompt_set(v, h->pos < h->n ? h->lines[h->pos] : "");
}

static size_t common_prefix(const char *const *cands, size_t n)
{
	size_t len;

	if (!n)
		return 0;
	len = strlen(cands[0]);
	for (size_t i = 1; i < n; i++) {
		size_t k = 0;

		while (k < len && cands[i][k] == cands[0][k])
			++k;
		len = k;
	}
	return len;
}

void prompt_complete(struct ui_view *v, const char *const *cands, size_t n)
{
	const char *matches[PROMPT_MAX_CANDS];
	size_t ws = word_start(v), wlen = v->prompt_cursor - ws, m = 0;
	size_t plen, hl = 0;
	char word[256];

	str_copy(word, sizeof(word), v->prompt_text + ws);
	word[wlen < sizeof(word) ? wlen : sizeof(word) - 1] = '\0';

	for (size_t i = 0; i < n && m < ARRAY_SIZE(matches); i++) {
		if (!strncmp(cands[i], word, wlen))
			matches[m++] = cands[i];
	}
	if (!m) {
		str_copy(v->hint, sizeof(v->hint), "no match");
		return;
	}

	plen = common_prefix(matches, m);
	for (size_t i = wlen; i < plen; i++) {
		v->prompt_cursor = ws + i;
		insert_char(v, matches[0][i]);
	}
	if (m == 1 && matches[0][plen - 1] != '/')
		insert_char(v, ' ');

	v->hint[0] = '\0';
	for (size_t i = 0; m > 1 && i < m && hl + 2 < sizeof(v->hint); i++) {
		int k = re_snprintf(v->hint + hl, sizeof(v->hint) - hl,
				    "%s%s", i ? "  " : "", matches[i]);
		if (k < 0)
			break;
		hl += (size_t)k;
	}
}

static int cand_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool sound_ext(const char *name, size_t *stem)
{
	const char *dot = strrchr(name, '.');

	if (!dot || dot == name)
		return false;
	*stem = (size_t)(dot - name);
	return !strcmp(dot, ".wav") || !strcmp(dot, ".flac") ||
		!strcmp(dot, ".ogg") || !strcmp(dot, ".au");
}

static bool have(char **out, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(out[i], s))
			return true;
	}
	return false;
}

/* Add entries of DIR starting with PREFIX; SOUNDS: offer bare names. */
static size_t scan_dir(char **out, size_t n, size_t max, const char *dir,
		       const char *shown, const char *prefix, bool sounds)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t plen = strlen(prefix);

	while (d && n < max && (de = readdir(d))) {
		char name[300];
		size_t stem;

		if (de->d_name[0] == '.')
			continue;
		if (sounds) {
			if (!sound_ext(de->d_name, &stem) || stem >= 256)
				continue;
			re_snprintf(name, sizeof(name), "%b", de->d_name,
				    stem);
		}
		else {
			re_snprintf(name, sizeof(name), "%s%s%s", shown,
				    de->d_name,
				    de->d_type == DT_DIR ? "/" : "");
		}
		if (strncmp(name, prefix, plen) || have(out, n, name))
			continue;
		if (!str_dup(&out[n], name))
			++n;
	}
	if (d)
		closedir(d);
	return n;
}

size_t prompt_files(char **out, size_t max, const char *prefix)
{
	const char *env = getenv("SIPFLOW_SOUNDS");
	const char *slash = strrchr(prefix, '/');
	size_t n = 0;

	if (slash) {
		char dir[256];

		re_snprintf(dir, sizeof(dir), "%b", prefix,
			    (size_t)(slash - prefix + 1));
		n = scan_dir(out, n, max, dir, dir, prefix, false);
	}
	else {
		if (env && *env)
			n = scan_dir(out, n, max, env, "", prefix, true);
		n = scan_dir(out, n, max, "sounds", "", prefix, true);
		n = scan_dir(out, n, max, SOUNDS_DIR, "", prefix, true);
		n = scan_dir(out, n, max, ".", "", prefix, false);
	}
	qsort(out, n, sizeof(*out), cand_cmp);
	return n;
}
