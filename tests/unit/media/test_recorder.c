/* Call recordings: file name templates, unique names, file content in
 * every mode, headers valid while recording, counters, descriptors and
 * disk errors reported through the re loop. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <sndfile.h>
#include <re.h>
#include "media/recname.h"
#include "media/recorder.h"

enum { SRATE = 8000, FRAME = 160 };

static char tmpdir[64];

/* ---- helpers ---- */

static void rm_rf(const char *path)
{
	struct dirent *de;
	char sub[PATH_MAX];
	DIR *d = opendir(path);

	if (!d) {
		(void)unlink(path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		(void)snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		rm_rf(sub);
	}
	closedir(d);
	(void)rmdir(path);
}

static int group_setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/test_recorder.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	return libre_init();
}

static int group_teardown(void **state)
{
	(void)state;
	libre_close();
	rm_rf(tmpdir);
	return 0;
}

static const char *in_tmp(char *buf, size_t sz, const char *name)
{
	(void)snprintf(buf, sz, "%s/%s", tmpdir, name);
	return buf;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static size_t count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	size_t n = 0;

	assert_non_null(d);
	while (readdir(d))
		++n;
	closedir(d);
	return n;
}

static void loop_timeout(void *arg)
{
	(void)arg;
	re_cancel();
}

/* Run the re loop for MS, or until a handler calls re_cancel(). */
static void run_loop(uint32_t ms)
{
	struct tmr t;

	tmr_init(&t);
	tmr_start(&t, ms, loop_timeout, NULL);
	(void)re_main(NULL);
	tmr_cancel(&t);
}

static struct recwriter *writer(void)
{
	struct recwriter *w = NULL;

	assert_int_equal(recwriter_alloc(&w, NULL, NULL), 0);
	assert_non_null(w);
	return w;
}

static struct recording *open_rec(struct recwriter *w, const char *name,
				  enum rec_mode mode)
{
	struct recording *r = NULL;
	char err[256] = "";
	int e = recording_open(&r, w, tmpdir, name, mode, SRATE,
			       err, sizeof(err));

	if (e)
		fail_msg("recording_open %s: %d %s", name, e, err);
	assert_non_null(r);
	return r;
}

static void put_const(struct recording *r, int16_t rxv, int16_t txv,
		      size_t frames)
{
	int16_t rx[FRAME], tx[FRAME];
	size_t i;

	for (i = 0; i < FRAME; i++) {
		rx[i] = rxv;
		tx[i] = txv;
	}
	for (i = 0; i < frames; i++)
		recording_put(r, rx, tx, FRAME);
}

/* The whole file; the caller frees the samples. */
static int16_t *read_wav(const char *path, SF_INFO *info)
{
	SNDFILE *sf;
	int16_t *data;
	sf_count_t got;

	memset(info, 0, sizeof(*info));
	sf = sf_open(path, SFM_READ, info);
	if (!sf)
		fail_msg("cannot read %s: %s", path, sf_strerror(NULL));
	assert_int_equal(info->format, SF_FORMAT_WAV | SF_FORMAT_PCM_16);

	data = calloc((size_t)info->frames * (size_t)info->channels + 1,
		      sizeof(*data));
	assert_non_null(data);
	got = sf_readf_short(sf, data, info->frames);
	assert_int_equal(got, info->frames);
	sf_close(sf);
	return data;
}

static void copy_path(char *dst, size_t sz, const struct recording *r,
		      unsigned idx)
{
	const char *p = recording_path(r, idx);

	assert_non_null(p);
	assert_true(strlen(p) < sz);
	strcpy(dst, p);
}

/* ---- modes and templates ---- */

static void test_mode(void **state)
{
	static const char *const names[] = {"stereo", "mixed", "separate"};
	static const enum rec_mode modes[] = {
		REC_STEREO, REC_MIXED, REC_SEPARATE
	};
	enum rec_mode m = REC_MIXED;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(rec_mode_parse(&m, names[i]), 0);
		assert_int_equal(m, modes[i]);
		assert_string_equal(rec_mode_name(m), names[i]);
	}
	assert_int_equal(rec_mode_parse(&m, "mono"), EINVAL);
	assert_int_equal(rec_mode_parse(&m, ""), EINVAL);
	assert_int_equal(rec_mode_parse(&m, NULL), EINVAL);
	assert_int_equal(rec_mode_parse(&m, "stereo "), EINVAL);
}

