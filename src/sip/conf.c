#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ini.h>
#include <re.h>
#include "base/names.h"
#include "base/util.h"
#include "media/monitor.h"
#include "media/recname.h"
#include "conf.h"

static const char default_codecs[] = "PCMU, PCMA, telephone-event";

static void conf_destructor(void *arg)
{
	struct conf *c = arg;

	list_flush(&c->instances);
}

static struct conf *conf_new(void)
{
	struct conf *c = mem_zalloc(sizeof(*c), conf_destructor);

	if (!c)
		return NULL;

	str_copy(c->record_dir, sizeof(c->record_dir), "recordings");
	str_copy(c->record_template, sizeof(c->record_template),
		 REC_TEMPLATE_DEFAULT);
	c->record_mode = REC_STEREO;
	c->rtp_min = 20000;
	c->rtp_max = 29999;
	c->rtp_timeout_ms = 30000;
	c->monitor_max_ms = MONITOR_MAX_MS_DEFAULT;
	c->port_base = 5060;
	return c;
}

static bool valid_name(const char *s)
{
	if (!*s || strlen(s) >= sizeof(((struct inst_conf *)0)->name))
		return false;
	for (; *s; s++) {
		if (!isalnum((unsigned char)*s) && !strchr("_-.", *s))
			return false;
	}
	return true;
}

static void inst_destructor(void *arg)
{
	struct inst_conf *ic = arg;

	pbx_conf_reset(&ic->pbx);
}

static struct inst_conf *inst_new(struct conf *c, const char *name,
				  unsigned line)
{
	struct inst_conf *ic = mem_zalloc(sizeof(*ic), inst_destructor);
	char bad[32];

	if (!ic)
		return NULL;

	ic->line = line;
	str_copy(ic->name, sizeof(ic->name), name);
	str_copy(ic->user, sizeof(ic->user), name);
	str_copy(ic->addr, sizeof(ic->addr), "127.0.0.1");
	ic->transport = SIP_TRANSP_UDP;
	(void)codec_list_parse(&ic->codecs, default_codecs, bad, sizeof(bad));
	ic->answer.mode = ANSWER_MANUAL;
	ic->source.kind = SOURCE_SILENCE;
	ic->rtp_timeout_ms = -1;
	ic->record_mode = -1;
	ic->dtmf = DTMF_RFC4733;
	ic->dtmf_duration_ms = DTMF_DURATION_MS;
	ic->dtmf_gap_ms = DTMF_GAP_MS;
	ic->dtmf_detect = true;
	account_init(&ic->account);
	midcall_init(&ic->midcall);
	pbx_conf_init(&ic->pbx);
	list_append(&c->instances, &ic->le, ic);
	return ic;
}

struct inst_conf *conf_instance(const struct conf *c, const char *name)
{
	struct le *le;

	for (le = c ? c->instances.head : NULL; le; le = le->next) {
		struct inst_conf *ic = le->data;
		if (!strcmp(ic->name, name))
			return ic;
	}
	return NULL;
}

/* indexed by enum sip_transp */
static const char *const transport_names[] = {"udp", "tcp", "tls"};
static const struct name_table transports = NAME_TABLE(transport_names,
						       true);

int answer_policy_parse(struct answer_policy *ap, const char *s)
{
	char *end;
	unsigned long code;

	memset(ap, 0, sizeof(*ap));

	if (!strcmp(s, "manual")) {
		ap->mode = ANSWER_MANUAL;
		return 0;
	}
	if (!strcmp(s, "auto")) {
		ap->mode = ANSWER_AUTO;
		return 0;
	}
	if (!strncmp(s, "auto:", 5)) {
		uint64_t ms;
		if (duration_parse(&ms, s + 5) || ms > 3600000)
			return EINVAL;
		ap->mode = ANSWER_AUTO;
		ap->delay_ms = (uint32_t)ms;
		return 0;
	}
	if (!strncmp(s, "reject:", 7)) {
		code = strtoul(s + 7, &end, 10);
		if (end == s + 7 || *end || code < 400 || code > 699)
			return EINVAL;
		ap->mode = ANSWER_REJECT;
		ap->code = (uint16_t)code;
		return 0;
	}
	return EINVAL;
}

