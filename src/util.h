/* Small helpers shared by the engine: clocks and durations. */
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

/* Copy at most size-1 bytes and always terminate. */
void str_copy(char *dst, size_t size, const char *src);

/* Split S in place at blanks into at most MAX words; returns the count. */
size_t str_split(char *s, char **words, size_t max);

#endif
