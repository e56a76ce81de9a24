/* G.711 µ-law and A-law (RFC 3551 payload types 0 and 8). */
#include <re.h>
#include <rem.h>
#include "media/codec.h"

/* librem's encoders misbehave on -32768 (µ-law decodes it as -2, A-law
 * indexes its table out of bounds), so clamp before encoding. */
static inline int16_t clamp(int16_t s)
{
	return s < -32767 ? -32767 : s;
}

static size_t ulaw_encode(uint8_t *dst, const int16_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = g711_pcm2ulaw(clamp(src[i]));
	return n;
}

static size_t alaw_encode(uint8_t *dst, const int16_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = g711_pcm2alaw(clamp(src[i]));
	return n;
}

static size_t ulaw_decode(int16_t *dst, size_t maxn,
			  const uint8_t *src, size_t len)
{
	size_t n = len < maxn ? len : maxn;

	for (size_t i = 0; i < n; i++)
		dst[i] = g711_ulaw2pcm(src[i]);
	return n;
}

static size_t alaw_decode(int16_t *dst, size_t maxn,
			  const uint8_t *src, size_t len)
{
	size_t n = len < maxn ? len : maxn;

	for (size_t i = 0; i < n; i++)
		dst[i] = g711_alaw2pcm(src[i]);
	return n;
}

const struct codec codec_pcmu = {
	.name = "PCMU", .srate = 8000, .ch = 1, .pt = 0, .dyn_pt = 0,
	.encode = ulaw_encode, .decode = ulaw_decode,
};

const struct codec codec_pcma = {
	.name = "PCMA", .srate = 8000, .ch = 1, .pt = 8, .dyn_pt = 8,
	.encode = alaw_encode, .decode = alaw_decode,
};
