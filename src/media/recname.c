/* Recording file names: the template's fields, checked when the
 * configuration is read and expanded, sanitised, for every recording
 * (see recname.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <re.h>
#include "base/util.h"
#include "recname.h"

enum { REC_NAME_MAX = 200 };  /* leaves room for "-999-rx" under NAME_MAX */

static const char wav_ext[] = ".wav";
#define WAV_LEN (sizeof(wav_ext) - 1)

static const char *const field_names[] = {
	"instance", "callid", "call", "peer", "dir", "date", "time",
};

enum { F_INSTANCE, F_CALLID, F_CALL, F_PEER, F_DIR, F_DATE, F_TIME };

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
		return errf(err, errsz, EINVAL, "empty file name template");

	for (p = tmpl; *p; p += len) {
		len = 1;
		if (*p == '/')
			return errf(err, errsz, EINVAL, "'/' is not allowed in"
				    " file name template \"%s\"", tmpl);
		if (*p == '}')
			return errf(err, errsz, EINVAL, "unbalanced '}' in"
				    " file name template \"%s\"", tmpl);
		if (*p != '{')
			continue;

		switch (field_parse(p, &len)) {

		case -2:
			return errf(err, errsz, EINVAL, "unbalanced '{' at"
				    " \"%b\" in file name template \"%s\"",
				    p, len, tmpl);
		case -1:
			return errf(err, errsz, EINVAL, "unknown field %b in"
				    " file name template \"%s\" (known:"
				    " {instance} {callid} {call} {peer} {dir}"
				    " {date} {time})", p, len, tmpl);
		default:
			break;
		}
	}

	n = strlen(tmpl);
	if (n < WAV_LEN || strcmp(tmpl + n - WAV_LEN, wav_ext))
		return errf(err, errsz, EINVAL, "file name template \"%s\""
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
	nb.cap = MIN(sz - 1, REC_NAME_MAX) - WAV_LEN;
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

