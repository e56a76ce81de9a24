/* Call recordings, the re thread's side (see recorder.h): create the
 * files under a free name, hand every frame pair to the writer through
 * the recording's ring, let go when the call does.  The writer thread
 * is recwriter.c. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <re.h>
#include "base/names.h"
#include "base/util.h"
#include "recorder_int.h"

enum {
	SUFFIX_MAX = 999,
	MAX_SRATE = 384000,
};

static const char wav_ext[] = ".wav";
#define WAV_LEN (sizeof(wav_ext) - 1)

struct recording {
	struct recwriter *w; /* a reference: the writer outlives us */
	struct sink *sink;   /* the writer's; we touch only ring and flags */
	char *path[2];
	enum rec_mode mode;
	uint32_t srate;
	unsigned id;
	uint64_t frames;
	uint64_t dropped;
};

static const char *const mode_names[] = {"stereo", "mixed", "separate"};
static const struct name_table modes = NAME_TABLE(mode_names, false);

int rec_mode_parse(enum rec_mode *mode, const char *str)
{
	int v;

	if (!mode || name_parse(&modes, str, &v))
		return EINVAL;
	*mode = (enum rec_mode)v;
	return 0;
}

const char *rec_mode_name(enum rec_mode mode)
{
	return name_of(&modes, (int)mode);
}

static int sink_alloc(struct sink **sp, enum rec_mode mode, uint32_t srate)
{
	struct sink *s;
	int err;

	s = calloc(1, sizeof(*s));
	if (!s)
		return ENOMEM;

	s->nfiles = mode == REC_SEPARATE ? 2 : 1;
	s->file_ch = mode == REC_STEREO ? 2 : 1;
	atomic_init(&s->closing, false);
	atomic_init(&s->failed, false);

	err = pcmring_init(&s->ring, (size_t)srate * REC_RING_SECONDS,
			   mode == REC_MIXED ? 1 : 2);
	if (err) {
		free(s);
		return err;
	}

	*sp = s;
	return 0;
}

/* Like mkdir -p.  Existing components are fine; the last must be a dir. */
static int mkdirs(const char *dir, char *err, size_t errsz)
{
	char buf[PATH_MAX];
	struct stat st;
	char *p, c;
	int e;

	if (!stat(dir, &st) && S_ISDIR(st.st_mode))
		return 0;

	if (strlen(dir) >= sizeof(buf))
		return errf(err, errsz, ENAMETOOLONG, "cannot create"
			    " directory %s: %m", dir, ENAMETOOLONG);

	str_copy(buf, sizeof(buf), dir);
	for (p = buf + 1; ; p++) {
		if (*p && *p != '/')
			continue;

		c = *p;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST) {
			e = errno;
			return errf(err, errsz, e, "cannot create"
				    " directory %s: %m", buf, e);
		}
		*p = c;
		if (!c)
			break;
	}

	if (stat(dir, &st)) {
		e = errno;
		return errf(err, errsz, e, "cannot use %s: %m", dir, e);
	}
	if (!S_ISDIR(st.st_mode))
		return errf(err, errsz, ENOTDIR, "cannot use %s: %m",
			    dir, ENOTDIR);

	return 0;
}

static int file_create(SNDFILE **sfp, const char *path, unsigned ch,
		       uint32_t srate, char *err, size_t errsz)
{
	SF_INFO info;
	SNDFILE *sf;
	int fd, e;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		e = errno;
		/* EEXIST is not an error: the caller tries the next name. */
		return e == EEXIST ? e : errf(err, errsz, e,
					      "cannot create %s: %m", path, e);
	}

	memset(&info, 0, sizeof(info));
	info.samplerate = (int)srate;
	info.channels = (int)ch;
	info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;

	/* With SF_TRUE libsndfile owns FD from here on, also when the open
	 * fails (it closes it then: checked with 1.2.0), so never close
	 * it ourselves. */
	errno = 0;
	sf = sf_open_fd(fd, SFM_WRITE, &info, SF_TRUE);
	if (!sf) {
		e = errno;
		/* Never EEXIST from here: the caller would try another name. */
		if (sf_error(NULL) == SF_ERR_SYSTEM && e && e != EEXIST)
			(void)errf(err, errsz, e, "cannot create %s: %m",
				   path, e);
		else
			e = errf(err, errsz, EIO, "cannot create %s: %s",
				 path, sf_strerror(NULL));
		(void)unlink(path);
		return e;
	}

	/* Rewrite the header with every write, so a killed process leaves
	 * a playable file; right now too, as the one sf_open_fd wrote has
	 * a RIFF size of 8. */
	(void)sf_command(sf, SFC_SET_UPDATE_HEADER_AUTO, NULL, SF_TRUE);
	(void)sf_command(sf, SFC_UPDATE_HEADER_NOW, NULL, 0);

	*sfp = sf;
	return 0;
}

static void files_undo(struct recording *r, struct sink *s)
{
	unsigned i;

	rec_sink_close(s);
	for (i = 0; i < ARRAY_SIZE(r->path); i++) {
		if (r->path[i])
			(void)unlink(r->path[i]);
		r->path[i] = mem_deref(r->path[i]);
	}
}

/* Create every file of the recording under suffix number K (1: none).
 * EEXIST when any of them is taken; then nothing is left behind. */
