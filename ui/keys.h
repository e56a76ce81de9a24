/* The console's keys.  Command keys come from the command table
 * (src/cmd.c); the console adds its own for moving around.  The help
 * overlay, the status line, `sipflow --keys` and sipflow(1)'s KEYS
 * section are all produced from these rows. */
#ifndef SIPFLOW_UI_KEYS_H
#define SIPFLOW_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct ui_view;
struct ui_model;

struct ui_key_help {
	const char *key;       /* "j, Down" */
	char what[320];        /* "select the next row" */
};

/* Fill ROWS with every key in help order (the console's own rows, then
 * the command table's); returns how many there are (may exceed MAX). */
size_t keys_help(struct ui_key_help *rows, size_t max);
/* Print the rows as "KEY<TAB>WHAT" lines (ROFF false) or as sipflow(1)'s
 * KEYS section body (.TP paragraphs). */
void keys_print(FILE *f, bool roff);
/* What the keys would do right now, for the status line. */
void keys_status(char *buf, size_t sz, const struct ui_view *v,
		 const struct ui_model *m);

#endif