int answer_policy_print(struct re_printf *pf, const struct answer_policy *ap)
{
	switch (ap->mode) {

	case ANSWER_AUTO:
		if (ap->delay_ms)
			return re_hprintf(pf, "auto:%ums", ap->delay_ms);
		return re_hprintf(pf, "auto");
	case ANSWER_REJECT:
		return re_hprintf(pf, "reject:%u", ap->code);
	default:
		return re_hprintf(pf, "manual");
	}
}

int port_range_parse(uint16_t *lo, uint16_t *hi, const char *s)
{
	unsigned long a, b;
	char *end;

	a = strtoul(s, &end, 10);
	if (end == s || *end != '-')
		return EINVAL;
	s = end + 1;
	b = strtoul(s, &end, 10);
	if (end == s || *end)
		return EINVAL;

	/* RTP takes an even port and the odd one above it. */
	if (a < 1024 || b > 65535 || b < a + 1)
		return EINVAL;

	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

static int parse_port(uint16_t *port, const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end == s || *end || v < 1 || v > 65535)
		return EINVAL;
	*port = (uint16_t)v;
	return 0;
}

struct parse_ctx {
	struct conf *conf;
	char *err;
	size_t errsz;
};

/* inih strips ';' comments; sipflow.conf(5) also allows "  # comment". */
static void strip_comment(char *v)
{
	char *p;

	for (p = v; *p; p++) {
		if (*p == '#' && (p == v || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			break;
		}
	}
	for (p = v + strlen(v); p > v && isspace((unsigned char)p[-1]); )
		*--p = '\0';
}

static int general_key(struct parse_ctx *ctx, const char *key,
		       const char *val)
{
	struct conf *c = ctx->conf;

	if (!strcmp(key, "record_dir")) {
		if (!*val || strlen(val) >= sizeof(c->record_dir))
			goto bad;
		str_copy(c->record_dir, sizeof(c->record_dir), val);
	}
	else if (!strcmp(key, "record_template")) {
		char why[128];
		if (strlen(val) >= sizeof(c->record_template) ||
		    rec_template_check(val, why, sizeof(why))) {
			re_snprintf(ctx->err, ctx->errsz, "bad value '%s' for "
				    "record_template: %s", val,
				    strlen(val) >= sizeof(c->record_template) ?
				    "too long" : why);
			return EINVAL;
		}
		str_copy(c->record_template, sizeof(c->record_template), val);
	}
	else if (!strcmp(key, "record_mode")) {
		if (rec_mode_parse(&c->record_mode, val))
			goto bad;
	}
	else if (!strcmp(key, "rtp_ports")) {
		if (port_range_parse(&c->rtp_min, &c->rtp_max, val))
			goto bad;
	}
	else if (!strcmp(key, "rtp_timeout")) {
		if (duration_parse(&c->rtp_timeout_ms, val))
			goto bad;
	}
	else if (!strcmp(key, "monitor_max_latency")) {
		uint64_t ms;

		if (duration_parse(&ms, val) || ms < MONITOR_MAX_MS_MIN ||
		    ms > MONITOR_MAX_MS_MAX) {
			re_snprintf(ctx->err, ctx->errsz, "bad value '%s' for "
				    "monitor_max_latency: a duration from "
				    "%ums to %us", val, MONITOR_MAX_MS_MIN,
				    MONITOR_MAX_MS_MAX / 1000);
			return EINVAL;
		}
		c->monitor_max_ms = (unsigned)ms;
	}
	else if (!strcmp(key, "port_base")) {
		if (parse_port(&c->port_base, val))
			goto bad;
	}
	else {
		re_snprintf(ctx->err, ctx->errsz, "unknown key '%s' in "
			    "[general]", key);
		return EINVAL;
	}
	return 0;

 bad:
	re_snprintf(ctx->err, ctx->errsz, "bad value '%s' for %s", val, key);
	return EINVAL;
}

static int instance_key(struct parse_ctx *ctx, struct inst_conf *ic,
			const char *key, const char *val)
{
	char bad[64];

	if (!strcmp(key, "user")) {
		if (!*val || strlen(val) >= sizeof(ic->user) ||
		    strpbrk(val, " \t<>@:;\"'"))
			goto bad;
		str_copy(ic->user, sizeof(ic->user), val);
	}
	else if (!strcmp(key, "display")) {
		if (strlen(val) >= sizeof(ic->display) || strpbrk(val, "\"\\"))
			goto bad;
		str_copy(ic->display, sizeof(ic->display), val);
	}
	else if (!strcmp(key, "addr")) {
		struct sa sa;
		if (sa_set_str(&sa, val, 0))
			goto bad;
		str_copy(ic->addr, sizeof(ic->addr), val);
	}
	else if (!strcmp(key, "port")) {
		if (parse_port(&ic->port, val))
			goto bad;
	}
	else if (!strcmp(key, "transport")) {
		int v;
		if (name_parse(&transports, val, &v))
			goto bad;
		ic->transport = (enum sip_transp)v;
	}
	else if (!strcmp(key, "tls_cert")) {
		FILE *f = fopen(val, "r");

		if (!f || strlen(val) >= sizeof(ic->tls_cert)) {
			re_snprintf(ctx->err, ctx->errsz, "tls_cert: cannot "
				    "read %s: %s in [%s]", val,
				    f ? "name too long" : strerror(errno),
				    ic->name);
			if (f)
				fclose(f);
			return EINVAL;
		}
		fclose(f);
		str_copy(ic->tls_cert, sizeof(ic->tls_cert), val);
	}
	else if (!strcmp(key, "codecs")) {
		if (codec_list_parse(&ic->codecs, val, bad, sizeof(bad))) {
			re_snprintf(ctx->err, ctx->errsz, "unknown or "
				    "unusable codec '%s' in codecs", bad);
			return EINVAL;
		}
	}
	else if (!strcmp(key, "answer")) {
		if (answer_policy_parse(&ic->answer, val))
			goto bad;
	}
	else if (!strcmp(key, "source")) {
		if (source_spec_parse(&ic->source, val))
			goto bad;
	}
	else if (!strcmp(key, "record")) {
		if (!strcmp(val, "on"))
			ic->record = true;
		else if (!strcmp(val, "off"))
			ic->record = false;
		else
			goto bad;
	}
	else if (!strcmp(key, "record_mode")) {
		enum rec_mode m;
		if (rec_mode_parse(&m, val))
			goto bad;
		ic->record_mode = (int)m;
	}
	else if (!strcmp(key, "dtmf")) {
		if (dtmf_method_parse(&ic->dtmf, val))
			goto bad;
	}
	else if (!strcmp(key, "dtmf_duration") || !strcmp(key, "dtmf_gap")) {
		uint64_t ms;
		bool dur = !strcmp(key, "dtmf_duration");
		if (duration_parse(&ms, val) || ms > 10000 || (dur && ms < 20))
			goto bad;
		if (dur)
			ic->dtmf_duration_ms = (uint32_t)ms;
		else
			ic->dtmf_gap_ms = (uint32_t)ms;
	}
	else if (!strcmp(key, "dtmf_detect")) {
		if (!strcmp(val, "inband"))
			ic->dtmf_detect = true;
		else if (!strcmp(val, "off"))
			ic->dtmf_detect = false;
		else
			goto bad;
	}
	else if (!strcmp(key, "rtp_ports")) {
		if (port_range_parse(&ic->rtp_min, &ic->rtp_max, val))
			goto bad;
	}
	else if (!strcmp(key, "rtp_timeout")) {
		uint64_t ms;
		if (duration_parse(&ms, val))
			goto bad;
		ic->rtp_timeout_ms = (int64_t)ms;
	}
	else {
		char why[256];
		int e = account_key(&ic->account, key, val, why, sizeof(why));

		if (e == ENOENT)
			e = midcall_key(&ic->midcall, key, val, why,
					sizeof(why));
		if (e == ENOENT)
			e = pbx_conf_key(&ic->pbx, key, val, why,
					 sizeof(why));

		if (e == ENOENT)
			re_snprintf(ctx->err, ctx->errsz, "unknown key '%s' "
				    "in [%s]", key, ic->name);
		else if (e)
			re_snprintf(ctx->err, ctx->errsz, "%s in [%s]", why,
				    ic->name);
		return e ? EINVAL : 0;
	}
	return 0;

 bad:
	re_snprintf(ctx->err, ctx->errsz, "bad value '%s' for %s in [%s]",
		    val, key, ic->name);
	return EINVAL;
}

static int conf_ini_handler(void *user, const char *section, const char *name,
		       const char *value)
{
	struct parse_ctx *ctx = user;
	struct inst_conf *ic;
	char val[512];

	if (ctx->err[0])
		return 0;   /* keep the first error */

	str_copy(val, sizeof(val), value);
	strip_comment(val);

	if (!*section) {
		re_snprintf(ctx->err, ctx->errsz, "key '%s' outside any "
			    "section", name);
		return 0;
	}

	if (!strcmp(section, "general"))
		return general_key(ctx, name, val) ? 0 : 1;

	ic = conf_instance(ctx->conf, section);
	if (!ic) {
		re_snprintf(ctx->err, ctx->errsz, "internal: no [%s]",
			    section);
		return 0;
	}
	return instance_key(ctx, ic, name, val) ? 0 : 1;
}

/* Debian's inih splits lines longer than this, and would then report
 * errors at the wrong line. */
enum { MAX_LINE = 198, MAX_COMMENT = 65536 };

/* inih reports keys, not sections, and keeps going after a syntax error
 * (reporting our handler's first complaint against its first bad line).
 * So a first pass finds the section headers (an instance section with no
 * keys still defines an instance) and the lines inih would mis-read. */
/* One line of F into LINE (at most MAX_COMMENT bytes, its newline
 * kept, NUL-terminated), byte by byte so that a NUL is seen where it is
 * and a file with no end of line (say /dev/zero) costs nothing.  Returns
 * the length, 0 at the end, or -1 with *WHY set. */
static ssize_t read_line_bounded(FILE *f, char *line, const char **why)
{
	size_t n = 0;
	int ch;

	while ((ch = getc(f)) != EOF) {
		if (ch == '\0') {
			*why = "a NUL byte (this is not a text file)";
			return -1;
		}
		if (n == MAX_COMMENT) {
			*why = "a line of more than 65536 characters";
			return -1;
		}
		line[n++] = (char)ch;
		if (ch == '\n')
			break;
	}
	if (ferror(f)) {
		*why = "a read error";
		return -1;
	}
	line[n] = '\0';
	return (ssize_t)n;
}

static int scan_sections(struct conf *c, FILE *f, char *err, size_t errsz)
{
	char *line = malloc(MAX_COMMENT + 1);
	const char *why = NULL;
	unsigned lineno = 0;
	ssize_t n;
	int e = 0;

	if (!line)
		return ENOMEM;

	/* a comment may be long; anything else at most MAX_LINE */
	while (!e && (n = read_line_bounded(f, line, &why)) != 0) {
		size_t len = (size_t)n;
		char *p = line, *end;

		++lineno;
		if (n < 0) {
			e = errf(err, errsz, EINVAL, "%s:%u: %s", c->path,
				 lineno, why);
			break;
		}
		while (isspace((unsigned char)*p))
			++p;
		if (*p == ';' || *p == '#')
			continue;   /* a comment may be up to 64 KiB */
		if (len > MAX_LINE + 1 ||
		    (len == MAX_LINE + 1 && line[len - 1] != '\n')) {
			e = errf(err, errsz, EINVAL, "%s:%u: line too long (at "
				 "most %d characters)", c->path, lineno,
				 MAX_LINE);
			break;
		}

		if (!*p)
			continue;
		if (*p != '[') {
			if (!strpbrk(p, "=:"))
				e = errf(err, errsz, EINVAL, "%s:%u: syntax "
					 "error (expected '[section]' or "
					 "'key = value')", c->path, lineno);
			continue;
		}

		end = strchr(p, ']');
		if (!end) {
			e = errf(err, errsz, EINVAL, "%s:%u: section header "
				 "without ']'", c->path, lineno);
			break;
		}
		*end = '\0';
		++p;

		if (!strcmp(p, "general"))
			continue;

		if (!valid_name(p))
			e = errf(err, errsz, EINVAL, "%s:%u: bad instance "
				 "name '%s' (letters, digits, _ - . only)",
				 c->path, lineno, p);
		else if (conf_instance(c, p))
			e = errf(err, errsz, EINVAL, "%s:%u: instance [%s] "
				 "defined twice", c->path, lineno, p);
		else if (!inst_new(c, p, lineno))
			e = ENOMEM;
	}

	free(line);
	return e;
}

static int check_unique(struct conf *c, char *err, size_t errsz)
{
	struct le *a, *b;

	for (a = c->instances.head; a; a = a->next) {
		struct inst_conf *x = a->data;
		for (b = a->next; b; b = b->next) {
			struct inst_conf *y = b->data;
			if (!strcmp(x->user, y->user)) {
				re_snprintf(err, errsz, "%s:%u: [%s] has the "
					    "same user '%s' as [%s]", c->path,
					    y->line, y->name, y->user,
					    x->name);
				return EINVAL;
			}
		}
	}
	return 0;
}

/* inih's line reader: comment lines (of any length) are handed over
 * empty, so inih neither splits them nor shifts numbers; the first pass
 * has already refused long lines that are not comments. */
static char *read_line(char *str, int num, void *stream)
{
	FILE *f = stream;
	char *p;

	if (!fgets(str, num, f))
		return NULL;

	/* Leading blanks go: inih would read an indented line as the
	 * continuation of the previous value, and sipflow.conf(5) has no
	 * multi-line values. */
	for (p = str; isspace((unsigned char)*p) && *p != '\n'; p++)
		;
	if (p != str)
		memmove(str, p, strlen(p) + 1);
	p = str;
	if (*p == ';' || *p == '#') {
		size_t len = strlen(str);
		while (len && str[len - 1] != '\n' && fgets(str, num, f))
			len = strlen(str);
		str[0] = '\n';
		str[1] = '\0';
	}
	return str;
}

int conf_load(struct conf **cp, const char *path, char *err, size_t errsz)
{
	struct parse_ctx ctx;
	char msg[256] = "";
	struct conf *c;
	FILE *f;
	int line, e;

	if (!cp || !path)
		return EINVAL;

	c = conf_new();
	if (!c)
		return ENOMEM;
	str_copy(c->path, sizeof(c->path), path);

	f = fopen(path, "r");
	if (!f) {
		e = errno;
		re_snprintf(err, errsz, "%s: %m", path, e);
		mem_deref(c);
		return e;
	}

	e = scan_sections(c, f, err, errsz);
	if (e)
		goto out;

	rewind(f);
	ctx.conf = c;
	ctx.err = msg;
	ctx.errsz = sizeof(msg);
	line = ini_parse_stream(read_line, f, conf_ini_handler, &ctx);
	if (line) {
		re_snprintf(err, errsz, "%s:%d: %s", path, line,
			    msg[0] ? msg : "syntax error (expected "
			    "'[section]' or 'key = value')");
		e = EINVAL;
		goto out;
	}

	if (!c->instances.head) {
		re_snprintf(err, errsz, "%s: no instance sections", path);
		e = EINVAL;
		goto out;
	}

	e = check_unique(c, err, errsz);

 out:
	fclose(f);
	if (e)
		mem_deref(c);
	else
		*cp = c;
	return e;
}

int conf_default(struct conf **cp)
{
	struct conf *c = conf_new();
	struct inst_conf *a, *b;

	if (!c)
		return ENOMEM;

	str_copy(c->path, sizeof(c->path), "(built-in)");
	a = inst_new(c, "alice", 0);
	b = inst_new(c, "bob", 0);
	if (!a || !b) {
		mem_deref(c);
		return ENOMEM;
	}

	/* Distinct tones, so whoever listens can tell the legs apart. */
	str_copy(a->user, sizeof(a->user), "1001");
	str_copy(a->display, sizeof(a->display), "Alice");
	a->source.kind = SOURCE_TONE;
	a->source.hz = 440;
	str_copy(b->user, sizeof(b->user), "1002");
	str_copy(b->display, sizeof(b->display), "Bob");
	b->source.kind = SOURCE_TONE;
	b->source.hz = 660;

	*cp = c;
	return 0;
}

void conf_assign_ports(struct conf *c, uint16_t port_base)
{
	struct le *le;
	unsigned i = 0;

	for (le = c->instances.head; le; le = le->next, i++) {
		struct inst_conf *ic = le->data;
		if (!ic->port)
			ic->port = (uint16_t)(port_base + i);
	}
}
