#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include <rem.h>
#include "base/names.h"
#include "base/util.h"
#include "dtmf.h"

enum {
	FRAME_MS = 20,
	END_PACKETS = 3,          /* RFC 4733 §2.5.1.4: the end, 3 times */
	VOLUME = 10,              /* -10 dBm0 */
};

static const char digits[] = "0123456789*#ABCD";

static const char *const method_names[] = {"rfc4733", "inband", "info"};
static const struct name_table methods = NAME_TABLE(method_names, true);

int dtmf_method_parse(enum dtmf_method *m, const char *str)
{
	int v;

	if (name_parse(&methods, str, &v))
		return EINVAL;
	*m = (enum dtmf_method)v;
	return 0;
}

const char *dtmf_method_name(enum dtmf_method m)
{
	return name_of(&methods, (int)m);
}

int dtmf_digit_code(char digit)
{
	const char *p;

	if (!digit)
		return -1;
	p = strchr(digits, toupper((unsigned char)digit));
	return p ? (int)(p - digits) : -1;
}

char dtmf_code_digit(int code)
{
	return code >= 0 && code < 16 ? digits[code] : 0;
}

bool dtmf_digits_valid(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (dtmf_digit_code(*s) < 0)
			return false;
	}
	return true;
}

/* ---- sending ---- */

int dtmf_tx_queue(struct dtmf_tx *tx, const char *s, enum dtmf_method m,
		  uint32_t dur_ms, uint32_t gap_ms)
{
	size_t n = s ? strlen(s) : 0;

	if (!dtmf_digits_valid(s) || !dur_ms || dur_ms > 10000 ||
	    gap_ms > 10000)
		return EINVAL;
	if (tx->count + n > DTMF_QUEUE)
		return ENOSPC;

	for (size_t i = 0; i < n; i++) {
		struct dtmf_digit *d =
			&tx->q[(tx->head + tx->count++) % DTMF_QUEUE];

		d->digit = (char)toupper((unsigned char)s[i]);
		d->method = m;
		d->dur_ms = (uint16_t)dur_ms;
		d->gap_ms = (uint16_t)gap_ms;
	}
	return 0;
}

bool dtmf_tx_busy(const struct dtmf_tx *tx)
{
	return tx->active || tx->count;
}

void dtmf_tx_clear(struct dtmf_tx *tx)
{
	memset(tx, 0, sizeof(*tx));
}

/* Row and column frequencies of the keypad. */
static void tone_freqs(char digit, double *lo, double *hi)
{
	static const double row[] = {697, 770, 852, 941};
	static const double col[] = {1209, 1336, 1477, 1633};
	static const char *const pad[] = {"123A", "456B", "789C", "*0#D"};

	*lo = row[0];
	*hi = col[0];
	for (size_t r = 0; r < 4; r++) {
		const char *c = strchr(pad[r], digit);

		if (c) {
			*lo = row[r];
			*hi = col[c - pad[r]];
			return;
		}
	}
}

static void tone_fill(struct dtmf_tx *tx, uint32_t srate, int16_t *pcm,
		      size_t n)
{
	/* Each component at about -10 dBFS: loud enough for any detector,
	 * and the sum cannot clip. */
	const double amp = 0.3 * 32767.0;
	double lo, hi;

	tone_freqs(tx->cur.digit, &lo, &hi);
	for (size_t i = 0; i < n; i++) {
		pcm[i] = (int16_t)lrint(amp * (sin(tx->ph1) + sin(tx->ph2)));
		tx->ph1 = fmod(tx->ph1 + 2 * M_PI * lo / srate, 2 * M_PI);
		tx->ph2 = fmod(tx->ph2 + 2 * M_PI * hi / srate, 2 * M_PI);
	}
}

static void event_payload(struct dtmf_frame *f, char digit, bool end,
			  uint32_t duration)
{
	if (duration > 0xffff)
		duration = 0xffff;

	f->payload[0] = (uint8_t)dtmf_digit_code(digit);
	f->payload[1] = (uint8_t)((end ? 0x80 : 0) | VOLUME);
	f->payload[2] = (uint8_t)(duration >> 8);
	f->payload[3] = (uint8_t)(duration & 0xff);
}

enum dtmf_out dtmf_tx_frame(struct dtmf_tx *tx, uint32_t srate,
			    uint32_t ts, int16_t *pcm, size_t n,
			    struct dtmf_frame *f)
{
	enum dtmf_out out = DTMF_OUT_AUDIO;
	uint32_t dur;

	memset(f, 0, sizeof(*f));

