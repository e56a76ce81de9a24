/* The PCM ring shared by the recorder and the monitor: capacity, all or
 * nothing writes, reads across the wrap, positions that overflow, and a
 * real producer and consumer thread that must see every frame once, in
 * order. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "media/pcmring.h"

static void test_capacity(void **state)
{
	struct pcmring rg;
	(void)state;

	assert_int_equal(pcmring_init(&rg, 100, 1), 0);
	assert_int_equal(pcmring_capacity(&rg), 128);
	assert_int_equal(pcmring_fill(&rg), 0);
	assert_int_equal(pcmring_space(&rg), 128);
	pcmring_free(&rg);
	assert_int_equal(pcmring_capacity(&rg), 0);

	assert_int_equal(pcmring_init(&rg, 0, 1), 0);
	assert_int_equal(pcmring_capacity(&rg), 1);
	pcmring_free(&rg);

	assert_int_equal(pcmring_init(&rg, 8, 0), EINVAL);
	assert_int_equal(pcmring_init(&rg, SIZE_MAX / 2, 2), EINVAL);
}

static void test_all_or_nothing(void **state)
{
	int16_t in[16], out[16];
	struct pcmring rg;
	(void)state;

	for (int i = 0; i < 16; i++)
		in[i] = (int16_t)(i + 1);

	assert_int_equal(pcmring_init(&rg, 16, 1), 0);
	assert_true(pcmring_write(&rg, in, 10));
	assert_false(pcmring_write(&rg, in, 7));   /* 6 left: none goes */
	assert_int_equal(pcmring_fill(&rg), 10);
	assert_true(pcmring_write(&rg, in, 6));
	assert_int_equal(pcmring_space(&rg), 0);

	assert_int_equal(pcmring_read(&rg, out, 16), 16);
	assert_memory_equal(out, in, 10 * sizeof(*in));
	assert_memory_equal(out + 10, in, 6 * sizeof(*in));
	assert_int_equal(pcmring_read(&rg, out, 4), 0);
	pcmring_free(&rg);
}

/* Stereo frames written across the end of the buffer come out whole. */
static void test_wrap_stereo(void **state)
{
	const int16_t *p;
	int16_t out[2 * 8];
	struct pcmring rg;
	int16_t next = 0, want = 0;
	(void)state;

	assert_int_equal(pcmring_init(&rg, 8, 2), 0);
	for (int round = 0; round < 50; round++) {
		size_t n = 1 + (size_t)round % 5, k;

		for (k = 0; k < n; k++) {
			int16_t *f = pcmring_slot(&rg, k);

			f[0] = next;
			f[1] = (int16_t)-next;
			next++;
		}
		pcmring_commit(&rg, n);

		/* peek never runs past the end of the buffer */
		k = pcmring_peek(&rg, &p);
		assert_true(k >= 1 && k <= n);
		assert_true(p + 2 * k <= rg.buf + 2 * 8);

		assert_int_equal(pcmring_read(&rg, out, 8), n);
		for (k = 0; k < n; k++, want++) {
			assert_int_equal(out[2 * k], want);
			assert_int_equal(out[2 * k + 1], -want);
		}
	}
	pcmring_free(&rg);
}

/* The consumer may drop frames unheard (the monitor's ceiling). */
static void test_release_drops_oldest(void **state)
{
	int16_t in[6] = {1, 2, 3, 4, 5, 6}, out[6];
	struct pcmring rg;
	(void)state;

	assert_int_equal(pcmring_init(&rg, 8, 1), 0);
	assert_true(pcmring_write(&rg, in, 6));
	pcmring_release(&rg, 4);
	assert_int_equal(pcmring_fill(&rg), 2);
	assert_int_equal(pcmring_read(&rg, out, 6), 2);
	assert_int_equal(out[0], 5);
	assert_int_equal(out[1], 6);
	pcmring_free(&rg);
}

/* Positions count frames forever: past SIZE_MAX they wrap and the
 * arithmetic still holds. */
static void test_position_overflow(void **state)
{
	int16_t in[5] = {10, 11, 12, 13, 14}, out[5];
	struct pcmring rg;
	(void)state;

	assert_int_equal(pcmring_init(&rg, 8, 1), 0);
	atomic_store(&rg.head, SIZE_MAX - 2);
	atomic_store(&rg.tail, SIZE_MAX - 2);
	assert_int_equal(pcmring_fill(&rg), 0);
	assert_true(pcmring_write(&rg, in, 5));
	assert_int_equal(pcmring_fill(&rg), 5);
	assert_int_equal(pcmring_space(&rg), 3);
	assert_int_equal(pcmring_read(&rg, out, 5), 5);
	assert_memory_equal(out, in, sizeof(in));
	assert_int_equal(atomic_load(&rg.head), 2);
	pcmring_free(&rg);
}

enum { THREAD_FRAMES = 2000000 };

static void *producer(void *arg)
{
	struct pcmring *rg = arg;
	int16_t chunk[2 * 97];
	uint32_t v = 0;
	unsigned seed = 7;

	while (v < THREAD_FRAMES) {
		size_t n = 1 + (size_t)rand_r(&seed) % 97, k;

		if (n > THREAD_FRAMES - v)
			n = THREAD_FRAMES - v;
		for (k = 0; k < n; k++) {
			chunk[2 * k] = (int16_t)(v + k);
			chunk[2 * k + 1] = (int16_t)((v + k) >> 16);
		}
		if (pcmring_write(rg, chunk, n))
			v += (uint32_t)n;
	}
	return NULL;
}

static void test_two_threads(void **state)
{
	struct pcmring rg;
	pthread_t th;
	int16_t out[2 * 61];
	uint32_t want = 0;
	unsigned seed = 11;
	(void)state;

	assert_int_equal(pcmring_init(&rg, 256, 2), 0);
	assert_int_equal(pthread_create(&th, NULL, producer, &rg), 0);

	while (want < THREAD_FRAMES) {
		size_t n = pcmring_read(&rg, out, 1 + rand_r(&seed) % 61);

		for (size_t k = 0; k < n; k++, want++) {
			uint32_t got = (uint16_t)out[2 * k] |
				(uint32_t)(uint16_t)out[2 * k + 1] << 16;

			if (got != want)
				fail_msg("frame %u came as %u", want, got);
		}
	}

	pthread_join(th, NULL);
	assert_int_equal(pcmring_fill(&rg), 0);
	pcmring_free(&rg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_all_or_nothing),
		cmocka_unit_test(test_wrap_stereo),
		cmocka_unit_test(test_release_drops_oldest),
		cmocka_unit_test(test_position_overflow),
		cmocka_unit_test(test_two_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
