/* Call recordings (see recorder.h).
 *
 * Each recording has two halves.  struct recording lives on the re thread
 * (mem_zalloc, libre refcounts).  struct sink is plain malloc'd memory
 * holding the ring and the SNDFILE handles; once registered it belongs to
 * the writer thread, which frees it after the re side sets `closing`.
 * The two threads share only the ring indices and the sink's flags (all
 * atomics) and the pending list (under the mutex), because libre's
 * refcounts are not thread-safe. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sndfile.h>
#include <re.h>
#include "base/util.h"
#include "recorder.h"

enum {
	RING_SECONDS = 2,    /* 20x the writer's wake interval */
	WAKE_MS = 100,
	REC_NAME_MAX = 200,  /* leaves room for "-999-rx" under NAME_MAX */
	SUFFIX_MAX = 999,
	MAX_SRATE = 384000,
};

static const char wav_ext[] = ".wav";
#define WAV_LEN (sizeof(wav_ext) - 1)

/* Single producer (re thread), single consumer (writer).  Indices count
 * frames forever; the capacity is a power of two so they may wrap. */
struct ring {
	int16_t *buf[2];     /* one per file */
	unsigned ch;         /* samples per frame in each buf */
	size_t mask;         /* capacity in frames - 1 */
	atomic_size_t head;  /* stored by the re thread only */
	atomic_size_t tail;  /* stored by the writer only */
};

struct sink {
	struct sink *next;   /* writer's list (or pending, under mutex) */
	struct ring ring;
	SNDFILE *sf[2];
	unsigned nfiles;
	unsigned id;
	atomic_bool closing; /* the re side let go: drain, close, free */
	atomic_bool failed;  /* the writer gave up: puts are dropped */
};

struct recwriter {
	pthread_t thread;
	pthread_mutex_t mtx;
	pthread_cond_t cond;
	bool sync;           /* mtx and cond were initialised */
	bool running;        /* thread was started: join it */
	bool stop;           /* under mtx */
	bool kick;           /* under mtx: a recording ended, don't wait */
	struct sink *pending;/* under mtx: registered, not yet taken */
	struct mqueue *mq;
	recwriter_err_h *errh;
	void *arg;
	unsigned next_id;    /* re thread only */
};

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

static const char *const field_names[] = {
	"instance", "callid", "call", "peer", "dir", "date", "time",
};

enum { F_INSTANCE, F_CALLID, F_CALL, F_PEER, F_DIR, F_DATE, F_TIME };


static size_t zmin(size_t a, size_t b)
{
	return a < b ? a : b;
}

static int fail(char *err, size_t errsz, int e, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errsz)
		return e;

	va_start(ap, fmt);
	(void)re_vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	return e;
}

int rec_mode_parse(enum rec_mode *mode, const char *str)
{
	if (!mode || !str)
		return EINVAL;

	if (!strcmp(str, "stereo"))
		*mode = REC_STEREO;
	else if (!strcmp(str, "mixed"))
		*mode = REC_MIXED;
	else if (!strcmp(str, "separate"))
		*mode = REC_SEPARATE;
	else
		return EINVAL;

	return 0;
}

const char *rec_mode_name(enum rec_mode mode)
{
	switch (mode) {

	case REC_STEREO:   return "stereo";
	case REC_MIXED:    return "mixed";
	case REC_SEPARATE: return "separate";
	default:           return "?";
	}
}


/* ---- file name templates ---- */

/* P points at '{'.  Returns the field's index with its length (braces
 * included) in *LEN, -1 for an unknown name, -2 for a missing '}'. */
static int field_parse(const char *p, size_t *len)
{
	const char *end = p + 1 + strcspn(p + 1, "{}");
	size_t n = (size_t)(end - p - 1);
	size_t i;

	*len = (size_t)(end - p) + (*end == '}');
	if (*end != '}')
		return -2;

	for (i = 0; i < ARRAY_SIZE(field_names); i++) {
		if (strlen(field_names[i]) == n &&
		    !strncmp(p + 1, field_names[i], n))
			return (int)i;
	}
	return -1;
}

