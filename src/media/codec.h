/* The codec table: every audio codec sipflow can negotiate, in one place.
 * A codec module (modules/) defines a struct codec; codec.c lists it. */
#ifndef SIPFLOW_CODEC_H
#define SIPFLOW_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct codec {
	const char *name;       /* SDP encoding name, e.g. "PCMU" */
	uint32_t srate;         /* RTP clock rate */
	uint8_t ch;             /* channels */
	int pt;                 /* static payload type, or -1: dynamic */
	int dyn_pt;             /* payload type we offer when dynamic */
	const char *fmtp;       /* a=fmtp we offer, or NULL */
	bool telev;             /* telephone-event (RFC 4733), not audio */

	/* Encode N samples of 16-bit mono PCM; returns bytes written. */
	size_t (*encode)(uint8_t *dst, const int16_t *src, size_t n);
	/* Decode LEN bytes; returns samples written (at most MAXN). */
	size_t (*decode)(int16_t *dst, size_t maxn,
			 const uint8_t *src, size_t len);
};

/* Enabled codecs of an instance, in preference order. */
enum { CODEC_LIST_MAX = 16 };
struct codec_list {
	const struct codec *v[CODEC_LIST_MAX];
	size_t n;
};

const struct codec *codec_find(const char *name, uint32_t srate);
const struct codec *codec_find_static(int pt);

/* Parse "PCMU, PCMA, telephone-event" (case-insensitive, optional /rate).
 * On error returns EINVAL and names the bad entry in BAD. */
int codec_list_parse(struct codec_list *cl, const char *str,
		     char *bad, size_t badsz);
int codec_list_print(struct re_printf *pf, const struct codec_list *cl);
bool codec_list_has(const struct codec_list *cl, const struct codec *c);
const struct codec *codec_list_telev(const struct codec_list *cl);

#endif