	if (!tx->active) {
		if (!tx->count)
			return DTMF_OUT_AUDIO;

		tx->cur = tx->q[tx->head];
		tx->head = (tx->head + 1) % DTMF_QUEUE;
		--tx->count;
		tx->active = true;
		tx->pos_ms = 0;
		tx->ends = 0;
		tx->ev_ts = ts;
		tx->ph1 = tx->ph2 = 0;
		f->started = &tx->cur;
	}

	dur = tx->cur.dur_ms;

	switch (tx->cur.method) {

	case DTMF_RFC4733:
		if (tx->pos_ms < dur) {
			/* duration so far, counting this packet's frame */
			uint32_t ms = tx->pos_ms + FRAME_MS;

			event_payload(f, tx->cur.digit, false,
				      (ms < dur ? ms : dur) * (srate / 1000));
			f->marker = tx->pos_ms == 0;
			f->ts = tx->ev_ts;
			out = DTMF_OUT_EVENT;
		}
		else if (tx->ends < END_PACKETS) {
			event_payload(f, tx->cur.digit, true,
				      dur * (srate / 1000));
			f->ts = tx->ev_ts;
			++tx->ends;
			out = DTMF_OUT_EVENT;
		}
		break;

	case DTMF_INBAND:
		if (tx->pos_ms < dur) {
			tone_fill(tx, srate, pcm, n);
			out = DTMF_OUT_TONE;
		}
		break;

	case DTMF_INFO:
		/* The call sends the INFO when it sees `started`; the queue
		 * only keeps the spacing. */
		break;
	}

	tx->pos_ms += FRAME_MS;
	if (tx->pos_ms >= dur + tx->cur.gap_ms &&
	    (tx->cur.method != DTMF_RFC4733 || tx->ends >= END_PACKETS))
		tx->active = false;

	return out;
}

/* ---- receiving ---- */

static void report(struct dtmf_rx *rx, char digit, enum dtmf_method m,
		   uint32_t dur_ms, uint64_t now)
{
	rx->last_digit = digit;
	rx->last_method = m;
	rx->last_ns = now;
	if (rx->h)
		rx->h(digit, m, dur_ms, rx->arg);
}

/* Was DIGIT just reported by another method than M? */
static bool reported_by_other(const struct dtmf_rx *rx, char digit,
			      enum dtmf_method m, uint64_t now)
{
	return rx->last_digit == digit && rx->last_method != m &&
		now - rx->last_ns < DTMF_DEDUP_MS * 1000000ull;
}

static void inband_handler(char digit, void *arg)
{
	struct dtmf_rx *rx = arg;
	uint64_t now = rx->now_ns;

	digit = (char)toupper((unsigned char)digit);

	/* The same digit as an RFC 4733 event in progress or just ended is
	 * the sender doing both: the event wins. */
	if (rx->ev_active && rx->ev_digit == digit)
		return;
	if (reported_by_other(rx, digit, DTMF_INBAND, now))
		return;

	report(rx, digit, DTMF_INBAND, 0, now);
}

int dtmf_rx_init(struct dtmf_rx *rx, uint32_t srate, bool inband,
		 dtmf_rx_h *h, void *arg)
{
	memset(rx, 0, sizeof(*rx));
	rx->h = h;
	rx->arg = arg;
	rx->srate = srate ? srate : 8000;

	if (!inband)
		return 0;
	return dtmf_dec_alloc(&rx->dec, rx->srate, 1, inband_handler, rx);
}

void dtmf_rx_close(struct dtmf_rx *rx)
{
	rx->dec = mem_deref(rx->dec);
	rx->h = NULL;
}

static void event_end(struct dtmf_rx *rx, uint64_t now)
{
	rx->ev_active = false;
	if (!rx->ev_dup)
		report(rx, rx->ev_digit, DTMF_RFC4733,
		       (uint32_t)((uint64_t)rx->ev_dur * 1000 / rx->srate),
		       now);
}

void dtmf_rx_event(struct dtmf_rx *rx, const uint8_t *p, size_t len,
		   uint32_t ts, uint64_t now)
{
	char digit;
	bool end;

	if (len < 4)
		return;

	digit = dtmf_code_digit(p[0]);
	end = p[1] & 0x80;
	if (!digit)
		return;   /* flash, tones and other events: not DTMF */

	/* A new timestamp is a new event (libre's telev_recv ignores the
	 * timestamp and merges "55" sent without end packets). */
	if (!rx->ev_seen || ts != rx->ev_ts) {
		if (rx->ev_active)
			event_end(rx, now);
		rx->ev_seen = true;
		rx->ev_ts = ts;
		rx->ev_digit = digit;
		rx->ev_active = true;
		rx->ev_dup = reported_by_other(rx, digit, DTMF_RFC4733, now);
	}
	else if (!rx->ev_active) {
		return;   /* the end's retransmissions */
	}

	rx->ev_dur = (uint32_t)p[2] << 8 | p[3];
	rx->ev_last_ns = now;

	if (end)
		event_end(rx, now);
}