int rec_template_check(const char *tmpl, char *err, size_t errsz)
{
	const char *p;
	size_t len, n;

	if (!tmpl || !*tmpl)
		return fail(err, errsz, EINVAL, "empty file name template");

	for (p = tmpl; *p; p += len) {
		len = 1;
		if (*p == '/')
			return fail(err, errsz, EINVAL, "'/' is not allowed in"
				    " file name template \"%s\"", tmpl);
		if (*p == '}')
			return fail(err, errsz, EINVAL, "unbalanced '}' in"
				    " file name template \"%s\"", tmpl);
		if (*p != '{')
			continue;

		switch (field_parse(p, &len)) {

		case -2:
			return fail(err, errsz, EINVAL, "unbalanced '{' at"
				    " \"%b\" in file name template \"%s\"",
				    p, len, tmpl);
		case -1:
			return fail(err, errsz, EINVAL, "unknown field %b in"
				    " file name template \"%s\" (known:"
				    " {instance} {callid} {call} {peer} {dir}"
				    " {date} {time})", p, len, tmpl);
		default:
			break;
		}
	}

	n = strlen(tmpl);
	if (n < WAV_LEN || strcmp(tmpl + n - WAV_LEN, wav_ext))
		return fail(err, errsz, EINVAL, "file name template \"%s\""
			    " must end in .wav", tmpl);

	return 0;
}

/* Only these survive, so a value can never name another directory. */
static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || (c && strchr("._+@-", c));
}

struct namebuf {
	char *s;
	size_t len;
	size_t cap;          /* bytes available for the stem */
	bool cut;
};

static void nb_put(struct namebuf *nb, char c)
{
	if (nb->len < nb->cap)
		nb->s[nb->len++] = c;
	else
		nb->cut = true;
}

static void nb_put_value(struct namebuf *nb, const char *v)
{
	if (!v || !*v)
		v = "unknown";

	for (; *v; v++)
		nb_put(nb, name_char_ok(*v) ? *v : '_');
}

static const char *time_value(char *buf, size_t sz, const char *fmt,
			      time_t when)
{
	struct tm tm;

	if (!localtime_r(&when, &tm) || !strftime(buf, sz, fmt, &tm))
		return NULL;

	return buf;
}

static const char *field_value(int idx, const struct rec_fields *f,
			       char *buf, size_t sz)
{
	switch (idx) {

	case F_INSTANCE: return f->instance;
	case F_CALLID:   return f->callid;
	case F_CALL:     return f->call;
	case F_PEER:     return f->peer;
	case F_DIR:      return f->dir;
	case F_DATE:     return time_value(buf, sz, "%Y%m%d", f->when);
	case F_TIME:     return time_value(buf, sz, "%H%M%S", f->when);
	default:         return NULL;
	}
}

/* Cutting may split a UTF-8 sequence from the template's literal text;
 * drop the incomplete tail rather than leave an invalid name. */
