#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sndfile.h>
#include <samplerate.h>
#include <re.h>
#include "base/util.h"
#include "source.h"

#ifndef SOUNDS_DIR
#define SOUNDS_DIR "/usr/local/share/sipflow/sounds"
#endif

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

void source_spec_print(char *buf, size_t sz, const struct source_spec *spec)
{
	switch (spec->kind) {

	case SOURCE_TONE:
		(void)re_snprintf(buf, sz, "tone:%u", spec->hz);
		break;
	case SOURCE_FILE:
		(void)re_snprintf(buf, sz, "file:%s", spec->path);
		break;
	default:
		(void)re_snprintf(buf, sz, "silence");
		break;
	}
}

int source_spec_parse(struct source_spec *spec, const char *str)
{
	char *end;
	unsigned long hz;

	if (!spec || !str)
		return EINVAL;

	memset(spec, 0, sizeof(*spec));

	if (!strcmp(str, "silence")) {
		spec->kind = SOURCE_SILENCE;
		return 0;
	}
	if (!strncmp(str, "tone:", 5)) {
		hz = strtoul(str + 5, &end, 10);
		if (end == str + 5 || *end || hz < 1 || hz > 20000)
			return EINVAL;
		spec->kind = SOURCE_TONE;
		spec->hz = (unsigned)hz;
		return 0;
	}
	if (!strncmp(str, "file:", 5) && str[5]) {
		if (strlen(str + 5) >= sizeof(spec->path))
			return ENAMETOOLONG;
		spec->kind = SOURCE_FILE;
		str_copy(spec->path, sizeof(spec->path), str + 5);
		return 0;
	}

	return EINVAL;
}

static void clip_destructor(void *arg)
{
	struct clip *c = arg;

	mem_deref(c->samples);
	mem_deref(c->name);
}

static struct clip *clip_new(size_t n, uint32_t srate, const char *name)
{
	struct clip *c = mem_zalloc(sizeof(*c), clip_destructor);

	if (!c)
		return NULL;

	c->samples = mem_zalloc(n ? n * sizeof(int16_t) : 1, NULL);
	if (!c->samples || str_dup(&c->name, name)) {
		mem_deref(c);
		return NULL;
	}
	c->n = n;
	c->srate = srate;
	return c;
}

int clip_tone(struct clip **cp, unsigned hz, uint32_t srate)
{
	struct clip *c;
	char name[32];

	if (!cp || !hz || !srate)
		return EINVAL;

	re_snprintf(name, sizeof(name), "tone:%u", hz);
	c = clip_new(srate, srate, name);
	if (!c)
		return ENOMEM;

	/* -10 dBFS: loud enough to analyse, far from clipping. */
	for (size_t i = 0; i < c->n; i++) {
		double v = 0.316 * sin(2.0 * M_PI * hz * (double)i / srate);
		c->samples[i] = (int16_t)lrint(v * 32767.0);
	}

	*cp = c;
	return 0;
}

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

int sound_find(char *path, size_t sz, const char *name)
{
	const char *dirs[] = {getenv("SIPFLOW_SOUNDS"), "sounds", SOUNDS_DIR};
	const char *slash = strrchr(name, '/'), *dot = strrchr(name, '.');
	bool has_ext = dot && (!slash || dot > slash);

	str_copy(path, sz, name);
	if (readable(name))
		return 0;
	if (slash)
		return ENOENT;   /* a path: only where it says */

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		re_snprintf(path, sz, "%s/%s", dirs[i], name);
		if (readable(path))
			return 0;
		if (has_ext)
			continue;
		re_snprintf(path, sz, "%s/%s.wav", dirs[i], name);
		if (readable(path))
			return 0;
	}
	str_copy(path, sz, name);
	return ENOENT;
}

/* What a sound file may be.  Nothing is sized from what its header
 * claims (a FLAC's total-samples field may say a day of audio in a few
 * bytes): the file is decoded a chunk at a time and the clip grows with
 * what really came, up to an hour. */
