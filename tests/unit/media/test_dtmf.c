/* DTMF: the RFC 4733 and in-band sender, the receiver and its
 * once-only rule, and SIP INFO bodies. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <re.h>
#include <rem.h>
#include "media/dtmf.h"

enum { N = 160, SRATE = 8000 };
#define MS 1000000ull

struct got {
	char digits[32];
	enum dtmf_method method[32];
	uint32_t dur[32];
	unsigned n;
};

static void on_digit(char digit, enum dtmf_method m, uint32_t dur_ms,
		     void *arg)
{
	struct got *g = arg;

	if (g->n < 31) {
		g->method[g->n] = m;
		g->dur[g->n] = dur_ms;
		g->digits[g->n++] = digit;
	}
}

static void test_names(void **state)
{
	enum dtmf_method m;
	(void)state;

	assert_int_equal(dtmf_method_parse(&m, "info"), 0);
	assert_int_equal(m, DTMF_INFO);
	assert_int_equal(dtmf_method_parse(&m, "RFC4733"), 0);
	assert_int_equal(m, DTMF_RFC4733);
	assert_int_equal(dtmf_method_parse(&m, "sip"), EINVAL);
	assert_string_equal(dtmf_method_name(DTMF_INBAND), "inband");

	assert_true(dtmf_digits_valid("0123456789*#ABCDabcd"));
	assert_false(dtmf_digits_valid(""));
	assert_false(dtmf_digits_valid("12E"));
	assert_false(dtmf_digits_valid("1 2"));
	assert_int_equal(dtmf_digit_code('*'), 10);
	assert_int_equal(dtmf_digit_code('#'), 11);
	assert_int_equal(dtmf_digit_code('d'), 15);
	assert_int_equal(dtmf_code_digit(11), '#');
	assert_int_equal(dtmf_code_digit(16), 0);
}

static void test_queue_limits(void **state)
{
	struct dtmf_tx tx;
	char many[DTMF_QUEUE + 2];
	(void)state;

	memset(&tx, 0, sizeof(tx));
	memset(many, '1', sizeof(many) - 1);
	many[sizeof(many) - 1] = '\0';

	assert_int_equal(dtmf_tx_queue(&tx, "12x", DTMF_RFC4733, 100, 100),
			 EINVAL);
	assert_int_equal(dtmf_tx_queue(&tx, "1", DTMF_RFC4733, 0, 100),
			 EINVAL);
	assert_int_equal(dtmf_tx_queue(&tx, many, DTMF_RFC4733, 100, 100),
			 ENOSPC);
	assert_false(dtmf_tx_busy(&tx));
	assert_int_equal(dtmf_tx_queue(&tx, "1#", DTMF_INBAND, 100, 100), 0);
	assert_true(dtmf_tx_busy(&tx));
}

static uint32_t be16(const uint8_t *p)
{
	return (uint32_t)p[2] << 8 | p[3];
}

/* 100 ms tone + 100 ms gap: 5 event packets growing by 160, then the
 * end three times, then audio until the gap is over. */
static void test_tx_rfc4733(void **state)
{
	struct dtmf_tx tx;
	struct dtmf_frame f;
	int16_t pcm[N];
	uint32_t ts = 1000;
	(void)state;

	memset(&tx, 0, sizeof(tx));
	assert_int_equal(dtmf_tx_queue(&tx, "5#", DTMF_RFC4733, 100, 100), 0);

	for (unsigned i = 0; i < 10; i++, ts += N) {
		enum dtmf_out out = dtmf_tx_frame(&tx, SRATE, ts, pcm, N, &f);

		if (i == 0) {
			assert_non_null(f.started);
			assert_int_equal(f.started->digit, '5');
		}
		else {
			assert_null(f.started);
		}

		if (i < 5) {
			assert_int_equal(out, DTMF_OUT_EVENT);
			assert_int_equal(f.payload[0], 5);
			assert_false(f.payload[1] & 0x80);
			assert_int_equal(be16(f.payload), (i + 1) * 160);
			assert_int_equal(f.marker, i == 0);
			assert_int_equal(f.ts, 1000);
		}
		else if (i < 8) {
			assert_int_equal(out, DTMF_OUT_EVENT);
			assert_true(f.payload[1] & 0x80);
			assert_int_equal(be16(f.payload), 800);
			assert_false(f.marker);
			assert_int_equal(f.ts, 1000);
		}
		else {
			assert_int_equal(out, DTMF_OUT_AUDIO);
		}
	}

	/* The next digit starts right after the gap, with its own ts. */
	assert_int_equal(dtmf_tx_frame(&tx, SRATE, ts, pcm, N, &f),
			 DTMF_OUT_EVENT);
	assert_non_null(f.started);
	assert_int_equal(f.started->digit, '#');
	assert_int_equal(f.payload[0], 11);
	assert_true(f.marker);
	assert_int_equal(f.ts, ts);
}