static size_t utf8_trim(const char *s, size_t len)
{
	size_t i = len, need;
	unsigned char c;

	while (i > 0 && len - i < 3 &&
	       ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		--i;
	if (i == 0)
		return len;

	c = (unsigned char)s[i - 1];
	if (c < 0xc0)
		return len;

	need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	return len - (i - 1) < need ? i - 1 : len;
}

/* The name is cut to min(REC_NAME_MAX, SZ - 1) bytes by shortening what
 * comes before ".wav", which is always kept.  ENAMETOOLONG only when SZ
 * cannot even hold "_.wav". */
int rec_name_expand(char *buf, size_t sz, const char *tmpl,
		    const struct rec_fields *f)
{
	struct namebuf nb;
	char tbuf[32];
	const char *p, *stem_end;
	size_t len;
	int err, idx;

	if (!buf || !sz || !f)
		return EINVAL;

	err = rec_template_check(tmpl, NULL, 0);
	if (err)
		return err;

	if (sz - 1 < 1 + WAV_LEN)
		return ENAMETOOLONG;

	nb.s = buf;
	nb.len = 0;
	nb.cap = zmin(sz - 1, REC_NAME_MAX) - WAV_LEN;
	nb.cut = false;

	stem_end = tmpl + strlen(tmpl) - WAV_LEN;
	for (p = tmpl; p < stem_end; p += len) {
		len = 1;
		if (*p != '{') {
			nb_put(&nb, *p);
			continue;
		}
		idx = field_parse(p, &len);
		nb_put_value(&nb, field_value(idx, f, tbuf, sizeof(tbuf)));
	}

	/* A leading '.' would hide the file, and "." or ".." is a dir. */
	if (!nb.len || buf[0] == '.') {
		if (nb.len == nb.cap) {
			--nb.len;
			nb.cut = true;
		}
		memmove(buf + 1, buf, nb.len++);
		buf[0] = '_';
	}
	if (nb.cut)
		nb.len = utf8_trim(buf, nb.len);

	memcpy(buf + nb.len, wav_ext, sizeof(wav_ext));
	return 0;
}


/* ---- the writer thread ---- */

static void sink_close_files(struct sink *s)
{
	unsigned i;

	/* The header was kept current by every write; a failing final
	 * rewrite has nothing left to lose, so its result is ignored. */
	for (i = 0; i < ARRAY_SIZE(s->sf); i++) {
		if (s->sf[i])
			(void)sf_close(s->sf[i]);
		s->sf[i] = NULL;
	}
}

static void sink_free(struct sink *s)
{
	if (!s)
		return;

	sink_close_files(s);
	free(s->ring.buf[0]);
	free(s->ring.buf[1]);
	free(s);
}

static int sink_write(struct sink *s, size_t pos, size_t n)
{
	unsigned i;

	for (i = 0; i < s->nfiles; i++) {
		const int16_t *p = s->ring.buf[i] + pos * s->ring.ch;
		sf_count_t done;

		errno = 0;
		done = sf_writef_short(s->sf[i], p, (sf_count_t)n);
		if (done != (sf_count_t)n)
			return errno ? errno : EIO;
	}
	return 0;
}

static void sink_fail(struct recwriter *w, struct sink *s, int err)
{
	sink_close_files(s);
	atomic_store_explicit(&s->failed, true, memory_order_relaxed);

	/* The errno rides in the data pointer, so an undelivered message
	 * (writer freed first) leaks nothing. */
	(void)mqueue_push(w->mq, (int)s->id, (void *)(intptr_t)err);
}

static void sink_drain(struct recwriter *w, struct sink *s)
{
	struct ring *rg = &s->ring;
	size_t head, tail, pos, n;
	int err;

	if (atomic_load_explicit(&s->failed, memory_order_relaxed))
		return;

	tail = atomic_load_explicit(&rg->tail, memory_order_relaxed);
	head = atomic_load_explicit(&rg->head, memory_order_acquire);

	while (head != tail) {
		pos = tail & rg->mask;
		n = zmin(head - tail, rg->mask + 1 - pos);

		err = sink_write(s, pos, n);
		if (err) {
			sink_fail(w, s, err);
			return;
		}

		tail += n;
		atomic_store_explicit(&rg->tail, tail, memory_order_release);
	}
}

static void service(struct recwriter *w, struct sink **list, bool stop)
{
	struct sink **pp = list;

	while (*pp) {
		struct sink *s = *pp;
		/* Read before draining: once set, the re side has put its
		 * last frame, so this drain takes everything. */
		bool last = stop ||
			atomic_load_explicit(&s->closing, memory_order_acquire);

		sink_drain(w, s);
		if (last) {
			*pp = s->next;
			sink_free(s);
		}
		else {
			pp = &s->next;
		}
	}
}

static void timespec_add_ms(struct timespec *ts, unsigned ms)
{
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec += 1;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Sleep until kicked, stopped or WAKE_MS passed, then take the sinks
 * registered meanwhile.  Returns the stop flag. */
static bool wait_work(struct recwriter *w, struct sink **list)
{
	struct timespec ts;
	struct sink *s;
	bool stop;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	timespec_add_ms(&ts, WAKE_MS);

	pthread_mutex_lock(&w->mtx);
	while (!w->stop && !w->kick) {
		if (pthread_cond_timedwait(&w->cond, &w->mtx, &ts))
			break;
	}
	w->kick = false;
	stop = w->stop;

	while ((s = w->pending) != NULL) {
		w->pending = s->next;
		s->next = *list;
		*list = s;
	}
	pthread_mutex_unlock(&w->mtx);

	return stop;
}

static void *writer_main(void *arg)
{
	struct recwriter *w = arg;
	struct sink *list = NULL;
	bool stop;

	do {
		stop = wait_work(w, &list);
		service(w, &list, stop);
	} while (!stop);

	return NULL;
}

static void writer_kick(struct recwriter *w)
{
	pthread_mutex_lock(&w->mtx);
	w->kick = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mtx);
}

static void writer_add(struct recwriter *w, struct sink *s)
{
	pthread_mutex_lock(&w->mtx);
	s->next = w->pending;
	w->pending = s;
	pthread_mutex_unlock(&w->mtx);
}

static void writer_destructor(void *arg)
{
	struct recwriter *w = arg;

	/* Every recording holds a reference, so all sinks are closing by
	 * now; the thread's last pass drains and frees them. */
	if (w->running) {
		pthread_mutex_lock(&w->mtx);
		w->stop = true;
		pthread_cond_signal(&w->cond);
		pthread_mutex_unlock(&w->mtx);
		pthread_join(w->thread, NULL);
	}

	if (w->sync) {
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->mtx);
	}

	mem_deref(w->mq);
}