enum {
	CHUNK_FRAMES = 4096,
	MAX_FILE_CHANNELS = 64,
	MIN_FILE_RATE = 1000,      /* libsamplerate converts at most 1:256 */
	MAX_FILE_RATE = 384000,
	MAX_CLIP_SECONDS = 3600,
};

struct decode {
	SNDFILE *sf;
	unsigned ch;
	SRC_STATE *src;            /* NULL: the file is at the clip's rate */
	double ratio;
	float *in, *mono, *out;
	size_t outcap;
	struct mbuf *pcm;          /* int16 at the clip's rate, so far */
	size_t max;                /* samples the clip may have */
};

static int put_pcm(struct decode *d, const float *v, size_t n)
{
	int16_t s[CHUNK_FRAMES];

	while (n) {
		size_t k = n < CHUNK_FRAMES ? n : CHUNK_FRAMES;
		int e;

		if (d->pcm->end / sizeof(int16_t) + k > d->max)
			return EFBIG;
		src_float_to_short_array(v, s, (int)k);
		e = mbuf_write_mem(d->pcm, (const uint8_t *)s,
				   k * sizeof(*s));
		if (e)
			return e;
		v += k;
		n -= k;
	}
	return 0;
}

/* Resample N mono frames (the last when EOF) and keep what comes out. */
static int convert(struct decode *d, size_t n, bool eof, char *err,
		   size_t errsz)
{
	SRC_DATA sd;
	int e;

	if (!d->src)
		return put_pcm(d, d->mono, n);

	memset(&sd, 0, sizeof(sd));
	sd.data_in = d->mono;
	sd.input_frames = (long)n;
	sd.src_ratio = d->ratio;
	sd.end_of_input = eof;
	do {
		sd.data_out = d->out;
		sd.output_frames = (long)d->outcap;
		e = src_process(d->src, &sd);
		if (e)
			return errf(err, errsz, EINVAL, "resampling: %s",
				    src_strerror(e));
		e = put_pcm(d, d->out, (size_t)sd.output_frames_gen);
		if (e)
			return e;
		sd.data_in += sd.input_frames_used;
		sd.input_frames -= sd.input_frames_used;
	} while (sd.input_frames > 0 || (eof && sd.output_frames_gen > 0));
	return 0;
}

static int decode_all(struct decode *d, const char *path, char *err,
		      size_t errsz)
{
	bool eof = false;
	int e = 0;

	while (!e && !eof) {
		sf_count_t got = sf_readf_float(d->sf, d->in, CHUNK_FRAMES);

		if (got < 0)
			got = 0;
		eof = got < CHUNK_FRAMES;
		/* a file cut short plays what it holds; one that gave
		 * nothing says why */
		if (eof && sf_error(d->sf) && !got && !d->pcm->end)
			return errf(err, errsz, EIO, "%s: %s", path,
				    sf_strerror(d->sf));

		/* Down-mix by averaging channels: no clipping, no lost
		 * side. */
		for (sf_count_t i = 0; i < got; i++) {
			float sum = 0;

			for (unsigned c = 0; c < d->ch; c++)
				sum += d->in[(size_t)i * d->ch + c];
			d->mono[i] = sum / (float)d->ch;
		}
		e = convert(d, (size_t)got, eof, err, errsz);
	}
	if (e == EFBIG)
		return errf(err, errsz, EFBIG, "%s: longer than an hour",
			    path);
	if (e == ENOMEM)
		return errf(err, errsz, ENOMEM, "%s: out of memory", path);
	return e;
}