/* Energy of FREQ in PCM (Goertzel, librem). */
static double power(const int16_t *pcm, size_t n, double freq)
{
	struct goertzel g;

	goertzel_init(&g, freq, SRATE);
	for (size_t i = 0; i < n; i++)
		goertzel_update(&g, pcm[i]);
	return goertzel_result(&g);
}

static void test_tx_inband(void **state)
{
	struct dtmf_tx tx;
	struct dtmf_frame f;
	int16_t pcm[N];
	unsigned tone = 0, audio = 0;
	(void)state;

	memset(&tx, 0, sizeof(tx));
	assert_int_equal(dtmf_tx_queue(&tx, "9", DTMF_INBAND, 60, 40), 0);

	for (unsigned i = 0; i < 5; i++) {
		enum dtmf_out out;

		memset(pcm, 0, sizeof(pcm));
		out = dtmf_tx_frame(&tx, SRATE, i * N, pcm, N, &f);
		if (out == DTMF_OUT_TONE) {
			/* '9' is 852 + 1477 Hz; '1' would be 697 + 1209. */
			assert_true(power(pcm, N, 852) >
				    100 * power(pcm, N, 697));
			assert_true(power(pcm, N, 1477) >
				    100 * power(pcm, N, 1209));
			++tone;
		}
		else {
			assert_int_equal(out, DTMF_OUT_AUDIO);
			++audio;
		}
	}
	/* 60 ms rounds to 3 frames of tone, 40 ms to 2 of gap. */
	assert_int_equal(tone, 3);
	assert_int_equal(audio, 2);
	assert_false(dtmf_tx_busy(&tx));
}

/* INFO digits only take their turn; the call sends them. */
static void test_tx_info_spacing(void **state)
{
	struct dtmf_tx tx;
	struct dtmf_frame f;
	int16_t pcm[N];
	unsigned starts[3], k = 0;
	(void)state;

	memset(&tx, 0, sizeof(tx));
	assert_int_equal(dtmf_tx_queue(&tx, "123", DTMF_INFO, 100, 200), 0);
	for (unsigned i = 0; i < 60 && k < 3; i++) {
		assert_int_equal(dtmf_tx_frame(&tx, SRATE, i * N, pcm, N, &f),
				 DTMF_OUT_AUDIO);
		if (f.started)
			starts[k++] = i;
	}
	assert_int_equal(k, 3);
	assert_int_equal(starts[1] - starts[0], 15);   /* 300 ms */
	assert_int_equal(starts[2] - starts[1], 15);
}

static void event(struct dtmf_rx *rx, int code, bool end, uint32_t dur,
		  uint32_t ts, uint64_t now)
{
	uint8_t p[4] = {(uint8_t)code, (uint8_t)((end ? 0x80 : 0) | 10),
			(uint8_t)(dur >> 8), (uint8_t)dur};

	dtmf_rx_event(rx, p, sizeof(p), ts, now);
}

