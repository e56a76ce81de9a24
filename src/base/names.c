#include <errno.h>
#include <string.h>
#include <strings.h>
#include "names.h"

int name_parse(const struct name_table *t, const char *s, int *val)
{
	for (size_t i = 0; s && i < t->n; i++) {
		if (t->nocase ? !strcasecmp(s, t->names[i]) :
		    !strcmp(s, t->names[i])) {
			*val = (int)i;
			return 0;
		}
	}
	return EINVAL;
}

const char *name_of(const struct name_table *t, int val)
{
	return val >= 0 && (size_t)val < t->n ? t->names[val] : "?";
}
