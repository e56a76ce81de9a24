#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <re.h>
#include "util.h"

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int parse_duration(uint64_t *ms, const char *s, bool need_unit)
{
	char *end;
	double v;

	/* Decimal only: strtod would also take "nan", "inf", "0x10", "-1". */
	if (!ms || !s || !(isdigit((unsigned char)*s) || *s == '.'))
		return EINVAL;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end != s + strspn(s, "0123456789.") ||
	    !(v >= 0 && v <= 1e9))
		return EINVAL;

	if (!*end && need_unit)
		return EINVAL;

	if (!*end || !strcmp(end, "s"))
		v *= 1000.0;
	else if (!strcmp(end, "ms"))
		;
	else if (!strcmp(end, "m"))
		v *= 60000.0;
	else
		return EINVAL;

	*ms = (uint64_t)(v + 0.5);
	return 0;
}

int duration_parse(uint64_t *ms, const char *s)
{
	return parse_duration(ms, s, false);
}

int duration_parse_unit(uint64_t *ms, const char *s)
{
	return parse_duration(ms, s, true);
}

void str_copy(char *dst, size_t size, const char *src)
{
	size_t n;

	if (!dst || !size)
		return;
	n = src ? strlen(src) : 0;
	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

size_t str_split(char *s, char **words, size_t max)
{
	size_t n = 0;

	while (s && *s && n < max) {
		while (*s == ' ' || *s == '\t')
			*s++ = '\0';
		if (!*s)
			break;
		words[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			++s;
	}
	/* More words than MAX: count one more so callers can reject it. */
	while (s && (*s == ' ' || *s == '\t'))
		++s;
	if (s && *s && n == max)
		++n;
	return n;
}

int errf(char *err, size_t errsz, int e, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errsz)
		return e;

	va_start(ap, fmt);
	(void)re_vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	return e;
}