/* Start, continuation, three ends: reported once, at the end. */
static void test_rx_rfc4733(void **state)
{
	struct dtmf_rx rx;
	struct got g = {0};
	uint64_t t = 1000 * (uint64_t)MS;
	(void)state;

	assert_int_equal(dtmf_rx_init(&rx, SRATE, false, on_digit, &g), 0);

	for (unsigned i = 1; i <= 5; i++)
		event(&rx, 1, false, i * 160, 4000, t += 20 * MS);
	assert_int_equal(g.n, 0);
	for (unsigned i = 0; i < 3; i++)
		event(&rx, 1, true, 800, 4000, t += 20 * MS);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.digits[0], '1');
	assert_int_equal(g.method[0], DTMF_RFC4733);
	assert_int_equal(g.dur[0], 100);

	/* The same digit again is a new event when the timestamp is new,
	 * even without end packets before it. */
	event(&rx, 1, false, 160, 9000, t += 200 * MS);
	event(&rx, 1, false, 160, 12000, t += 200 * MS);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.digits, "11");

	/* ...and one whose end was lost ends on the timeout. */
	dtmf_rx_poll(&rx, t + 100 * MS);
	assert_int_equal(g.n, 2);
	dtmf_rx_poll(&rx, t + (DTMF_EVENT_TIMEOUT_MS + 1) * MS);
	assert_string_equal(g.digits, "111");

	/* Not DTMF (flash is 16), and a runt: ignored. */
	event(&rx, 16, true, 160, 20000, t += 400 * MS);
	dtmf_rx_event(&rx, (const uint8_t *)"\x01", 1, 30000, t);
	dtmf_rx_poll(&rx, t + 10000 * MS);
	assert_int_equal(g.n, 3);
	dtmf_rx_close(&rx);
}

/* Feed DIGIT as in-band tone for MS_ON through the detector, the way the
 * stream does (20 ms frames, G.711 µ-law round trip). */
static void feed_tone(struct dtmf_rx *rx, char digit, unsigned ms_on,
		      uint64_t *t)
{
	struct dtmf_tx tx;
	struct dtmf_frame f;
	int16_t pcm[N];
	char d[2] = {digit, 0};

	memset(&tx, 0, sizeof(tx));
	assert_int_equal(dtmf_tx_queue(&tx, d, DTMF_INBAND, ms_on, 100), 0);
	while (dtmf_tx_busy(&tx)) {
		memset(pcm, 0, sizeof(pcm));
		(void)dtmf_tx_frame(&tx, SRATE, 0, pcm, N, &f);
		for (size_t i = 0; i < N; i++)
			pcm[i] = g711_ulaw2pcm(g711_pcm2ulaw(pcm[i]));
		*t += 20 * MS;
		dtmf_rx_audio(rx, pcm, N, *t);
	}
}

static void test_rx_inband(void **state)
{
	struct dtmf_rx rx;
	struct got g = {0};
	uint64_t t = 0;
	(void)state;

	assert_int_equal(dtmf_rx_init(&rx, SRATE, true, on_digit, &g), 0);
	feed_tone(&rx, '4', 100, &t);
	feed_tone(&rx, '#', 100, &t);
	feed_tone(&rx, '4', 100, &t);
	feed_tone(&rx, 'B', 100, &t);
	feed_tone(&rx, 'D', 100, &t);
	assert_string_equal(g.digits, "4#4BD");
	assert_int_equal(g.method[1], DTMF_INBAND);
	dtmf_rx_close(&rx);

	/* Detection off: the same audio reports nothing. */
	memset(&g, 0, sizeof(g));
	assert_int_equal(dtmf_rx_init(&rx, SRATE, false, on_digit, &g), 0);
	feed_tone(&rx, '4', 100, &t);
	assert_int_equal(g.n, 0);
	dtmf_rx_close(&rx);
}

