/* The jitter buffer: buffering, ordering, loss, underrun, and the
 * shapes a real receive path throws at it (a burst after a stall, a
 * silent sender, a sequence jump, a new SSRC, a timestamp jump). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "media/jitter.h"

enum { FRAME = 160, SSRC = 0x5eed };

/* A frame whose bytes say which sequence it carries, from SSRC_ at TS. */
static int put_from(struct jitbuf *jb, uint32_t ssrc_, uint16_t seq,
		    uint32_t ts)
{
	uint8_t data[FRAME];

	memset(data, seq & 0xff, sizeof(data));
	data[0] = (uint8_t)(seq >> 8);
	return jitbuf_put(jb, ssrc_, seq, ts, data, sizeof(data));
}

static int put(struct jitbuf *jb, uint16_t seq)
{
	return put_from(jb, SSRC, seq, (uint32_t)seq * FRAME);
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

	/* Re-buffer to depth before playing again; the listener hears
	 * that tick as silence too. */
	assert_int_equal(put(&jb, 12), 0);
	assert_int_equal(get(&jb), ENOENT);
	assert_int_equal(jb.concealed, 2);
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
	assert_int_equal(jb.dropped, 1);
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

	/* 12..19 lost; more than the target depth came after: waiting
	 * for 12 only adds delay, so the oldest frame held plays now. */
	for (uint16_t s = 20; s < 24; s++)
		assert_int_equal(put(&jb, s), 0);
	get_seq(&jb, 20);
	get_seq(&jb, 21);
	assert_int_equal(jb.concealed, 0);
	/* What comes of 12..19 now is late. */
	assert_int_equal(put(&jb, 15), ETIMEDOUT);
}

static void test_overflow(void **state)
{
	struct jitbuf jb;

	(void)state;
	jitbuf_init(&jb, 2);
	assert_int_equal(put(&jb, 10), 0);
	assert_int_equal(put(&jb, 11), 0);

	/* A whole buffer ahead: 10 must go to make room, playout goes on
	 * with 11 and nothing held is concealed. */
	assert_int_equal(put(&jb, 10 + JITBUF_SLOTS), 0);
	assert_int_equal(jb.dropped, 1);
	assert_int_equal(jb.count, 2);
	get_seq(&jb, 11);
	assert_int_equal(jb.concealed, 0);
}

static void test_oversize(void **state)
{
	struct jitbuf jb;
	static uint8_t big[JITBUF_MAXFRAME + 1];
	uint8_t out[JITBUF_MAXFRAME];
	size_t len;

	(void)state;
	jitbuf_init(&jb, 1);
	assert_int_equal(jitbuf_put(&jb, SSRC, 1, 0, big, sizeof(big)), EMSGSIZE);
	assert_int_equal(jb.dropped, 1);
	assert_int_equal(jb.count, 0);

	/* The largest allowed frame goes through whole. */
	memset(big, 0x5a, sizeof(big));
	assert_int_equal(jitbuf_put(&jb, SSRC, 1, 0, big, JITBUF_MAXFRAME), 0);

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

/* A stream that has played steadily (one put and one get per tick) for
 * TICKS ticks from FIRST, every tick its frame.  Returns the next
 * sequence to send; *PLAY the next to be played. */
static uint16_t playing(struct jitbuf *jb, uint16_t first, unsigned ticks,
			uint16_t *play)
{
	uint16_t seq = first;

	jitbuf_init(jb, 2);
	assert_int_equal(put(jb, seq++), 0);
	*play = first;
	for (unsigned i = 0; i < ticks; i++) {
		assert_int_equal(put(jb, seq++), 0);
		get_seq(jb, (*play)++);
	}
	return seq;
}

/* N steady ticks from SSRC_ at *SEQ on: how many of them were silent. */
static unsigned silent_ticks(struct jitbuf *jb, uint32_t ssrc_, uint16_t *seq,
			     unsigned n)
{
	unsigned silent = 0;

	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(put_from(jb, ssrc_, *seq, 0), 0);
		++*seq;
		if (get(jb))
			++silent;
	}
	return silent;
}

/* The shape: steady flow, the receiver stalls for 8 ticks (no
 * gets), the 8 frames queued in the socket arrive together, then steady
 * again.  Every frame must still play or be given back as latency; none
 * may be concealed, and playout must never stop. */
