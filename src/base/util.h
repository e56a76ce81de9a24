/* Small helpers shared by the engine: clocks, durations, strings and
 * sample arithmetic. */
#ifndef SIPFLOW_UTIL_H
#define SIPFLOW_UTIL_H

#include <stdint.h>
#include <stddef.h>

/* CLOCK_MONOTONIC in nanoseconds: the one time base for pacing and stats. */
uint64_t now_ns(void);

/* Parse "5s", "500ms", "1.5s", "2m" or a bare number of seconds into
 * milliseconds.  Returns 0 or EINVAL. */
int duration_parse(uint64_t *ms, const char *s);
/* The same, but the unit is required: "486" is not a duration here.
 * Used where a bare number means something else (expect's CODE). */
int duration_parse_unit(uint64_t *ms, const char *s);

/* A + B clamped to 16 bits: how two audio sides are mixed (recorder's
 * mixed mode, the monitor's "both") without wrapping around. */
static inline int16_t pcm_add_sat(int16_t a, int16_t b)
{
	int32_t v = (int32_t)a + b;

	return (int16_t)(v > INT16_MAX ? INT16_MAX :
			 v < INT16_MIN ? INT16_MIN : v);
}

/* Write the printf-style (libre's %m, %r...) reason into ERR, when ERR
 * is given, and return E: how a function says why it failed. */
int errf(char *err, size_t errsz, int e, const char *fmt, ...);

/* The length of the valid UTF-8 sequence at S (1 to 4 bytes, at most
 * N), or 0 where the bytes are not one: overlong forms, surrogates, code
 * points past U+10FFFF and cut sequences are not. */
size_t utf8_seq_len(const char *s, size_t n);

/* Copy at most size-1 bytes and always terminate. */
void str_copy(char *dst, size_t size, const char *src);

/* Split S in place at blanks into at most MAX words; returns the count. */
size_t str_split(char *s, char **words, size_t max);

#endif