/* A digit sent both ways is reported once, as RFC 4733. */
static void test_rx_once(void **state)
{
	struct dtmf_rx rx;
	struct got g = {0};
	uint64_t t = 0;
	(void)state;

	assert_int_equal(dtmf_rx_init(&rx, SRATE, true, on_digit, &g), 0);

	event(&rx, 7, false, 160, 100, t);
	feed_tone(&rx, '7', 100, &t);        /* during the event */
	event(&rx, 7, true, 800, 100, t);
	feed_tone(&rx, '7', 100, &t);        /* just after it */
	assert_int_equal(g.n, 1);
	assert_int_equal(g.digits[0], '7');
	assert_int_equal(g.method[0], DTMF_RFC4733);

	/* Heard in-band first, then the event for it: still once. */
	t += 2000 * (uint64_t)MS;
	feed_tone(&rx, '8', 100, &t);
	event(&rx, 8, true, 800, 5000, t);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.method[1], DTMF_INBAND);

	/* Later, the same digit by another method is a new digit. */
	t += 2000 * (uint64_t)MS;
	dtmf_rx_info(&rx, '8', 100, t);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.method[2], DTMF_INFO);
	dtmf_rx_close(&rx);
}

/* Fuzzing found a digit outside 0-9 * # A-D reported for an INFO: only
 * DTMF digits are ever reported, whoever parsed them. */
static void test_rx_info_only_digits(void **state)
{
	const char bad[] = {'\0', 'x', 'E', ' ', '\x1b', (char)0xe9, '\n'};
	struct dtmf_rx rx;
	struct got g;
	(void)state;

	memset(&g, 0, sizeof(g));
	assert_int_equal(dtmf_rx_init(&rx, SRATE, false, on_digit, &g), 0);
	for (size_t i = 0; i < sizeof(bad); i++)
		dtmf_rx_info(&rx, bad[i], 100, (uint64_t)i * 1000 * MS);
	assert_int_equal(g.n, 0);

	dtmf_rx_info(&rx, 'b', 100, 10000 * MS);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.digits[0], 'B');
	dtmf_rx_close(&rx);
}

static void test_info_bodies(void **state)
{
	char buf[64], d;
	uint32_t dur;
	const char *b;
	(void)state;

	assert_int_equal(dtmf_info_body(buf, sizeof(buf), '#', 160), 0);
	assert_string_equal(buf, "Signal=#\r\nDuration=160\r\n");
	assert_int_equal(dtmf_info_body(buf, sizeof(buf), 'x', 160), EINVAL);

	b = "Signal=5\r\nDuration=250\r\n";
	assert_int_equal(dtmf_info_parse("application/dtmf-relay", b,
					 strlen(b), &d, &dur), 0);
	assert_int_equal(d, '5');
	assert_int_equal(dur, 250);

	b = "signal = 11\nduration=100";   /* event code, LF, spaces */
	assert_int_equal(dtmf_info_parse("Application/DTMF-Relay; x=1", b,
					 strlen(b), &d, &dur), 0);
	assert_int_equal(d, '#');
	assert_int_equal(dur, 100);

	assert_int_equal(dtmf_info_parse("application/dtmf", "*", 1, &d,
					 &dur), 0);
	assert_int_equal(d, '*');

	b = "Signal=Z\r\n";
	assert_int_equal(dtmf_info_parse("application/dtmf-relay", b,
					 strlen(b), &d, &dur), EINVAL);
	assert_int_equal(dtmf_info_parse("application/dtmf-relay", "", 0,
					 &d, &dur), EINVAL);
	assert_int_equal(dtmf_info_parse("text/plain", "5", 1, &d, &dur),
			 ENOTSUP);
	/* a body that is not NUL-terminated and ends in digits */
	memcpy(buf, "Signal=3\nDuration=12345678", 26);
	memset(buf + 26, '9', sizeof(buf) - 26);
	assert_int_equal(dtmf_info_parse("application/dtmf-relay", buf, 22,
					 &d, &dur), 0);
	assert_int_equal(dur, 1234);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_queue_limits),
		cmocka_unit_test(test_tx_rfc4733),
		cmocka_unit_test(test_tx_inband),
		cmocka_unit_test(test_tx_info_spacing),
		cmocka_unit_test(test_rx_rfc4733),
		cmocka_unit_test(test_rx_inband),
		cmocka_unit_test(test_rx_once),
		cmocka_unit_test(test_rx_info_only_digits),
		cmocka_unit_test(test_info_bodies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
