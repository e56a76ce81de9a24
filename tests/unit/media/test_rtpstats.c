/* RFC 3550 receive statistics: sequence tracking (A.1), loss, jitter
 * (A.8). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "media/rtpstats.h"

enum { PT = 0, FRAME = 160, TRANSIT = 1000 };

/* A 20 ms G.711 packet with sequence SEQ and constant transit. */
static void pkt(struct rtpstats *st, uint16_t seq)
{
	uint32_t ts = (uint32_t)seq * FRAME;

	rtpstats_update(st, seq, ts, ts + TRANSIT, FRAME, PT, true);
}

static void test_empty(void **state)
{
	struct rtpstats st;

	(void)state;
	memset(&st, 0, sizeof(st));
	assert_int_equal(rtpstats_expected(&st), 0);
	assert_int_equal(rtpstats_lost(&st), 0);
	assert_true(rtpstats_jitter_ms(&st, 8000) == 0.0);
	assert_int_equal(rtpstats_expected(NULL), 0);
	assert_int_equal(rtpstats_lost(NULL), 0);
}

static void test_in_order(void **state)
{
	struct rtpstats st;

	(void)state;
	memset(&st, 0, sizeof(st));
	for (uint16_t s = 1000; s < 1100; s++)
		pkt(&st, s);

	assert_int_equal(rtpstats_expected(&st), 100);
	assert_int_equal(rtpstats_lost(&st), 0);
	assert_int_equal(st.received, 100);
	assert_int_equal(st.bytes, 100 * FRAME);
	assert_int_equal(st.ooo, 0);
	assert_int_equal(st.base_seq, 1000);
	assert_int_equal(rtpstats_ext_max(&st), 1099);
	assert_int_equal(st.last_pt, PT);
}

static void test_gap(void **state)
{
	struct rtpstats st;

	(void)state;
	memset(&st, 0, sizeof(st));
	for (uint16_t s = 0; s < 20; s++) {
		if (s >= 10 && s <= 12)
			continue;
		pkt(&st, s);
	}

	assert_int_equal(rtpstats_expected(&st), 20);
	assert_int_equal(st.received, 17);
	assert_int_equal(rtpstats_lost(&st), 3);
	assert_int_equal(st.ooo, 0);
}

static void test_reorder(void **state)
{
	struct rtpstats st;

	(void)state;
	memset(&st, 0, sizeof(st));
	for (uint16_t s = 0; s <= 4; s++)
		pkt(&st, s);
	pkt(&st, 6);
	/* 5 is missing for now. */
	assert_int_equal(rtpstats_lost(&st), 1);

	pkt(&st, 5);
	assert_int_equal(st.ooo, 1);
	assert_int_equal(rtpstats_lost(&st), 0);
	/* A late packet does not move the highest sequence back. */
	assert_int_equal(st.max_seq, 6);

	for (uint16_t s = 7; s < 10; s++)
		pkt(&st, s);
	assert_int_equal(rtpstats_expected(&st), 10);
	assert_int_equal(rtpstats_lost(&st), 0);
	assert_int_equal(st.ooo, 1);
}

static void test_duplicate(void **state)
{
	struct rtpstats st;

	(void)state;
	memset(&st, 0, sizeof(st));
	for (uint16_t s = 0; s < 10; s++)
		pkt(&st, s);
	pkt(&st, 9);
	pkt(&st, 9);
	pkt(&st, 3);

	/* 13 received for 10 expected: loss is zero, never negative. */
	assert_int_equal(st.received, 13);
	assert_int_equal(rtpstats_expected(&st), 10);
	assert_int_equal(rtpstats_lost(&st), 0);
	assert_int_equal(st.max_seq, 9);

	/* The next one in order still counts as expected. */
	pkt(&st, 10);
	assert_int_equal(rtpstats_expected(&st), 11);
	assert_int_equal(st.max_seq, 10);
	assert_int_equal(rtpstats_lost(&st), 0);
}

