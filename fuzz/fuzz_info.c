/* A SIP INFO carrying DTMF: the first line of the input is the
 * Content-Type, the rest the body; what parses is reported the way a
 * call does (dtmf_rx_info), which may report only DTMF digits. */
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "fuzz.h"
#include "media/dtmf.h"

static void on_digit(char digit, enum dtmf_method m, uint32_t dur_ms,
		     void *arg)
{
	(void)m;
	(void)dur_ms;
	(void)arg;
	if (dtmf_digit_code(digit) < 0)
		abort();   /* the finding this target was written for */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *eol = memchr(data, '\n', size);
	size_t clen = eol ? (size_t)(eol - data) : size;
	char ctype[128], digit;
	struct dtmf_rx rx;
	uint32_t dur;
	const char *body;
	size_t blen;

	fuzz_libre_init();
	if (clen >= sizeof(ctype))
		return 0;
	memcpy(ctype, data, clen);
	ctype[clen] = '\0';
	body = eol ? (const char *)eol + 1 : "";
	blen = eol ? size - clen - 1 : 0;

	if (dtmf_rx_init(&rx, 8000, false, on_digit, NULL))
		return 0;
	if (!dtmf_info_parse(ctype, body, blen, &digit, &dur))
		dtmf_rx_info(&rx, digit, dur, 1000000000ull);
	dtmf_rx_close(&rx);
	return 0;
}