static void check_bad(const char *tmpl, const char *piece)
{
	char err[256] = "";

	assert_int_equal(rec_template_check(tmpl, err, sizeof(err)), EINVAL);
	if (!strstr(err, piece))
		fail_msg("template \"%s\": error \"%s\" lacks \"%s\"",
			 tmpl ? tmpl : "(null)", err, piece);
}

static void test_template_check(void **state)
{
	char err[256] = "";

	(void)state;
	assert_int_equal(rec_template_check(REC_TEMPLATE_DEFAULT, err,
					    sizeof(err)), 0);
	assert_int_equal(rec_template_check("{dir}-{peer}-{call}.wav", err,
					    sizeof(err)), 0);
	assert_int_equal(rec_template_check("plain.wav", NULL, 0), 0);

	check_bad("{instance}_{foo}.wav", "unknown field {foo}");
	check_bad("{}.wav", "unknown field {}");
	check_bad("rec/{callid}.wav", "'/'");
	check_bad("{callid}.mp3", "must end in .wav");
	check_bad("{callid}", "must end in .wav");
	check_bad("{callid}.WAV", "must end in .wav");
	check_bad("", "empty");
	check_bad(NULL, "empty");
	check_bad("{callid.wav", "unbalanced '{'");
	check_bad("{call{id}}.wav", "unbalanced '{'");
	check_bad("callid}.wav", "unbalanced '}'");

	/* No error buffer is fine too. */
	assert_int_equal(rec_template_check("{x}.wav", NULL, 0), EINVAL);
}

static time_t when_fixed(void)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 2024 - 1900;
	tm.tm_mon = 2;
	tm.tm_mday = 5;
	tm.tm_hour = 14;
	tm.tm_min = 7;
	tm.tm_sec = 9;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static void test_expand_fields(void **state)
{
	struct rec_fields f = {
		"alice", "abc123@host", "c3", "bob", "out", when_fixed()
	};
	char name[256];

	(void)state;
	assert_int_equal(rec_name_expand(name, sizeof(name),
		"{instance}_{callid}_{call}_{peer}_{dir}_{date}_{time}.wav",
		&f), 0);
	assert_string_equal(name,
			    "alice_abc123@host_c3_bob_out_20240305_140709.wav");

	assert_int_equal(rec_name_expand(name, sizeof(name),
					 REC_TEMPLATE_DEFAULT, &f), 0);
	assert_string_equal(name, "alice_abc123@host_20240305_140709.wav");

	/* Literal text is kept; the template is checked here too. */
	assert_int_equal(rec_name_expand(name, sizeof(name),
					 "rec-{call}.wav", &f), 0);
	assert_string_equal(name, "rec-c3.wav");
	assert_int_equal(rec_name_expand(name, sizeof(name),
					 "{nope}.wav", &f), EINVAL);
	assert_int_equal(rec_name_expand(name, sizeof(name),
					 "a/{call}.wav", &f), EINVAL);
}

