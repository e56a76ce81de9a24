/* Sound files: decoded a chunk at a time and resampled as they stream,
 * so a header that lies about its length costs nothing; files outside
 * what a sound may be are refused with a message naming them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sndfile.h>
#include <re.h>
#include "media/source.h"

static char dir[] = "/tmp/sipflow-test-source-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* SECONDS of a HZ sine on every channel, written as FORMAT. */
static void write_sine(const char *path, int format, int rate, int ch,
		       double seconds, double hz)
{
	SF_INFO info = {.samplerate = rate, .channels = ch, .format = format};
	sf_count_t frames = (sf_count_t)(seconds * rate);
	SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
	float *v;

	assert_non_null(sf);
	v = calloc((size_t)frames * (size_t)ch, sizeof(*v));
	assert_non_null(v);
	for (sf_count_t i = 0; i < frames; i++) {
		for (int c = 0; c < ch; c++)
			v[i * ch + c] = (float)(0.5 * sin(2 * M_PI * hz *
							 (double)i / rate));
	}
	assert_int_equal(sf_writef_float(sf, v, frames), frames);
	free(v);
	assert_int_equal(sf_close(sf), 0);
}

static unsigned zero_crossings(const struct clip *c)
{
	unsigned n = 0;

	for (size_t i = 1; i < c->n; i++)
		n += (c->samples[i - 1] < 0) != (c->samples[i] < 0);
	return n;
}

/* A 44.1 kHz stereo file becomes 8 kHz mono of the same length and
 * pitch: the streamed resampler loses nothing at chunk edges. */
static void test_resampled(void **state)
{
	struct clip *c = NULL;
	char path[128], err[256] = "";
	unsigned zc;
	(void)state;

	snprintf(path, sizeof(path), "%s/a.wav", dir);
	write_sine(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 2, 1.5,
		   1000);
	assert_int_equal(clip_load(&c, path, 8000, err, sizeof(err)), 0);
	assert_int_equal(c->srate, 8000);
	assert_true(c->n >= 12000 - 8 && c->n <= 12000 + 8);
	zc = zero_crossings(c);
	/* 1.5 s of 1 kHz crosses zero 3000 times */
	if (zc < 2990 || zc > 3010)
		fail_msg("%u zero crossings, want 3000", zc);
	mem_deref(c);

	/* the same rate: no resampler, the samples as they were */
	snprintf(path, sizeof(path), "%s/b.wav", dir);
	write_sine(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, 0.25,
		   500);
	assert_int_equal(clip_load(&c, path, 8000, err, sizeof(err)), 0);
	assert_int_equal(c->n, 2000);
	mem_deref(c);
}

/* Fuzzing found a 4.5 GB allocation sized from a header.  A FLAC whose
 * STREAMINFO claims an hour at 384 kHz (11 GB of float frames, sized
 * the old way) holds 0.2 s: we decode what is there and never size
 * anything from the claim.  Under ASan the old code aborts here. */
static void test_lying_header(void **state)
{
	struct clip *c = NULL;
	char path[128], err[256] = "";
	unsigned char b[26];
	FILE *f;
	(void)state;

	snprintf(path, sizeof(path), "%s/lie.flac", dir);
	write_sine(path, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 8000, 1, 0.2,
		   440);

	/* "fLaC", a block header, then STREAMINFO: the 64 bits at offset
	 * 18 hold the rate (20 bits), channels, bits and the total (36). */
	f = fopen(path, "r+b");
	assert_non_null(f);
	assert_int_equal(fread(b, 1, sizeof(b), f), sizeof(b));
	assert_memory_equal(b, "fLaC", 4);
	{
		const uint32_t rate = 384000;
		const uint64_t total = 3600ull * rate - 1;

		b[18] = (unsigned char)(rate >> 12);
		b[19] = (unsigned char)(rate >> 4);
		b[20] = (unsigned char)((rate & 0xf) << 4 | (b[20] & 0x0f));
		b[21] = (unsigned char)((b[21] & 0xf0) | (total >> 32));
		for (int i = 0; i < 4; i++)
			b[22 + i] = (unsigned char)(total >> (24 - 8 * i));
	}
	assert_int_equal(fseek(f, 18, SEEK_SET), 0);
	assert_int_equal(fwrite(b + 18, 1, 8, f), 8);
	assert_int_equal(fclose(f), 0);

	if (clip_load(&c, path, 8000, err, sizeof(err)) == 0) {
		/* 1600 samples read as 384 kHz are 34 at 8 kHz */
		assert_true(c->n <= 1600 + 16);
		mem_deref(c);
	}
	else {
		assert_non_null(strstr(err, path));
	}
}

/* A file cut short (a copy that died half way) plays what it holds, as
 * it did before the decoder streamed. */
static void test_truncated(void **state)
{
	struct clip *c = NULL;
	char path[128], err[256] = "";
	(void)state;

	snprintf(path, sizeof(path), "%s/cut.flac", dir);
	write_sine(path, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 8000, 1, 3, 440);
	assert_int_equal(truncate(path, 4000), 0);
	assert_int_equal(clip_load(&c, path, 8000, err, sizeof(err)), 0);
	if (!c->n || c->n > 24000)
		fail_msg("%zu samples from a cut 3 s file", c->n);
	mem_deref(c);
}

static void load_bad(const char *path, const char *why)
{
	struct clip *c = NULL;
	char err[256] = "";

	assert_int_not_equal(clip_load(&c, path, 8000, err, sizeof(err)), 0);
	assert_null(c);
	if (!strstr(err, path) || !strstr(err, why))
		fail_msg("want \"%s\" and \"%s\" in \"%s\"", path, why, err);
}

static void test_refused(void **state)
{
	char path[128];
	FILE *f;
	(void)state;

	snprintf(path, sizeof(path), "%s/many.wav", dir);
	write_sine(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 65, 0.01,
		   440);
	load_bad(path, "65 channels (at most 64)");

	snprintf(path, sizeof(path), "%s/slow.wav", dir);
	write_sine(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 500, 1, 0.5, 50);
	load_bad(path, "sample rate of 500 Hz");

	snprintf(path, sizeof(path), "%s/empty.wav", dir);
	write_sine(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, 0, 440);
	load_bad(path, "no audio");

	snprintf(path, sizeof(path), "%s/text.wav", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("RIFF? no, just text\n", f);
	fclose(f);
	load_bad(path, "");

	load_bad("/nonexistent/x.wav", "no such file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resampled),
		cmocka_unit_test(test_lying_header),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