static void test_burst_after_receive_stall(void **state)
{
	struct jitbuf jb;
	uint16_t play, seq = playing(&jb, 100, 50, &play);

	(void)state;
	for (int i = 0; i < 8; i++)
		assert_int_equal(put(&jb, seq++), 0);
	/* 10 s of steady flow after the burst. */
	assert_int_equal(silent_ticks(&jb, SSRC, &seq, 500), 0);
	assert_int_equal(jb.concealed, 0);
	/* The surplus was given back: latency is at the target again. */
	assert_true(jb.count <= jb.depth);
	assert_true(jb.dropped <= 8);
}

/* The same burst over a buffer that was already deep (a backlog longer
 * than the buffer holds): the oldest frames go, playout goes on. */
static void test_burst_longer_than_buffer(void **state)
{
	struct jitbuf jb;
	uint16_t play, seq = playing(&jb, 7, 10, &play);

	(void)state;
	for (int i = 0; i < 3 * JITBUF_SLOTS; i++)
		assert_int_equal(put(&jb, seq++), 0);
	assert_int_equal(jb.count, JITBUF_SLOTS);
	assert_int_equal(silent_ticks(&jb, SSRC, &seq, 200), 0);
	assert_true(jb.count <= jb.depth);
}

/* The sender stops for 10 ticks (SIGSTOP, a CPU stall) and goes on with
 * the next sequence number: each silent tick counts as concealed, and
 * playout is back within the target depth of the sender's return. */
static void test_sender_stall(void **state)
{
	struct jitbuf jb;
	uint16_t play, seq = playing(&jb, 1, 20, &play);
	unsigned silent;

	(void)state;
	/* What is held still plays; then silence. */
	get_seq(&jb, play++);
	for (int i = 0; i < 10; i++)
		assert_int_equal(get(&jb), ENOENT);
	assert_int_equal(jb.concealed, 10);

	/* Back: the first get waits for depth, then every tick plays. */
	silent = silent_ticks(&jb, SSRC, &seq, 50);
	assert_true(silent <= jb.depth);
	assert_int_equal(jb.concealed, 10 + silent);
	assert_int_equal(jb.dropped, 0);
}

/* A network queue that held 10 frames lets them go at once: they play in
 * order (the listener heard the gap already), and the latency they add
 * is given back within the shrink window. */
static void test_network_burst(void **state)
{
	struct jitbuf jb;
	uint16_t play, seq = playing(&jb, 40, 20, &play);

	(void)state;
	get_seq(&jb, play++);
	for (int i = 0; i < 10; i++)
		assert_int_equal(get(&jb), ENOENT);
	for (int i = 0; i < 10; i++)
		assert_int_equal(put(&jb, seq++), 0);
	get_seq(&jb, play++);
	assert_int_equal(silent_ticks(&jb, SSRC, &seq,
				      2 * JITBUF_SHRINK_TICKS), 0);
	assert_true(jb.count <= jb.depth);
}

/* The sender's sequence jumps far ahead (a restart that kept its SSRC):
 * a new timeline at once, not a thousand concealed ticks. */
static void test_seq_jump_ahead(void **state)
{
	struct jitbuf jb;
	uint16_t play, seq = playing(&jb, 500, 10, &play);

	(void)state;
	seq += 1000;
	assert_true(silent_ticks(&jb, SSRC, &seq, 50) <= jb.depth);
}

/* ... and far behind: not "late" for the rest of the call. */
static void test_seq_jump_back(void **state)
{
	struct jitbuf jb;
	uint16_t play, seq = playing(&jb, 30000, 10, &play);

	(void)state;
	seq -= 20000;
	/* the first looks like a stray; the second confirms the restart */
	assert_int_equal(put(&jb, seq++), ETIMEDOUT);
	assert_true(silent_ticks(&jb, SSRC, &seq, 50) <= jb.depth);
	assert_int_equal(jb.late, 0);
}

/* A new SSRC (a PBX switching the source) with a sequence that happens
 * to be behind the old one: the new source plays. */
static void test_ssrc_change(void **state)
{
	struct jitbuf jb;
	uint16_t play, seq = playing(&jb, 9000, 10, &play);

	(void)state;
	seq = 8990;
	assert_true(silent_ticks(&jb, SSRC + 1, &seq, 50) <= jb.depth);
	assert_int_equal(jb.late, 0);
}