static int files_try(struct recording *r, struct sink *s, const char *stem,
		     const char *ext, unsigned k, char *err, size_t errsz)
{
	static const char *const side[] = {"-rx", "-tx"};
	char num[16] = "";
	char path[PATH_MAX];
	unsigned i;
	int e, n;

	if (k > 1)
		(void)snprintf(num, sizeof(num), "-%u", k);

	for (i = 0; i < s->nfiles; i++) {
		n = snprintf(path, sizeof(path), "%s%s%s%s", stem, num,
			     s->nfiles > 1 ? side[i] : "", ext);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			e = errf(err, errsz, ENAMETOOLONG, "cannot create"
				 " %s%s: %m", stem, ext, ENAMETOOLONG);
			goto undo;
		}

		e = file_create(&s->sf[i], path, s->file_ch, r->srate,
				err, errsz);
		if (e)
			goto undo;

		e = str_dup(&r->path[i], path);
		if (e) {
			(void)unlink(path);
			(void)errf(err, errsz, e, "recording: %m", e);
			goto undo;
		}
	}

	return 0;

 undo:
	files_undo(r, s);
	return e;
}

static int files_create(struct recording *r, struct sink *s,
			const char *dir, const char *name,
			char *err, size_t errsz)
{
	char stem[PATH_MAX];
	size_t len = strlen(name);
	const char *ext = "";
	unsigned k;
	int n, e;

	/* Suffixes go before ".wav", or at the end of any other name. */
	if (len > WAV_LEN && !strcmp(name + len - WAV_LEN, wav_ext)) {
		ext = wav_ext;
		len -= WAV_LEN;
	}

	n = snprintf(stem, sizeof(stem), "%s/%.*s", dir, (int)len, name);
	if (n < 0 || (size_t)n >= sizeof(stem))
		return errf(err, errsz, ENAMETOOLONG, "cannot create %s/%s:"
			    " %m", dir, name, ENAMETOOLONG);

	for (k = 1; k <= SUFFIX_MAX; k++) {
		e = files_try(r, s, stem, ext, k, err, errsz);
		if (e != EEXIST)
			return e;
	}

	return errf(err, errsz, EEXIST, "cannot create %s%s: every name up"
		    " to -%u is taken", stem, ext, (unsigned)SUFFIX_MAX);
}

static bool name_ok(const char *name)
{
	return *name && !strchr(name, '/') &&
		strcmp(name, ".") && strcmp(name, "..");
}

static void recording_destructor(void *arg)
{
	struct recording *r = arg;

	if (r->sink) {
		/* Release: every frame put so far is visible to the writer
		 * once it sees the flag.  The sink is the writer's now. */
		atomic_store_explicit(&r->sink->closing, true,
				      memory_order_release);
		recwriter_kick(r->w);
	}

	mem_deref(r->path[0]);
	mem_deref(r->path[1]);
	mem_deref(r->w);
}

int recording_open(struct recording **rp, struct recwriter *w,
		   const char *dir, const char *name, enum rec_mode mode,
		   uint32_t srate, char *err, size_t errsz)
{
	struct recording *r;
	struct sink *s = NULL;
	int e;

	if (err && errsz)
		err[0] = '\0';

	if (!rp || !w || !name)
		return errf(err, errsz, EINVAL, "recording: missing argument");
	if (!name_ok(name))
		return errf(err, errsz, EINVAL, "recording file name \"%s\""
			    " is not a plain file name", name);
	if (mode != REC_STEREO && mode != REC_MIXED && mode != REC_SEPARATE)
		return errf(err, errsz, EINVAL, "bad recording mode %d",
			    (int)mode);
	if (!srate || srate > MAX_SRATE)
		return errf(err, errsz, EINVAL, "bad recording sample rate"
			    " %u", (unsigned)srate);

	if (!dir || !*dir)
		dir = ".";

	e = mkdirs(dir, err, errsz);
	if (e)
		return e;

	r = mem_zalloc(sizeof(*r), recording_destructor);
	if (!r)
		return errf(err, errsz, ENOMEM, "recording: %m", ENOMEM);

	r->mode = mode;
	r->srate = srate;

	e = sink_alloc(&s, mode, srate);
	if (e)
		(void)errf(err, errsz, e, "recording: %m", e);
	else
		e = files_create(r, s, dir, name, err, errsz);
	if (e) {
		rec_sink_free(s);
		mem_deref(r);
		return e;
	}

	r->w = mem_ref(w);
	r->id = s->id = ++w->next_id;
	r->sink = s;
	recwriter_add(w, s);

	*rp = r;
	return 0;
}

void recording_put(struct recording *r, const int16_t *rx,
		   const int16_t *tx, size_t n)
{
	struct pcmring *rg;
	size_t j;

	if (!r || !r->sink || !n)
		return;

	/* After a disk error nothing is handed over, nor counted. */
	if (atomic_load_explicit(&r->sink->failed, memory_order_relaxed))
		return;

	rg = &r->sink->ring;
	if (n > pcmring_space(rg)) {
		r->dropped += n;
		return;
	}

	for (j = 0; j < n; j++) {
		int16_t a = rx ? rx[j] : 0, b = tx ? tx[j] : 0;
		int16_t *f = pcmring_slot(rg, j);

		if (r->mode == REC_MIXED) {
			f[0] = pcm_add_sat(a, b);
		}
		else {
			f[0] = a;
			f[1] = b;
		}
	}
	pcmring_commit(rg, n);
	r->frames += n;
}

unsigned recording_id(const struct recording *r)
{
	return r ? r->id : 0;
}

const char *recording_path(const struct recording *r, unsigned idx)
{
	return r && idx < ARRAY_SIZE(r->path) ? r->path[idx] : NULL;
}

double recording_seconds(const struct recording *r)
{
	return r && r->srate ? (double)r->frames / r->srate : 0.0;
}

uint64_t recording_dropped(const struct recording *r)
{
	return r ? r->dropped : 0;
}
