/* The fixed-depth jitter buffer: buffering, ordering, loss, underrun. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "jitter.h"

enum { FRAME = 160 };

/* A frame whose bytes say which sequence it carries. */
static int put(struct jitbuf *jb, uint16_t seq)
{
	uint8_t data[FRAME];

	memset(data, seq & 0xff, sizeof(data));
	data[0] = (uint8_t)(seq >> 8);
	return jitbuf_put(jb, seq, (uint32_t)seq * FRAME, data, sizeof(data));
}

/* The next tick must play SEQ, the frame put() made for it. */
static void get_seq(struct jitbuf *jb, uint16_t seq)
{
	uint8_t data[JITBUF_MAXFRAME];
	size_t len = sizeof(data);
	int err = jitbuf_get(jb, data, &len);

	if (err)
		fail_msg("want seq %u, got error %d", seq, err);
	assert_int_equal(len, FRAME);
	assert_int_equal(data[0], (uint8_t)(seq >> 8));
	assert_int_equal(data[1], (uint8_t)(seq & 0xff));
}

static int get(struct jitbuf *jb)
{
	uint8_t data[JITBUF_MAXFRAME];
	size_t len = sizeof(data);

	return jitbuf_get(jb, data, &len);
}

static void test_init(void **state)
{
	struct jitbuf jb;

	(void)state;
	jitbuf_init(&jb, 3);
	assert_int_equal(jb.depth, 3);
	assert_false(jb.playing);
	assert_int_equal(jb.count, 0);

	/* Depth is at least one frame and leaves a slot free. */
	jitbuf_init(&jb, 0);
	assert_int_equal(jb.depth, 1);
	jitbuf_init(&jb, 100);
	assert_int_equal(jb.depth, JITBUF_SLOTS - 1);
}

static void test_buffering(void **state)
{
	struct jitbuf jb;

	(void)state;
	jitbuf_init(&jb, 2);

	assert_int_equal(get(&jb), ENOENT);
	assert_int_equal(put(&jb, 10), 0);
	assert_false(jb.playing);
	assert_int_equal(get(&jb), ENOENT);
	/* Waiting for depth is not loss. */
	assert_int_equal(jb.concealed, 0);

	assert_int_equal(put(&jb, 11), 0);
	assert_true(jb.playing);
	get_seq(&jb, 10);
	get_seq(&jb, 11);
}

static void test_in_order(void **state)
{
	struct jitbuf jb;
	uint16_t next = 1000;

	(void)state;
	jitbuf_init(&jb, 2);
	assert_int_equal(put(&jb, 1000), 0);

	/* Steady state: one in, one out per tick. */
	for (uint16_t s = 1001; s < 1100; s++) {
		assert_int_equal(put(&jb, s), 0);
		get_seq(&jb, next++);
		assert_int_equal(jb.count, 1);
	}
	assert_int_equal(jb.concealed, 0);
	assert_int_equal(jb.late, 0);
	assert_int_equal(jb.dropped, 0);
}

static void test_reorder(void **state)
{
	struct jitbuf jb;

	(void)state;
	jitbuf_init(&jb, 2);

	/* Playout starts at the lowest sequence buffered. */
	assert_int_equal(put(&jb, 11), 0);
	assert_int_equal(put(&jb, 10), 0);
	get_seq(&jb, 10);
	get_seq(&jb, 11);

	/* Reordered while playing, within the buffer. */
	assert_int_equal(put(&jb, 13), 0);
	assert_int_equal(put(&jb, 12), 0);
	get_seq(&jb, 12);
	get_seq(&jb, 13);
	assert_int_equal(jb.concealed, 0);
}

static void test_duplicate(void **state)
{
	struct jitbuf jb;

	(void)state;
	jitbuf_init(&jb, 2);
	assert_int_equal(put(&jb, 10), 0);
	assert_int_equal(put(&jb, 10), EALREADY);
	assert_int_equal(jb.count, 1);
	assert_int_equal(put(&jb, 11), 0);
	assert_int_equal(put(&jb, 11), EALREADY);
	assert_int_equal(jb.count, 2);
	get_seq(&jb, 10);
	get_seq(&jb, 11);
	assert_int_equal(get(&jb), ENOENT);
}

static void test_late(void **state)
{
	struct jitbuf jb;

	(void)state;
	jitbuf_init(&jb, 2);
	assert_int_equal(put(&jb, 10), 0);
	assert_int_equal(put(&jb, 11), 0);
	get_seq(&jb, 10);

	/* Its slot has been played: too late. */
	assert_int_equal(put(&jb, 10), ETIMEDOUT);
	assert_int_equal(put(&jb, 9), ETIMEDOUT);
	assert_int_equal(jb.late, 2);
	get_seq(&jb, 11);
}

static void test_missing(void **state)
{
	struct jitbuf jb;

	(void)state;
	jitbuf_init(&jb, 2);
	assert_int_equal(put(&jb, 10), 0);
	assert_int_equal(put(&jb, 11), 0);
	assert_int_equal(put(&jb, 13), 0);
	assert_int_equal(put(&jb, 14), 0);

	get_seq(&jb, 10);
	get_seq(&jb, 11);
	/* 12 is lost: one concealed tick, then the timeline goes on. */
	assert_int_equal(get(&jb), ENOENT);
	assert_int_equal(jb.concealed, 1);
	assert_true(jb.playing);
	get_seq(&jb, 13);
	get_seq(&jb, 14);
	assert_int_equal(jb.concealed, 1);

	/* 12 now is late. */
	assert_int_equal(put(&jb, 12), ETIMEDOUT);
}