/* The timestamp jumps (silence suppression, a sender whose clock ran on
 * while it sent nothing) with the sequence contiguous: nothing is lost,
 * nothing concealed. */
static void test_ts_jump(void **state)
{
	struct jitbuf jb;
	uint16_t play, seq = playing(&jb, 2000, 10, &play);
	uint32_t ts = (uint32_t)seq * FRAME + 8000 * 30;   /* 30 s on */

	(void)state;
	for (int i = 0; i < 50; i++) {
		ts += FRAME;
		assert_int_equal(put_from(&jb, SSRC, seq++, ts), 0);
		get_seq(&jb, play++);
	}
	assert_int_equal(jb.concealed, 0);
	assert_int_equal(jb.dropped, 0);
}

/* A burst over a gap (frame 100 lost): only what does not fit goes. */
static void test_burst_over_gap(void **state)
{
	struct jitbuf jb;
	uint16_t play, seq = playing(&jb, 90, 9, &play);

	(void)state;
	assert_int_equal(seq, 100);
	get_seq(&jb, 99);
	for (uint16_t s = 101; s <= 115; s++)
		assert_int_equal(put(&jb, s), 0);
	/* 116 is 16 past the lost 100 but only 15 past 101: it fits. */
	assert_int_equal(put(&jb, 116), 0);
	assert_int_equal(jb.dropped, 0);
	get_seq(&jb, 101);
	assert_int_equal(jb.concealed, 0);
}

/* Before playout starts, frames far apart: playout starts where it can
 * play, not at a frame a whole buffer away from the rest. */
static void test_prestart_far_apart(void **state)
{
	struct jitbuf jb;

	(void)state;
	jitbuf_init(&jb, 3);
	assert_int_equal(put(&jb, 50), 0);
	assert_int_equal(put(&jb, 30), 0);     /* 50 is out of reach now */
	assert_int_equal(jb.count, 1);
	assert_int_equal(put(&jb, 31), 0);
	assert_int_equal(put(&jb, 32), 0);
	get_seq(&jb, 30);
	get_seq(&jb, 31);
	get_seq(&jb, 32);

	/* Across the wrap's other half: a new timeline, not "older". */
	jitbuf_init(&jb, 2);
	assert_int_equal(put(&jb, 40000), 0);
	assert_int_equal(put(&jb, 5), 0);
	assert_int_equal(put(&jb, 6), 0);
	get_seq(&jb, 5);
	get_seq(&jb, 6);
}

/* One old frame far behind (a duplicate from long ago) is a straggler:
 * it goes, and playout keeps its place and its frames. */
static void test_stray_far_behind(void **state)
{
	struct jitbuf jb;
	uint16_t play, seq = playing(&jb, 5000, 10, &play);

	(void)state;
	assert_int_equal(put(&jb, 1000), ETIMEDOUT);
	assert_int_equal(silent_ticks(&jb, SSRC, &seq, 20), 0);
	assert_int_equal(jb.dropped, 1);
}

/* After an SSRC change, a packet of the old source still on its way is
 * history, not a second switch. */
static void test_old_ssrc_straggler(void **state)
{
	struct jitbuf jb;
	uint16_t play, seq = playing(&jb, 700, 10, &play);
	uint16_t other = 100;
	unsigned silent;

	(void)state;
	silent = silent_ticks(&jb, SSRC + 1, &other, 5);
	assert_int_equal(put(&jb, seq), ETIMEDOUT);
	silent += silent_ticks(&jb, SSRC + 1, &other, 20);
	assert_true(silent <= jb.depth);
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
		cmocka_unit_test(test_burst_after_receive_stall),
		cmocka_unit_test(test_burst_longer_than_buffer),
		cmocka_unit_test(test_sender_stall),
		cmocka_unit_test(test_network_burst),
		cmocka_unit_test(test_seq_jump_ahead),
		cmocka_unit_test(test_seq_jump_back),
		cmocka_unit_test(test_ssrc_change),
		cmocka_unit_test(test_ts_jump),
		cmocka_unit_test(test_burst_over_gap),
		cmocka_unit_test(test_prestart_far_apart),
		cmocka_unit_test(test_stray_far_behind),
		cmocka_unit_test(test_old_ssrc_straggler),
		cmocka_unit_test(test_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