/* A bare name that cannot climb out of, or hide in, the record dir. */
static void assert_plain(const char *name)
{
	const char *p;

	assert_true(name[0] != '.');
	assert_null(strchr(name, '/'));
	assert_true(ends_with(name, ".wav"));
	for (p = name; *p; p++) {
		if (!strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+@-", *p))
			fail_msg("name \"%s\" has '%c'", name, *p);
	}
}

static void test_expand_hostile(void **state)
{
	static const struct {
		const char *value;
		const char *name;
	} cases[] = {
		{"../../etc/passwd", "_.._.._etc_passwd.wav"},
		{"a/b", "a_b.wav"},
		{"..", "_...wav"},
		{".", "_..wav"},
		{".hidden", "_.hidden.wav"},
		{"", "unknown.wav"},
		{NULL, "unknown.wav"},
		{"a b\tc", "a_b_c.wav"},
		{"caf\xc3\xa9", "caf__.wav"},
		{"x\\y:z*?", "x_y_z__.wav"},
		{"<sip:bob@example.com;tag=1>",
		 "_sip_bob@example.com_tag_1_.wav"},
	};
	struct rec_fields f;
	struct recwriter *w = writer();
	struct recording *r;
	char name[256], dir[256], path[PATH_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&f, 0, sizeof(f));
		f.callid = cases[i].value;
		assert_int_equal(rec_name_expand(name, sizeof(name),
						 "{callid}.wav", &f), 0);
		assert_string_equal(name, cases[i].name);
		assert_plain(name);

		/* Every field is sanitized, not just the Call-ID. */
		f.callid = "x";
		f.instance = f.call = f.peer = f.dir = cases[i].value;
		assert_int_equal(rec_name_expand(name, sizeof(name),
			"{instance}{call}{peer}{dir}.wav", &f), 0);
		assert_plain(name);
	}

	/* And the file lands right in the record dir. */
	memset(&f, 0, sizeof(f));
	f.callid = "../../etc/passwd";
	assert_int_equal(rec_name_expand(name, sizeof(name), "{callid}.wav",
					 &f), 0);
	in_tmp(dir, sizeof(dir), "hostile");
	assert_int_equal(recording_open(&r, w, dir, name, REC_MIXED, SRATE,
					NULL, 0), 0);
	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_string_equal(recording_path(r, 0), path);
	assert_true(exists(path));
	mem_deref(r);
	mem_deref(w);
}

static void test_expand_long(void **state)
{
	struct rec_fields f;
	char big[400], name[512], tmpl[512];
	size_t i, n;

	(void)state;
	memset(&f, 0, sizeof(f));
	memset(big, 'x', 300);
	big[300] = '\0';
	f.callid = big;

	/* Over 200 bytes: cut before ".wav". */
	assert_int_equal(rec_name_expand(name, sizeof(name), "{callid}.wav",
					 &f), 0);
	assert_int_equal(strlen(name), 200);
	assert_true(ends_with(name, "x.wav"));

	/* A small buffer cuts the same way. */
	assert_int_equal(rec_name_expand(name, 12, "{callid}.wav", &f), 0);
	assert_string_equal(name, "xxxxxxx.wav");
	assert_int_equal(rec_name_expand(name, 6, "{callid}.wav", &f), 0);
	assert_string_equal(name, "x.wav");
	assert_int_equal(rec_name_expand(name, 5, "{callid}.wav", &f),
			 ENAMETOOLONG);

	/* The '_' for a leading dot still fits. */
	big[0] = '.';
	assert_int_equal(rec_name_expand(name, sizeof(name), "{callid}.wav",
					 &f), 0);
	assert_int_equal(strlen(name), 200);
	assert_true(!strncmp(name, "_.xx", 4));

	/* A cut never splits a UTF-8 character of the template's text:
	 * "abc" + 96 two-byte characters fill 195 of the 196 bytes. */
	f.call = "abc";
	n = (size_t)snprintf(tmpl, sizeof(tmpl), "{call}");
	for (i = 0; i < 120; i++)
		n += (size_t)snprintf(tmpl + n, sizeof(tmpl) - n, "\xc3\xa9");
	(void)snprintf(tmpl + n, sizeof(tmpl) - n, ".wav");
	assert_int_equal(rec_template_check(tmpl, NULL, 0), 0);
	assert_int_equal(rec_name_expand(name, sizeof(name), tmpl, &f), 0);
	assert_int_equal(strlen(name), 199);
	assert_true(ends_with(name, "\xc3\xa9.wav"));
}

/* ---- recordings ---- */