static void test_wrap(void **state)
{
	struct rtpstats st;
	uint16_t s = 65530;

	(void)state;
	memset(&st, 0, sizeof(st));
	/* 65530 .. 65535, 0 .. 5 */
	for (int i = 0; i < 12; i++)
		pkt(&st, s++);

	assert_int_equal(st.received, 12);
	assert_int_equal(rtpstats_expected(&st), 12);
	assert_int_equal(rtpstats_lost(&st), 0);
	assert_int_equal(st.cycles, 65536);
	assert_int_equal(rtpstats_ext_max(&st), 65536 + 5);

	/* A late packet from before the wrap is not a second wrap. */
	pkt(&st, 65535);
	assert_int_equal(st.cycles, 65536);
	assert_int_equal(st.ooo, 1);

	/* Loss across the wrap. */
	memset(&st, 0, sizeof(st));
	pkt(&st, 65534);
	pkt(&st, 1);
	assert_int_equal(rtpstats_expected(&st), 4);
	assert_int_equal(rtpstats_lost(&st), 2);
}

static void test_jitter_constant(void **state)
{
	struct rtpstats st;
	uint32_t ts = 0xffffff00u;   /* the timestamp wraps too */

	(void)state;
	memset(&st, 0, sizeof(st));
	for (uint16_t s = 0; s < 50; s++, ts += FRAME)
		rtpstats_update(&st, s, ts, ts + 12345, FRAME, PT, true);

	assert_true(st.jitter == 0.0);
	assert_true(rtpstats_jitter_ms(&st, 8000) == 0.0);
}

static void test_jitter_alternating(void **state)
{
	struct rtpstats st;
	uint32_t ts = 0;

	(void)state;
	memset(&st, 0, sizeof(st));

	/* Transit alternates between T and T+80: |D| is 80 every time. */
	rtpstats_update(&st, 0, ts, ts + TRANSIT, FRAME, PT, true);
	assert_true(st.jitter == 0.0);
	ts += FRAME;
	rtpstats_update(&st, 1, ts, ts + TRANSIT + 80, FRAME, PT, true);
	/* J = 0 + (80 - 0) / 16 */
	assert_float_equal(st.jitter, 5.0, 1e-9);
	ts += FRAME;
	rtpstats_update(&st, 2, ts, ts + TRANSIT, FRAME, PT, true);
	/* J = 5 + (80 - 5) / 16 */
	assert_float_equal(st.jitter, 9.6875, 1e-9);

	for (uint16_t s = 3; s < 300; s++) {
		ts += FRAME;
		rtpstats_update(&st, s, ts, ts + TRANSIT + (s & 1) * 80,
				FRAME, PT, true);
	}
	assert_float_equal(st.jitter, 80.0, 0.01);
	/* 80 units at 8 kHz are 10 ms; at 16 kHz 5 ms. */
	assert_float_equal(rtpstats_jitter_ms(&st, 8000), 10.0, 0.01);
	assert_float_equal(rtpstats_jitter_ms(&st, 16000), 5.0, 0.01);
	assert_true(rtpstats_jitter_ms(&st, 0) == 0.0);
}

/* Fuzzing found signed overflow here: a timestamp that makes the
 * transit difference exactly 2^31 (INT32_MIN as a signed D).  |D| is
 * 2^31, either way round, and nothing overflows (UBSan watches). */