void dtmf_rx_poll(struct dtmf_rx *rx, uint64_t now)
{
	if (rx->ev_active &&
	    now - rx->ev_last_ns > DTMF_EVENT_TIMEOUT_MS * 1000000ull)
		event_end(rx, now);
}

void dtmf_rx_audio(struct dtmf_rx *rx, const int16_t *pcm, size_t n,
		   uint64_t now)
{
	if (!rx->dec)
		return;
	rx->now_ns = now;
	dtmf_dec_probe(rx->dec, pcm, n);
}

void dtmf_rx_info(struct dtmf_rx *rx, char digit, uint32_t dur_ms,
		  uint64_t now)
{
	/* Only a DTMF digit is ever reported, whatever the caller parsed. */
	if (dtmf_digit_code(digit) < 0)
		return;
	digit = (char)toupper((unsigned char)digit);
	if (reported_by_other(rx, digit, DTMF_INFO, now))
		return;
	report(rx, digit, DTMF_INFO, dur_ms, now);
}

/* ---- SIP INFO bodies ---- */

int dtmf_info_body(char *buf, size_t sz, char digit, uint32_t dur_ms)
{
	if (dtmf_digit_code(digit) < 0)
		return EINVAL;
	return re_snprintf(buf, sz, "Signal=%c\r\nDuration=%u\r\n",
			   digit, dur_ms) < 0 ? ENOMEM : 0;
}

/* "5", "*", or the event code "10" for '*' as some phones send. */
static char signal_digit(const char *s, size_t len)
{
	char *end;
	long code;

	while (len && isspace((unsigned char)s[len - 1]))
		--len;
	while (len && isspace((unsigned char)*s)) {
		++s;
		--len;
	}

	if (len == 1 && dtmf_digit_code(*s) >= 0)
		return (char)toupper((unsigned char)*s);

	if (len == 2 && isdigit((unsigned char)s[0]) &&
	    isdigit((unsigned char)s[1])) {
		char num[3] = {s[0], s[1], 0};

		code = strtol(num, &end, 10);
		return dtmf_code_digit((int)code);
	}
	return 0;
}

/* The body need not be NUL-terminated: read only LEN bytes. */
static uint32_t parse_ms(const char *s, size_t len)
{
	uint32_t v = 0;

	while (len && isspace((unsigned char)*s)) {
		++s;
		--len;
	}
	for (; len && isdigit((unsigned char)*s) && v < 100000; s++, len--)
		v = v * 10 + (uint32_t)(*s - '0');
	return v;
}

static bool ctype_is(const char *ctype, const char *want)
{
	size_t n = strlen(want);

	return ctype && !strncasecmp(ctype, want, n) &&
		(ctype[n] == '\0' || ctype[n] == ';' || ctype[n] == ' ');
}

int dtmf_info_parse(const char *ctype, const char *body, size_t len,
		    char *digit, uint32_t *dur_ms)
{
	const char *p = body, *end = body + len;

	*digit = 0;
	*dur_ms = 0;

	if (ctype_is(ctype, "application/dtmf")) {
		*digit = signal_digit(body, len);
		return *digit ? 0 : EINVAL;
	}
	if (!ctype_is(ctype, DTMF_INFO_CTYPE))
		return ENOTSUP;

	/* Lines "Key=Value", keys case-insensitive, CRLF or LF. */
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *eq;
		size_t ll = (size_t)((eol ? eol : end) - p);

		eq = memchr(p, '=', ll);
		if (eq) {
			size_t kl = (size_t)(eq - p);
			const char *v = eq + 1;
			size_t vl = ll - kl - 1;

			while (kl && isspace((unsigned char)p[kl - 1]))
				--kl;
			if (kl == 6 && !strncasecmp(p, "Signal", 6))
				*digit = signal_digit(v, vl);
			else if (kl == 8 && !strncasecmp(p, "Duration", 8))
				*dur_ms = parse_ms(v, vl);
		}
		p = eol ? eol + 1 : end;
	}
	return *digit ? 0 : EINVAL;
}