static int writer_sync_init(struct recwriter *w)
{
	pthread_condattr_t ca;
	int err;

	err = pthread_mutex_init(&w->mtx, NULL);
	if (err)
		return err;

	err = pthread_condattr_init(&ca);
	if (!err) {
		/* Timed waits must not stretch when the wall clock jumps. */
		err = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		if (!err)
			err = pthread_cond_init(&w->cond, &ca);
		pthread_condattr_destroy(&ca);
	}
	if (err) {
		pthread_mutex_destroy(&w->mtx);
		return err;
	}

	w->sync = true;
	return 0;
}

static int writer_start(struct recwriter *w)
{
	sigset_t all, old;
	int err;

	/* The thread inherits a full mask: process signals stay with the
	 * re thread, and the SIGXFSZ its own write() raises at a file size
	 * limit stays pending instead of killing us; the write just fails
	 * with EFBIG. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&w->thread, NULL, writer_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	w->running = !err;
	return err;
}

static void mq_handler(int id, void *data, void *arg)
{
	struct recwriter *w = arg;

	if (w->errh)
		w->errh((unsigned)id, (int)(intptr_t)data, w->arg);
}

int recwriter_alloc(struct recwriter **wp, recwriter_err_h *errh, void *arg)
{
	struct recwriter *w;
	int err;

	if (!wp)
		return EINVAL;

	w = mem_zalloc(sizeof(*w), writer_destructor);
	if (!w)
		return ENOMEM;

	w->errh = errh;
	w->arg = arg;

	err = mqueue_alloc(&w->mq, mq_handler, w);
	if (!err)
		err = writer_sync_init(w);
	if (!err)
		err = writer_start(w);
	if (err) {
		mem_deref(w);
		return err;
	}

	*wp = w;
	return 0;
}


/* ---- recordings (re thread) ---- */

static int sink_alloc(struct sink **sp, enum rec_mode mode, uint32_t srate)
{
	struct sink *s;
	size_t cap = 1;
	unsigned i;

	s = calloc(1, sizeof(*s));
	if (!s)
		return ENOMEM;

	while (cap < (size_t)srate * RING_SECONDS)
		cap <<= 1;

	s->nfiles = mode == REC_SEPARATE ? 2 : 1;
	s->ring.ch = mode == REC_STEREO ? 2 : 1;
	s->ring.mask = cap - 1;
	atomic_init(&s->ring.head, 0);
	atomic_init(&s->ring.tail, 0);
	atomic_init(&s->closing, false);
	atomic_init(&s->failed, false);

	for (i = 0; i < s->nfiles; i++) {
		s->ring.buf[i] = malloc(cap * s->ring.ch * sizeof(int16_t));
		if (!s->ring.buf[i]) {
			sink_free(s);
			return ENOMEM;
		}
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
		return fail(err, errsz, ENAMETOOLONG, "cannot create"
			    " directory %s: %m", dir, ENAMETOOLONG);

	str_copy(buf, sizeof(buf), dir);
	for (p = buf + 1; ; p++) {
		if (*p && *p != '/')
			continue;

		c = *p;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST) {
			e = errno;
			return fail(err, errsz, e, "cannot create"
				    " directory %s: %m", buf, e);
		}
		*p = c;
		if (!c)
			break;
	}

	if (stat(dir, &st)) {
		e = errno;
		return fail(err, errsz, e, "cannot use %s: %m", dir, e);
	}
	if (!S_ISDIR(st.st_mode))
		return fail(err, errsz, ENOTDIR, "cannot use %s: %m",
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
		return e == EEXIST ? e : fail(err, errsz, e,
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
			(void)fail(err, errsz, e, "cannot create %s: %m",
				   path, e);
		else
			e = fail(err, errsz, EIO, "cannot create %s: %s",
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

	sink_close_files(s);
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
			e = fail(err, errsz, ENAMETOOLONG, "cannot create"
				 " %s%s: %m", stem, ext, ENAMETOOLONG);
			goto undo;
		}

		e = file_create(&s->sf[i], path, s->ring.ch, r->srate,
				err, errsz);
		if (e)
			goto undo;

		e = str_dup(&r->path[i], path);
		if (e) {
			(void)unlink(path);
			(void)fail(err, errsz, e, "recording: %m", e);
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
		return fail(err, errsz, ENAMETOOLONG, "cannot create %s/%s:"
			    " %m", dir, name, ENAMETOOLONG);

	for (k = 1; k <= SUFFIX_MAX; k++) {
		e = files_try(r, s, stem, ext, k, err, errsz);
		if (e != EEXIST)
			return e;
	}

	return fail(err, errsz, EEXIST, "cannot create %s%s: every name up"
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
		writer_kick(r->w);
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
		return fail(err, errsz, EINVAL, "recording: missing argument");
	if (!name_ok(name))
		return fail(err, errsz, EINVAL, "recording file name \"%s\""
			    " is not a plain file name", name);
	if (mode != REC_STEREO && mode != REC_MIXED && mode != REC_SEPARATE)
		return fail(err, errsz, EINVAL, "bad recording mode %d",
			    (int)mode);
	if (!srate || srate > MAX_SRATE)
		return fail(err, errsz, EINVAL, "bad recording sample rate"
			    " %u", (unsigned)srate);

	if (!dir || !*dir)
		dir = ".";

	e = mkdirs(dir, err, errsz);
	if (e)
		return e;

	r = mem_zalloc(sizeof(*r), recording_destructor);
	if (!r)
		return fail(err, errsz, ENOMEM, "recording: %m", ENOMEM);

	r->mode = mode;
	r->srate = srate;

	e = sink_alloc(&s, mode, srate);
	if (e)
		(void)fail(err, errsz, e, "recording: %m", e);
	else
		e = files_create(r, s, dir, name, err, errsz);
	if (e) {
		sink_free(s);
		mem_deref(r);
		return e;
	}

	r->w = mem_ref(w);
	r->id = s->id = ++w->next_id;
	r->sink = s;
	writer_add(w, s);

	*rp = r;
	return 0;
}

static void ring_fill(struct ring *rg, enum rec_mode mode, size_t head,
		      const int16_t *rx, const int16_t *tx, size_t n)
{
	size_t j, pos;
	int16_t a, b;

	for (j = 0; j < n; j++) {
		pos = (head + j) & rg->mask;
		a = rx ? rx[j] : 0;
		b = tx ? tx[j] : 0;

		switch (mode) {

		case REC_STEREO:
			rg->buf[0][2 * pos] = a;
			rg->buf[0][2 * pos + 1] = b;
			break;

		case REC_MIXED:
			rg->buf[0][pos] = pcm_add_sat(a, b);
			break;

		case REC_SEPARATE:
			rg->buf[0][pos] = a;
			rg->buf[1][pos] = b;
			break;
		}
	}
}

void recording_put(struct recording *r, const int16_t *rx,
		   const int16_t *tx, size_t n)
{
	struct ring *rg;
	size_t head, tail;

	if (!r || !r->sink || !n)
		return;

	/* After a disk error nothing is handed over, nor counted. */
	if (atomic_load_explicit(&r->sink->failed, memory_order_relaxed))
		return;

	rg = &r->sink->ring;
	head = atomic_load_explicit(&rg->head, memory_order_relaxed);
	/* Acquire: the writer is done reading the slots it released. */
	tail = atomic_load_explicit(&rg->tail, memory_order_acquire);

	if (n > rg->mask + 1 - (head - tail)) {
		r->dropped += n;
		return;
	}

	ring_fill(rg, r->mode, head, rx, tx, n);
	atomic_store_explicit(&rg->head, head + n, memory_order_release);
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