int clip_load(struct clip **cp, const char *name, uint32_t srate,
	      char *err, size_t errsz)
{
	struct decode d;
	char path[512];
	SF_INFO info;
	struct clip *c = NULL;
	size_t n;
	int e;

	if (!cp || !name || !srate)
		return EINVAL;

	if (sound_find(path, sizeof(path), name))
		return errf(err, errsz, ENOENT, "%s: no such file (nor in the "
			    "sounds directories)", name);

	memset(&d, 0, sizeof(d));
	memset(&info, 0, sizeof(info));
	d.sf = sf_open(path, SFM_READ, &info);
	if (!d.sf)
		return errf(err, errsz, EINVAL, "%s: %s", path,
			    sf_strerror(NULL));

	if (info.channels <= 0 || info.channels > MAX_FILE_CHANNELS) {
		e = errf(err, errsz, EINVAL, "%s: %d channels (at most %d)",
			 path, info.channels, MAX_FILE_CHANNELS);
		goto out;
	}
	if (info.samplerate < MIN_FILE_RATE ||
	    info.samplerate > MAX_FILE_RATE) {
		e = errf(err, errsz, EINVAL, "%s: a sample rate of %d Hz "
			 "(%d to %d)", path, info.samplerate, MIN_FILE_RATE,
			 MAX_FILE_RATE);
		goto out;
	}

	d.ch = (unsigned)info.channels;
	d.max = (size_t)MAX_CLIP_SECONDS * srate;
	d.ratio = (double)srate / (double)info.samplerate;
	d.outcap = (size_t)ceil(CHUNK_FRAMES * d.ratio) + 16;
	d.in = malloc(CHUNK_FRAMES * d.ch * sizeof(float));
	d.mono = malloc(CHUNK_FRAMES * sizeof(float));
	d.out = malloc(d.outcap * sizeof(float));
	d.pcm = mbuf_alloc(CHUNK_FRAMES * sizeof(int16_t));
	if (!d.in || !d.mono || !d.out || !d.pcm) {
		e = ENOMEM;
		goto out;
	}
	if ((uint32_t)info.samplerate != srate) {
		d.src = src_new(SRC_SINC_BEST_QUALITY, 1, &e);
		if (!d.src) {
			e = errf(err, errsz, EINVAL, "%s: resampler: %s", path,
				 src_strerror(e));
			goto out;
		}
	}

	e = decode_all(&d, path, err, errsz);
	if (e)
		goto out;

	n = d.pcm->end / sizeof(int16_t);
	if (!n) {
		e = errf(err, errsz, EINVAL, "%s: no audio", path);
		goto out;
	}
	c = clip_new(n, srate, path);
	if (!c) {
		e = ENOMEM;
		goto out;
	}
	memcpy(c->samples, d.pcm->buf, n * sizeof(int16_t));

 out:
	sf_close(d.sf);
	if (d.src)
		src_delete(d.src);
	free(d.in);
	free(d.mono);
	free(d.out);
	mem_deref(d.pcm);
	if (e)
		mem_deref(c);
	else
		*cp = c;
	return e;
}

int clip_from_spec(struct clip **cp, const struct source_spec *spec,
		   uint32_t srate, char *err, size_t errsz)
{
	switch (spec->kind) {

	case SOURCE_TONE:
		return clip_tone(cp, spec->hz, srate);
	case SOURCE_FILE:
		return clip_load(cp, spec->path, srate, err, errsz);
	default:
		*cp = NULL;
		return 0;
	}
}

void player_set(struct player *p, struct clip *clip, bool loop)
{
	mem_deref(p->clip);
	p->clip = mem_ref(clip);
	p->pos = 0;
	p->loop = loop;
}

void player_clear(struct player *p)
{
	p->clip = mem_deref(p->clip);
	p->pos = 0;
}

bool player_read(struct player *p, int16_t *out, size_t n)
{
	size_t done = 0;

	if (!p->clip || !p->clip->n) {
		memset(out, 0, n * sizeof(*out));
		return p->loop || !p->clip;
	}

	while (done < n) {
		size_t left = p->clip->n - p->pos;
		size_t k = n - done < left ? n - done : left;

		memcpy(out + done, p->clip->samples + p->pos,
		       k * sizeof(*out));
		done += k;
		p->pos += k;

		if (p->pos >= p->clip->n) {
			if (!p->loop) {
				memset(out + done, 0,
				       (n - done) * sizeof(*out));
				return false;
			}
			p->pos = 0;
		}
	}
	return true;
}
