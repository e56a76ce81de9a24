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

static int resample(float **outp, size_t *outn, const float *in, size_t n,
		    uint32_t from, uint32_t to, char *err, size_t errsz)
{
	double ratio = (double)to / (double)from;
	size_t cap = (size_t)ceil((double)n * ratio) + 16;
	SRC_DATA d;
	float *out;
	int e;

	out = malloc(cap * sizeof(float));
	if (!out)
		return ENOMEM;

	memset(&d, 0, sizeof(d));
	d.data_in = in;
	d.input_frames = (long)n;
	d.data_out = out;
	d.output_frames = (long)cap;
	d.src_ratio = ratio;

	e = src_simple(&d, SRC_SINC_BEST_QUALITY, 1);
	if (e) {
		re_snprintf(err, errsz, "resampling %u Hz to %u Hz: %s",
			    from, to, src_strerror(e));
		free(out);
		return EINVAL;
	}

	*outp = out;
	*outn = (size_t)d.output_frames_gen;
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

int clip_load(struct clip **cp, const char *name, uint32_t srate,
	      char *err, size_t errsz)
{
	char path[512];
	SF_INFO info;
	SNDFILE *sf;
	float *frames = NULL, *mono = NULL, *conv = NULL;
	size_t n, outn;
	struct clip *c = NULL;
	int e = 0;

	if (!cp || !name || !srate)
		return EINVAL;

	if (sound_find(path, sizeof(path), name)) {
		re_snprintf(err, errsz, "%s: no such file (nor in the sounds "
			    "directories)", name);
		return ENOENT;
	}

	memset(&info, 0, sizeof(info));
	sf = sf_open(path, SFM_READ, &info);
	if (!sf) {
		re_snprintf(err, errsz, "%s: %s", path, sf_strerror(NULL));
		return EINVAL;
	}

	if (info.frames <= 0 || info.channels <= 0 || info.samplerate <= 0 ||
	    info.frames > 3600LL * info.samplerate) {
		re_snprintf(err, errsz, "%s: no audio, or longer than an hour",
			    path);
		e = EINVAL;
		goto out;
	}

	n = (size_t)info.frames;
	frames = malloc(n * (size_t)info.channels * sizeof(float));
	mono = malloc(n * sizeof(float));
	if (!frames || !mono) {
		e = ENOMEM;
		goto out;
	}

	n = (size_t)sf_readf_float(sf, frames, (sf_count_t)n);
	if (!n) {
		re_snprintf(err, errsz, "%s: %s", path, sf_strerror(sf));
		e = EIO;
		goto out;
	}

	/* Down-mix by averaging channels: no clipping, no lost side. */
	for (size_t i = 0; i < n; i++) {
		float sum = 0;
		for (int ch = 0; ch < info.channels; ch++)
			sum += frames[i * (size_t)info.channels + (size_t)ch];
		mono[i] = sum / (float)info.channels;
	}

	if ((uint32_t)info.samplerate != srate) {
		e = resample(&conv, &outn, mono, n, (uint32_t)info.samplerate,
			     srate, err, errsz);
		if (e)
			goto out;
	}
	else {
		conv = mono;
		mono = NULL;
		outn = n;
	}

	c = clip_new(outn, srate, path);
	if (!c) {
		e = ENOMEM;
		goto out;
	}
	src_float_to_short_array(conv, c->samples, (int)outn);

 out:
	sf_close(sf);
	free(frames);
	free(mono);
	free(conv);
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
