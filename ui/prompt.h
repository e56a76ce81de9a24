/* The console's one-line editor on the message line: editing keys,
 * history and completion.  It edits the prompt fields of struct ui_view. */
#ifndef SIPFLOW_UI_PROMPT_H
#define SIPFLOW_UI_PROMPT_H

#include <stddef.h>

struct ui_view;

enum prompt_result {
	PROMPT_EDIT,     /* still editing */
	PROMPT_ENTER,    /* the line is done */
	PROMPT_CANCEL,   /* Esc or ^G */
	PROMPT_TAB,      /* complete the line (the caller knows how) */
	PROMPT_PREV,     /* Up: the previous history line */
	PROMPT_NEXT,     /* Down: the next history line */
};

enum { PROMPT_HISTORY = 32, PROMPT_MAX_CANDS = 256 };

struct prompt_history {
	char lines[PROMPT_HISTORY][256];
	unsigned n;      /* lines kept */
	unsigned pos;    /* browsing position, n: the new line */
};

void prompt_begin(struct ui_view *v, const char *label, const char *text);
void prompt_end(struct ui_view *v);
enum prompt_result prompt_key(struct ui_view *v, int ch);
/* Replace the line's text (history, completion). */
void prompt_set(struct ui_view *v, const char *text);

void prompt_history_add(struct prompt_history *h, const char *line);
/* Step through H (DIR -1 older, +1 newer) into the prompt. */
void prompt_history_step(struct prompt_history *h, struct ui_view *v,
			 int dir);

/* Complete the last word of the line from CANDS: extend it to their
 * longest common prefix, and list the matches in the hint. */
void prompt_complete(struct ui_view *v, const char *const *cands, size_t n);
/* Sound names for `play` that start with PREFIX: NAME for files in the
 * sounds directories (as sound_find looks them up), paths for files and
 * directories (with a '/') relative to the current one.  Returns the
 * count; the strings are allocated with mem (free with mem_deref). */
size_t prompt_files(char **out, size_t max, const char *prefix);

#endif
