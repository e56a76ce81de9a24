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

size_t utf8_seq_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len;
	unsigned cp;

	if (!n)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}