static void test_underrun(void **state)
{
	struct jitbuf jb;

	(void)state;
	jitbuf_init(&jb, 2);
	assert_int_equal(put(&jb, 10), 0);
	assert_int_equal(put(&jb, 11), 0);
	get_seq(&jb, 10);
	get_seq(&jb, 11);

	/* Empty: conceal and go back to buffering. */
	assert_int_equal(get(&jb), ENOENT);
	assert_int_equal(jb.concealed, 1);
	assert_false(jb.playing);

	/* Re-buffer to depth before playing again. */
	assert_int_equal(put(&jb, 12), 0);
	assert_int_equal(get(&jb), ENOENT);
	assert_int_equal(jb.concealed, 1);
	assert_int_equal(put(&jb, 13), 0);
	assert_true(jb.playing);
	get_seq(&jb, 12);
	get_seq(&jb, 13);
}

/* A frame whose tick has passed is late even while re-buffering after an
 * underrun: it must not be played a second time or move playout back. */
static void test_late_after_underrun(void **state)
{
	struct jitbuf jb;

	(void)state;

	jitbuf_init(&jb, 2);
	assert_int_equal(put(&jb, 10), 0);
	assert_int_equal(put(&jb, 11), 0);
	get_seq(&jb, 10);
	get_seq(&jb, 11);
	assert_int_equal(get(&jb), ENOENT);
	assert_false(jb.playing);

	assert_int_equal(put(&jb, 11), ETIMEDOUT);
	assert_int_equal(put(&jb, 12), 0);
	assert_int_equal(put(&jb, 13), 0);
	get_seq(&jb, 12);
}

static void test_long_gap(void **state)
{
	struct jitbuf jb;

	(void)state;
	jitbuf_init(&jb, 2);
	assert_int_equal(put(&jb, 10), 0);
	assert_int_equal(put(&jb, 11), 0);
	get_seq(&jb, 10);
	get_seq(&jb, 11);

	/* 12..19 lost; the buffer fills up with what came after.  Rather
	 * than concealing 8 ticks, playout jumps to the oldest frame. */
	for (uint16_t s = 20; s < 20 + JITBUF_SLOTS - 1; s++)
		assert_int_equal(put(&jb, s), 0);
	assert_int_equal(get(&jb), ENOENT);
	assert_int_equal(jb.concealed, 1);
	get_seq(&jb, 20);
	get_seq(&jb, 21);
}

static void test_overflow(void **state)
{
	struct jitbuf jb;

	(void)state;
	jitbuf_init(&jb, 2);
	assert_int_equal(put(&jb, 10), 0);
	assert_int_equal(put(&jb, 11), 0);

	/* A whole buffer ahead lands on 10's slot and pushes it out. */
	assert_int_equal(put(&jb, 10 + JITBUF_SLOTS), 0);
	assert_int_equal(jb.dropped, 1);
	assert_int_equal(jb.count, 2);
	assert_int_equal(get(&jb), ENOENT);
	get_seq(&jb, 11);
}

static void test_oversize(void **state)
{
	struct jitbuf jb;
	static uint8_t big[JITBUF_MAXFRAME + 1];
	uint8_t out[JITBUF_MAXFRAME];
	size_t len;

	(void)state;
	jitbuf_init(&jb, 1);
	assert_int_equal(jitbuf_put(&jb, 1, 0, big, sizeof(big)), EMSGSIZE);
	assert_int_equal(jb.dropped, 1);
	assert_int_equal(jb.count, 0);

	/* The largest allowed frame goes through whole. */
	memset(big, 0x5a, sizeof(big));
	assert_int_equal(jitbuf_put(&jb, 1, 0, big, JITBUF_MAXFRAME), 0);

	/* A caller buffer too small for it is an error, not a cut. */
	len = 10;
	assert_int_equal(jitbuf_get(&jb, out, &len), EMSGSIZE);
	len = sizeof(out);
	assert_int_equal(jitbuf_get(&jb, out, &len), 0);
	assert_int_equal(len, JITBUF_MAXFRAME);
	assert_int_equal(out[JITBUF_MAXFRAME - 1], 0x5a);
}

static void test_wrap(void **state)
{
	struct jitbuf jb;

	(void)state;
	jitbuf_init(&jb, 2);
	assert_int_equal(put(&jb, 65534), 0);
	assert_int_equal(put(&jb, 65535), 0);
	assert_int_equal(put(&jb, 0), 0);
	get_seq(&jb, 65534);
	get_seq(&jb, 65535);
	assert_int_equal(put(&jb, 1), 0);
	get_seq(&jb, 0);
	get_seq(&jb, 1);
	/* 65535 is behind 0, not far ahead. */
	assert_int_equal(put(&jb, 65535), ETIMEDOUT);

	/* Reordered across the wrap while buffering. */
	jitbuf_init(&jb, 2);
	assert_int_equal(put(&jb, 0), 0);
	assert_int_equal(put(&jb, 65535), 0);
	get_seq(&jb, 65535);
	get_seq(&jb, 0);
}

static void test_reset(void **state)
{
	struct jitbuf jb;

	(void)state;
	jitbuf_init(&jb, 3);
	assert_int_equal(put(&jb, 1), 0);
	assert_int_equal(put(&jb, 2), 0);
	assert_int_equal(put(&jb, 3), 0);
	assert_true(jb.playing);

	jitbuf_reset(&jb);
	assert_int_equal(jb.depth, 3);
	assert_false(jb.playing);
	assert_int_equal(jb.count, 0);
	assert_int_equal(get(&jb), ENOENT);

	/* A new sender may start anywhere. */
	assert_int_equal(put(&jb, 500), 0);
	assert_int_equal(put(&jb, 501), 0);
	assert_int_equal(put(&jb, 502), 0);
	get_seq(&jb, 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_buffering),
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_reorder),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_late),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_underrun),
		cmocka_unit_test(test_late_after_underrun),
		cmocka_unit_test(test_long_gap),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