static void test_jitter_extreme_timestamps(void **state)
{
	struct rtpstats st;
	(void)state;

	memset(&st, 0, sizeof(st));
	rtpstats_update(&st, 0, 0, 1000, FRAME, PT, true);
	rtpstats_update(&st, 1, UINT32_C(0x80000000), 1000, FRAME, PT, true);
	assert_float_equal(st.jitter, 2147483648.0 / 16, 1e-3);

	memset(&st, 0, sizeof(st));
	rtpstats_update(&st, 0, UINT32_C(0x80000000), 0, FRAME, PT, true);
	rtpstats_update(&st, 1, 0, 0, FRAME, PT, true);
	assert_float_equal(st.jitter, 2147483648.0 / 16, 1e-3);

	/* one unit short of it, the other way */
	memset(&st, 0, sizeof(st));
	rtpstats_update(&st, 0, 0, 0, FRAME, PT, true);
	rtpstats_update(&st, 1, UINT32_C(0x7fffffff), 0, FRAME, PT, true);
	assert_float_equal(st.jitter, 2147483647.0 / 16, 1e-3);
}

static void test_jitter_early_and_late(void **state)
{
	struct rtpstats st;

	(void)state;
	memset(&st, 0, sizeof(st));

	/* A packet 160 units early counts the same as one 160 late. */
	rtpstats_update(&st, 0, 1000, 5000, FRAME, PT, true);
	rtpstats_update(&st, 1, 1160, 5000, FRAME, PT, true);
	assert_float_equal(st.jitter, 10.0, 1e-9);
}

static void test_jitter_not_counted(void **state)
{
	struct rtpstats st;
	uint32_t ts = 0;

	(void)state;
	memset(&st, 0, sizeof(st));
	for (uint16_t s = 0; s < 10; s++, ts += FRAME)
		rtpstats_update(&st, s, ts, ts + TRANSIT, FRAME, PT, true);

	/* RFC 4733 events repeat one timestamp while time goes on. */
	for (uint16_t s = 10; s < 16; s++)
		rtpstats_update(&st, s, 1600, 1600 + TRANSIT + (s - 9) * 160,
				4, 101, false);
	assert_true(st.jitter == 0.0);
	assert_int_equal(st.received, 16);
	assert_int_equal(st.last_pt, 101);
	assert_int_equal(st.bytes, 10 * FRAME + 6 * 4);

	/* Audio resumes on the same timeline: still no jitter, because the
	 * events did not move the reference transit. */
	ts = 16 * FRAME;
	for (uint16_t s = 16; s < 20; s++, ts += FRAME)
		rtpstats_update(&st, s, ts, ts + TRANSIT, FRAME, PT, true);
	assert_true(st.jitter == 0.0);
	assert_int_equal(rtpstats_lost(&st), 0);
	assert_int_equal(st.last_pt, PT);
}

static void test_restart(void **state)
{
	struct rtpstats st;

	(void)state;
	memset(&st, 0, sizeof(st));
	for (uint16_t s = 100; s < 110; s++)
		pkt(&st, s);

	/* A jump beyond MAX_DROPOUT: a new sender; counting starts again. */
	for (uint16_t s = 40000; s < 40005; s++)
		pkt(&st, s);
	assert_int_equal(st.base_seq, 40000);
	assert_int_equal(rtpstats_expected(&st), 5);
	assert_int_equal(st.received, 5);
	assert_int_equal(rtpstats_lost(&st), 0);
}

/* RFC 3550 A.1 restarts only after two sequential packets past a big
 * jump; a single stray packet must not wipe the counters. */
static void test_stray_packet(void **state)
{
	struct rtpstats st;

	(void)state;

	memset(&st, 0, sizeof(st));
	for (uint16_t s = 0; s < 10; s++)
		pkt(&st, s);
	pkt(&st, 40000);
	for (uint16_t s = 10; s < 20; s++)
		pkt(&st, s);

	assert_int_equal(st.base_seq, 0);
	assert_int_equal(rtpstats_expected(&st), 20);
	assert_int_equal(rtpstats_lost(&st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_reorder),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_jitter_constant),
		cmocka_unit_test(test_jitter_alternating),
		cmocka_unit_test(test_jitter_extreme_timestamps),
		cmocka_unit_test(test_jitter_early_and_late),
		cmocka_unit_test(test_jitter_not_counted),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_stray_packet),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
