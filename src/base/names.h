/* Every enum a user can type (call states, recording modes, monitor
 * legs, DTMF methods, transports) maps to its names and back through one
 * table of names indexed by the enum's values, and these two helpers. */
#ifndef SIPFLOW_NAMES_H
#define SIPFLOW_NAMES_H

#include <stdbool.h>
#include <stddef.h>

struct name_table {
	const char *const *names;   /* names[value] */
	size_t n;
	bool nocase;                /* "TCP" is "tcp" */
};

#define NAME_TABLE(arr, nocase_) {(arr), sizeof(arr) / sizeof((arr)[0]), \
				  (nocase_)}

/* The value named S into *VAL; EINVAL for NULL or an unknown name. */
int name_parse(const struct name_table *t, const char *s, int *val);
/* The name of VAL, or "?" for a value outside the table. */
const char *name_of(const struct name_table *t, int val);

#endif