static void test_unique_names(void **state)
{
	struct recwriter *w = writer();
	struct recording *r[6];
	char path[PATH_MAX];
	int fd;

	(void)state;
	r[0] = open_rec(w, "dup.wav", REC_STEREO);
	r[1] = open_rec(w, "dup.wav", REC_STEREO);
	r[2] = open_rec(w, "dup.wav", REC_MIXED);
	assert_true(ends_with(recording_path(r[0], 0), "/dup.wav"));
	assert_true(ends_with(recording_path(r[1], 0), "/dup-2.wav"));
	assert_true(ends_with(recording_path(r[2], 0), "/dup-3.wav"));
	assert_null(recording_path(r[0], 1));
	assert_true(exists(recording_path(r[1], 0)));

	r[3] = open_rec(w, "sep.wav", REC_SEPARATE);
	assert_true(ends_with(recording_path(r[3], 0), "/sep-rx.wav"));
	assert_true(ends_with(recording_path(r[3], 1), "/sep-tx.wav"));
	r[4] = open_rec(w, "sep.wav", REC_SEPARATE);
	assert_true(ends_with(recording_path(r[4], 0), "/sep-2-rx.wav"));
	assert_true(ends_with(recording_path(r[4], 1), "/sep-2-tx.wav"));

	/* Only the -tx name is taken under -3: both move on to -4, and
	 * the -3-rx tried on the way is gone again. */
	fd = open(in_tmp(path, sizeof(path), "sep-3-tx.wav"),
		  O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	close(fd);
	r[5] = open_rec(w, "sep.wav", REC_SEPARATE);
	assert_true(ends_with(recording_path(r[5], 0), "/sep-4-rx.wav"));
	assert_true(ends_with(recording_path(r[5], 1), "/sep-4-tx.wav"));
	assert_false(exists(in_tmp(path, sizeof(path), "sep-3-rx.wav")));
	assert_true(exists(in_tmp(path, sizeof(path), "sep-3-tx.wav")));

	/* Ids count from 1 per writer. */
	assert_int_equal(recording_id(r[0]), 1);
	assert_int_equal(recording_id(r[5]), 6);

	for (size_t i = 0; i < 6; i++)
		mem_deref(r[i]);
	mem_deref(w);

	w = writer();
	r[0] = open_rec(w, "dup.wav", REC_MIXED);
	assert_int_equal(recording_id(r[0]), 1);
	assert_true(ends_with(recording_path(r[0], 0), "/dup-4.wav"));
	mem_deref(r[0]);
	mem_deref(w);
}

static void test_stereo_content(void **state)
{
	struct recwriter *w = writer();
	struct recording *r = open_rec(w, "stereo.wav", REC_STEREO);
	char path[PATH_MAX];
	SF_INFO info;
	int16_t *d;
	sf_count_t i;

	(void)state;
	copy_path(path, sizeof(path), r, 0);
	put_const(r, 1000, -1000, 50);
	assert_true(recording_seconds(r) == 1.0);
	assert_int_equal(recording_dropped(r), 0);
	mem_deref(r);
	mem_deref(w);

	d = read_wav(path, &info);
	assert_int_equal(info.channels, 2);
	assert_int_equal(info.samplerate, SRATE);
	assert_int_equal(info.frames, 50 * FRAME);
	for (i = 0; i < info.frames; i++) {
		if (d[2 * i] != 1000 || d[2 * i + 1] != -1000)
			fail_msg("frame %ld: %d %d", (long)i, d[2 * i],
				 d[2 * i + 1]);
	}
	free(d);
}

static void test_null_side(void **state)
{
	struct recwriter *w = writer();
	struct recording *r = open_rec(w, "null.wav", REC_STEREO);
	int16_t v[FRAME];
	char path[PATH_MAX];
	SF_INFO info;
	int16_t *d;
	size_t i;

	(void)state;
	copy_path(path, sizeof(path), r, 0);
	for (i = 0; i < FRAME; i++)
		v[i] = 700;
	recording_put(r, NULL, v, FRAME);
	recording_put(r, v, NULL, FRAME);
	recording_put(r, NULL, NULL, FRAME);
	mem_deref(r);
	mem_deref(w);

	d = read_wav(path, &info);
	assert_int_equal(info.frames, 3 * FRAME);
	for (i = 0; i < FRAME; i++) {
		assert_int_equal(d[2 * i], 0);
		assert_int_equal(d[2 * i + 1], 700);
		assert_int_equal(d[2 * (FRAME + i)], 700);
		assert_int_equal(d[2 * (FRAME + i) + 1], 0);
		assert_int_equal(d[2 * (2 * FRAME + i)], 0);
		assert_int_equal(d[2 * (2 * FRAME + i) + 1], 0);
	}
	free(d);
}

static void test_mixed(void **state)
{
	static const struct { int16_t rx, tx, out; } seg[] = {
		{20000, 20000, 32767},
		{-20000, -20000, -32768},
		{100, -50, 50},
		{32767, 32767, 32767},
		{-32768, -1, -32768},
	};
	enum { NSEG = sizeof(seg) / sizeof(seg[0]) };
	struct recwriter *w = writer();
	struct recording *r = open_rec(w, "mixed.wav", REC_MIXED);
	int16_t v[FRAME];
	char path[PATH_MAX];
	SF_INFO info;
	int16_t *d;
	size_t i, k;

	(void)state;
	copy_path(path, sizeof(path), r, 0);
	for (k = 0; k < NSEG; k++)
		put_const(r, seg[k].rx, seg[k].tx, 1);
	for (i = 0; i < FRAME; i++)
		v[i] = 123;
	recording_put(r, NULL, v, FRAME);
	mem_deref(r);
	mem_deref(w);

	d = read_wav(path, &info);
	assert_int_equal(info.channels, 1);
	assert_int_equal(info.frames, (NSEG + 1) * FRAME);
	for (k = 0; k < NSEG; k++) {
		for (i = 0; i < FRAME; i++)
			assert_int_equal(d[k * FRAME + i], seg[k].out);
	}
	for (i = 0; i < FRAME; i++)
		assert_int_equal(d[NSEG * FRAME + i], 123);
	free(d);
}

static void test_separate_content(void **state)
{
	struct recwriter *w = writer();
	struct recording *r = open_rec(w, "two.wav", REC_SEPARATE);
	int16_t rx[FRAME], tx[FRAME];
	char path[2][PATH_MAX];
	SF_INFO info;
	int16_t *d;
	size_t i, k;

	(void)state;
	copy_path(path[0], sizeof(path[0]), r, 0);
	copy_path(path[1], sizeof(path[1]), r, 1);
	assert_true(ends_with(path[0], "/two-rx.wav"));
	assert_true(ends_with(path[1], "/two-tx.wav"));
	for (i = 0; i < FRAME; i++) {
		rx[i] = (int16_t)(1000 + i);
		tx[i] = (int16_t)-(1000 + (int)i);
	}
	for (k = 0; k < 50; k++)
		recording_put(r, rx, tx, FRAME);
	mem_deref(r);
	mem_deref(w);

	for (k = 0; k < 2; k++) {
		d = read_wav(path[k], &info);
		assert_int_equal(info.channels, 1);
		assert_int_equal(info.frames, 50 * FRAME);
		for (i = 0; i < 50 * FRAME; i++) {
			int want = k ? tx[i % FRAME] : rx[i % FRAME];

			if (d[i] != want)
				fail_msg("%s sample %zu: %d, want %d",
					 path[k], i, d[i], want);
		}
		free(d);
	}
}

/* The ring wraps many times over: a ramp must come out unbroken. */
static void test_wrap(void **state)
{
	struct recwriter *w = writer();
	struct recording *r = open_rec(w, "ramp.wav", REC_STEREO);
	int16_t rx[FRAME], tx[FRAME];
	char path[PATH_MAX];
	SF_INFO info;
	uint32_t n = 0;
	int16_t *d;
	size_t i, k;

	(void)state;
	copy_path(path, sizeof(path), r, 0);
	/* 10 s of audio at 10x real time: the ring never fills. */
	for (k = 0; k < 500; k++) {
		for (i = 0; i < FRAME; i++, n++) {
			rx[i] = (int16_t)(n & 0x7fff);
			tx[i] = (int16_t)-(int)(n & 0x7fff);
		}
		recording_put(r, rx, tx, FRAME);
		usleep(2000);
	}
	assert_int_equal(recording_dropped(r), 0);
	mem_deref(r);
	mem_deref(w);

	d = read_wav(path, &info);
	assert_int_equal(info.frames, 500 * FRAME);
	for (n = 0; n < 500 * FRAME; n++) {
		if (d[2 * n] != (int16_t)(n & 0x7fff) ||
		    d[2 * n + 1] != (int16_t)-(int)(n & 0x7fff))
			fail_msg("frame %u: %d %d", n, d[2 * n], d[2 * n + 1]);
	}
	free(d);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}

/* Frames the RIFF header promises, checked against the file size as a
 * player would: RIFF size and data size must both cover the file. */
static long header_frames(const char *path, unsigned frame_bytes)
{
	uint8_t h[512];
	struct stat st;
	size_t got, off = 12;
	FILE *fp = fopen(path, "rb");

	assert_non_null(fp);
	got = fread(h, 1, sizeof(h), fp);
	fclose(fp);
	assert_int_equal(stat(path, &st), 0);
	assert_true(got >= 44);
	assert_memory_equal(h, "RIFF", 4);
	assert_memory_equal(h + 8, "WAVE", 4);
	if (le32(h + 4) != (uint32_t)st.st_size - 8)
		return -1;

	while (off + 8 <= got && memcmp(h + off, "data", 4))
		off += 8 + le32(h + off + 4);
	assert_true(off + 8 <= got);
	if (off + 8 + le32(h + off + 4) != (uint64_t)st.st_size)
		return -1;

	return (long)(le32(h + off + 4) / frame_bytes);
}

static void test_header_while_recording(void **state)
{
	struct recwriter *w = writer();
	struct recording *r = open_rec(w, "live.wav", REC_STEREO);
	SF_INFO info;
	SNDFILE *sf;
	long frames = 0;
	int i;

	(void)state;
	/* Neither freed: what a killed process would leave behind.  Valid
	 * before the first frame too. */
	assert_int_equal(header_frames(recording_path(r, 0), 4), 0);
	put_const(r, 1, 2, 25);

	/* The header must cover the 0.5 s put well within a second.  A read
	 * between a write and its header update sees a short header (-1);
	 * the next one must not. */
	for (i = 0; i < 20 && frames < 25 * FRAME; i++) {
		usleep(50 * 1000);
		frames = header_frames(recording_path(r, 0), 4);
	}
	assert_int_equal(frames, 25 * FRAME);

	memset(&info, 0, sizeof(info));
	sf = sf_open(recording_path(r, 0), SFM_READ, &info);
	if (!sf)
		fail_msg("open while recording: %s", sf_strerror(NULL));
	assert_int_equal(info.frames, 25 * FRAME);
	assert_int_equal(info.channels, 2);
	sf_close(sf);

	mem_deref(r);
	mem_deref(w);
}

/* The real thing: a process killed while recording leaves a file whose
 * header covers what it had put, less at most a second. */
static void test_sigkill(void **state)
{
	char path[PATH_MAX];
	int status;
	pid_t pid;

	(void)state;
	in_tmp(path, sizeof(path), "killed.wav");
	/* The child never runs the re loop: libre's state it shares with
	 * us is only used to register the writer's mqueue. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct recwriter *w = NULL;
		struct recording *r = NULL;

		if (recwriter_alloc(&w, NULL, NULL) ||
		    recording_open(&r, w, tmpdir, "killed.wav", REC_STEREO,
				   SRATE, NULL, 0))
			_exit(1);
		put_const(r, 7, 8, 50);
		usleep(200 * 1000);
		put_const(r, 7, 8, 25);
		usleep(300 * 1000);
		(void)kill(getpid(), SIGKILL);
		_exit(2);
	}

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	assert_true(header_frames(path, 4) >= 75 * FRAME - SRATE);
}

static void test_counters(void **state)
{
	struct recwriter *w = writer();
	struct recording *r = open_rec(w, "count.wav", REC_MIXED);
	int16_t *big = calloc(3 * SRATE, sizeof(*big));
	uint64_t accepted, total = 0;
	char path[PATH_MAX];
	SF_INFO info;
	size_t k;

	(void)state;
	assert_non_null(big);
	copy_path(path, sizeof(path), r, 0);
	assert_true(recording_seconds(r) == 0.0);
	assert_int_equal(recording_dropped(r), 0);

	/* More than the ring holds in one go: dropped whole. */
	recording_put(r, big, big, 3 * SRATE);
	assert_int_equal(recording_dropped(r), 3 * SRATE);
	assert_true(recording_seconds(r) == 0.0);

	put_const(r, 1, 1, 1);
	assert_true(recording_seconds(r) == (double)FRAME / SRATE);
	recording_put(r, NULL, NULL, 0);
	recording_put(NULL, NULL, NULL, FRAME);

	/* 20 s at once overruns the ring: what is accepted is exactly
	 * what reaches the file. */
	for (k = 0; k < 1000; k++, total += FRAME)
		recording_put(r, big, NULL, FRAME);
	accepted = (uint64_t)(recording_seconds(r) * SRATE + 0.5);
	assert_true(recording_dropped(r) > 3 * SRATE);
	assert_int_equal(accepted + recording_dropped(r),
			 total + FRAME + 3 * SRATE);
	mem_deref(r);
	mem_deref(w);

	free(read_wav(path, &info));
	assert_int_equal(info.frames, accepted);
	free(big);
}

static void test_no_fd_leak(void **state)
{
	static const enum rec_mode modes[] = {
		REC_STEREO, REC_MIXED, REC_SEPARATE
	};
	struct recording *r[50];
	struct recwriter *w;
	size_t before, i;

	(void)state;
	before = count_fds();
	w = writer();
	for (i = 0; i < 50; i++) {
		r[i] = open_rec(w, "fd.wav", modes[i % 3]);
		put_const(r[i], 5, 6, 2);
	}
	/* Half end before the writer saw them, half after. */
	for (i = 0; i < 25; i++)
		mem_deref(r[i]);
	usleep(150 * 1000);
	for (i = 25; i < 50; i++)
		mem_deref(r[i]);
	mem_deref(w);
	assert_int_equal(count_fds(), before);
}

static void test_open_errors(void **state)
{
	size_t before = count_fds();
	struct recwriter *w = writer();
	struct recording *r = NULL;
	char err[600], dir[300], file[256], want[400];
	struct stat st;
	int fd;

	(void)state;
	fd = open(in_tmp(file, sizeof(file), "afile"),
		  O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	close(fd);

	/* The reason names the path. */
	(void)snprintf(dir, sizeof(dir), "%s/sub", file);
	assert_int_equal(recording_open(&r, w, dir, "x.wav", REC_STEREO,
					SRATE, err, sizeof(err)), ENOTDIR);
	assert_non_null(strstr(err, dir));
	assert_non_null(strstr(err, "Not a directory"));
	assert_int_equal(recording_open(&r, w, file, "x.wav", REC_STEREO,
					SRATE, err, sizeof(err)), ENOTDIR);
	assert_non_null(strstr(err, file));

	assert_int_equal(recording_open(&r, w, tmpdir, "a/b.wav", REC_STEREO,
					SRATE, err, sizeof(err)), EINVAL);
	assert_int_equal(recording_open(&r, w, tmpdir, "..", REC_STEREO,
					SRATE, err, sizeof(err)), EINVAL);
	assert_int_equal(recording_open(&r, w, tmpdir, "", REC_STEREO,
					SRATE, err, sizeof(err)), EINVAL);
	assert_int_equal(recording_open(&r, w, tmpdir, "x.wav", REC_STEREO,
					0, err, sizeof(err)), EINVAL);
	assert_int_equal(recording_open(&r, w, tmpdir, "x.wav",
					(enum rec_mode)7, SRATE, err,
					sizeof(err)), EINVAL);
	assert_null(r);

	/* Permissions do not stop root. */
	if (geteuid() != 0) {
		in_tmp(dir, sizeof(dir), "ro");
		assert_int_equal(mkdir(dir, 0555), 0);
		assert_int_equal(recording_open(&r, w, dir, "x.wav",
						REC_STEREO, SRATE, err,
						sizeof(err)), EACCES);
		(void)snprintf(want, sizeof(want), "cannot create %s/x.wav:"
			       " Permission denied", dir);
		assert_string_equal(err, want);
	}

	/* Missing parents are made. */
	in_tmp(dir, sizeof(dir), "p/q/r");
	assert_int_equal(recording_open(&r, w, dir, "x.wav", REC_STEREO,
					SRATE, err, sizeof(err)), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	mem_deref(r);
	mem_deref(w);
	assert_int_equal(count_fds(), before);
}

/* sf_open_fd itself fails (no byte may be written): the descriptor is
 * not leaked and the empty file is gone. */
static void test_open_write_fails(void **state)
{
	size_t before = count_fds();
	struct recwriter *w = writer();
	struct recording *r = NULL;
	struct rlimit old, lim;
	void (*oldsig)(int);
	char err[512], path[PATH_MAX];
	int e;

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 0;
	oldsig = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	e = recording_open(&r, w, tmpdir, "nospace.wav", REC_STEREO, SRATE,
			   err, sizeof(err));
	(void)setrlimit(RLIMIT_FSIZE, &old);
	(void)signal(SIGXFSZ, oldsig);

	assert_int_equal(e, EFBIG);
	assert_null(r);
	assert_non_null(strstr(err, in_tmp(path, sizeof(path),
					   "nospace.wav")));
	assert_false(exists(path));
	mem_deref(w);
	assert_int_equal(count_fds(), before);
}

struct errcap {
	unsigned id;
	int err;
	int count;
};

static void on_error(unsigned id, int err, void *arg)
{
	struct errcap *c = arg;

	c->id = id;
	c->err = err;
	++c->count;
	re_cancel();
}

/* A file size limit hits the writer: the error reaches the re thread and
 * everything else carries on.  SIGXFSZ is left at its default (kill):
 * the writer thread must keep it from us. */
static void test_disk_error(void **state)
{
	struct errcap cap = {0, 0, 0};
	struct recwriter *w = NULL;
	struct recording *r, *other;
	struct rlimit old, lim;
	char path[PATH_MAX];
	SF_INFO info;
	double secs;
	int i;

	(void)state;
	assert_int_equal(recwriter_alloc(&w, on_error, &cap), 0);
	other = open_rec(w, "ok.wav", REC_MIXED);
	r = open_rec(w, "full.wav", REC_MIXED);
	copy_path(path, sizeof(path), r, 0);

	/* 32 KiB is 2 s at 8 kHz mono; put 3 s in two halves. */
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 32768;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	put_const(r, 1, 2, 75);
	run_loop(300);
	put_const(r, 1, 2, 75);
	for (i = 0; i < 25 && !cap.count; i++)
		run_loop(200);
	(void)setrlimit(RLIMIT_FSIZE, &old);

	assert_int_equal(cap.count, 1);
	assert_int_equal(cap.id, recording_id(r));
	assert_int_equal(cap.err, EFBIG);

	/* Later puts are dropped quietly, without counting. */
	secs = recording_seconds(r);
	put_const(r, 1, 2, 10);
	assert_true(recording_seconds(r) == secs);
	assert_int_equal(recording_dropped(r), 0);

	/* The writer still serves the others. */
	put_const(other, 3, 4, 50);
	mem_deref(other);
	mem_deref(r);
	run_loop(50);
	mem_deref(w);
	assert_int_equal(cap.count, 1);

	/* What made it to disk is a valid file within the limit. */
	free(read_wav(path, &info));
	assert_true(info.frames > 0);
	assert_true(44 + 2 * info.frames <= 32768);
	free(read_wav(in_tmp(path, sizeof(path), "ok.wav"), &info));
	assert_int_equal(info.frames, 50 * FRAME);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mode),
		cmocka_unit_test(test_template_check),
		cmocka_unit_test(test_expand_fields),
		cmocka_unit_test(test_expand_hostile),
		cmocka_unit_test(test_expand_long),
		cmocka_unit_test(test_unique_names),
		cmocka_unit_test(test_stereo_content),
		cmocka_unit_test(test_null_side),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_separate_content),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_header_while_recording),
		cmocka_unit_test(test_sigkill),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_no_fd_leak),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_open_write_fails),
		cmocka_unit_test(test_disk_error),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
