/* sipflow.conf(5): parsing, errors with FILE:LINE, defaults, ports. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <re.h>
#include "sip/conf.h"

/* A temporary file holding LEN bytes of TEXT; PATH receives its name. */
static void tmp_write_mem(char *path, size_t sz, const char *text,
			  size_t len)
{
	int fd;

	snprintf(path, sz, "/tmp/sipflow-test-conf-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static void tmp_write(char *path, size_t sz, const char *text)
{
	tmp_write_mem(path, sz, text, strlen(text));
}

/* Load TEXT; returns the error and leaves the message in ERR. */
static int load(struct conf **cp, const char *text, char *path,
		size_t pathsz, char *err, size_t errsz)
{
	int e;

	tmp_write(path, pathsz, text);
	err[0] = '\0';
	*cp = NULL;
	e = conf_load(cp, path, err, errsz);
	unlink(path);
	return e;
}

/* TEXT must fail with EINVAL, the message starting "PATH:LINE:" and
 * containing each of the NULL-terminated WORDS. */
static void load_bad(const char *text, unsigned line, ...)
{
	struct conf *c = NULL;
	char path[64], err[512], prefix[96];
	const char *w;
	va_list ap;

	assert_int_equal(load(&c, text, path, sizeof(path), err,
			      sizeof(err)), EINVAL);
	assert_null(c);

	snprintf(prefix, sizeof(prefix), "%s:%u: ", path, line);
	if (strncmp(err, prefix, strlen(prefix)))
		fail_msg("want prefix \"%s\", got \"%s\"", prefix, err);

	va_start(ap, line);
	while ((w = va_arg(ap, const char *))) {
		if (!strstr(err, w))
			fail_msg("\"%s\" not in \"%s\"", w, err);
	}
	va_end(ap);
}

static const char full_conf[] =
	"; a comment line\n"
	"# another\n"
	"[general]\n"
	"record_dir = /tmp/recs   # where calls go\n"
	"rtp_ports = 30000-30999\n"
	"rtp_timeout = 45s\n"
	"monitor_max_latency = 1.5s\n"
	"port_base = 6000\n"
	"\n"
	"[alice]\n"
	"user = 2001  # number\n"
	"display = Alice Liddell\n"
	"addr = 127.0.0.2\n"
	"port = 5070\n"
	"transport = tcp\n"
	"codecs = PCMA, pcmu , telephone-event\n"
	"answer = auto:2s\n"
	"source = tone:440\n"
	"record = on\n"
	"rtp_ports = 40001-40011\n"
	"rtp_timeout = 0\n"
	"\n"
	"[bob]\n"
	"user = 2002\n"
	"answer = reject:486\n"
	"source = file:sounds/x#1.wav\n"
	"record = off\n"
	"transport = UDP\n"
	"rtp_timeout = 5s\n"
	"\n"
	"[carol-3.x_y]\n";

static void test_full(void **state)
{
	struct conf *c;
	struct inst_conf *a, *b, *k;
	char path[64], err[256];

	(void)state;
	assert_int_equal(load(&c, full_conf, path, sizeof(path), err,
			      sizeof(err)), 0);
	assert_string_equal(c->path, path);

	assert_string_equal(c->record_dir, "/tmp/recs");
	assert_int_equal(c->rtp_min, 30000);
	assert_int_equal(c->rtp_max, 30999);
	assert_int_equal(c->rtp_timeout_ms, 45000);
	assert_int_equal(c->monitor_max_ms, 1500);
	assert_int_equal(c->port_base, 6000);
	assert_int_equal(list_count(&c->instances), 3);

	/* Instances keep the file's order. */
	a = c->instances.head->data;
	assert_string_equal(a->name, "alice");
	assert_ptr_equal(conf_instance(c, "alice"), a);
	assert_int_equal(a->line, 10);
	assert_string_equal(a->user, "2001");
	assert_string_equal(a->display, "Alice Liddell");
	assert_string_equal(a->addr, "127.0.0.2");
	assert_int_equal(a->port, 5070);
	assert_int_equal(a->transport, SIP_TRANSP_TCP);
	assert_int_equal(a->codecs.n, 3);
	assert_string_equal(a->codecs.v[0]->name, "PCMA");
	assert_string_equal(a->codecs.v[1]->name, "PCMU");
	assert_true(a->codecs.v[2]->telev);
	assert_int_equal(a->answer.mode, ANSWER_AUTO);
	assert_int_equal(a->answer.delay_ms, 2000);
	assert_int_equal(a->source.kind, SOURCE_TONE);
	assert_int_equal(a->source.hz, 440);
	assert_true(a->record);
	assert_int_equal(a->rtp_min, 40001);
	assert_int_equal(a->rtp_max, 40011);
	assert_int_equal(a->rtp_timeout_ms, 0);

	b = conf_instance(c, "bob");
	assert_non_null(b);
	assert_int_equal(b->line, 23);
	assert_string_equal(b->user, "2002");
	assert_int_equal(b->answer.mode, ANSWER_REJECT);
	assert_int_equal(b->answer.code, 486);
	assert_int_equal(b->source.kind, SOURCE_FILE);
	/* '#' inside a word is not a comment. */
	assert_string_equal(b->source.path, "sounds/x#1.wav");
	assert_false(b->record);
	assert_int_equal(b->transport, SIP_TRANSP_UDP);
	assert_int_equal(b->rtp_timeout_ms, 5000);
	/* Unset: from [general]. */
	assert_int_equal(b->port, 0);
	assert_int_equal(b->rtp_min, 0);
	assert_int_equal(b->rtp_max, 0);

	/* A section without keys is an instance with every default. */
	k = conf_instance(c, "carol-3.x_y");
	assert_non_null(k);
	assert_string_equal(k->user, "carol-3.x_y");
	assert_string_equal(k->addr, "127.0.0.1");
	assert_string_equal(k->display, "");
	assert_int_equal(k->transport, SIP_TRANSP_UDP);
	assert_int_equal(k->codecs.n, 3);
	assert_string_equal(k->codecs.v[0]->name, "PCMU");
	assert_string_equal(k->codecs.v[1]->name, "PCMA");
	assert_int_equal(k->answer.mode, ANSWER_MANUAL);
	assert_int_equal(k->source.kind, SOURCE_SILENCE);
	assert_false(k->record);
	assert_int_equal(k->rtp_timeout_ms, -1);

	assert_null(conf_instance(c, "dave"));

	/* Ports: the unset ones from the base, in order, explicit kept. */
	conf_assign_ports(c, 7000);
	assert_int_equal(a->port, 5070);
	assert_int_equal(b->port, 7001);
	assert_int_equal(k->port, 7002);

	mem_deref(c);
}

static void test_general_defaults(void **state)
{
	struct conf *c;
	char path[64], err[256];

	(void)state;
	assert_int_equal(load(&c, "[x]\n", path, sizeof(path), err,
			      sizeof(err)), 0);
	assert_string_equal(c->record_dir, "recordings");
	assert_int_equal(c->rtp_min, 20000);
	assert_int_equal(c->rtp_max, 29999);
	assert_int_equal(c->rtp_timeout_ms, 30000);
	assert_int_equal(c->monitor_max_ms, 500);
	assert_int_equal(c->port_base, 5060);
	mem_deref(c);
}

static void test_unknown_key(void **state)
{
	(void)state;
	load_bad("[alice]\nuser = 1\ncolour = red\n", 3,
		 "unknown key", "colour", "[alice]", NULL);
	load_bad("[general]\nrtp_port = 1-2\n[a]\n", 2,
		 "unknown key", "rtp_port", "[general]", NULL);
}

static void test_bad_values(void **state)
{
	(void)state;
	load_bad("[alice]\nanswer = sometimes\n", 2,
		 "bad value", "sometimes", "answer", NULL);
	load_bad("[alice]\nanswer = reject:200\n", 2,
		 "reject:200", "answer", NULL);
	load_bad("[alice]\nport = 70000\n", 2, "70000", "port", NULL);
	load_bad("[alice]\nport = 0\n", 2, "'0'", "port", NULL);
	load_bad("[alice]\nport = 50x\n", 2, "50x", "port", NULL);
	load_bad("[general]\nport_base = -1\n[a]\n", 2, "port_base", NULL);
	load_bad("[alice]\ntransport = sctp\n", 2, "sctp", "transport",
		 NULL);
	load_bad("[alice]\nsource = tone:0\n", 2, "tone:0", "source", NULL);
	load_bad("[alice]\nsource = mp3\n", 2, "mp3", "source", NULL);
	load_bad("[alice]\nrecord = yes\n", 2, "yes", "record", NULL);
	load_bad("[alice]\nuser = a@b\n", 2, "a@b", "user", NULL);
	load_bad("[alice]\ndisplay = say \"hi\"\n", 2, "display", NULL);
	load_bad("[alice]\naddr = localhost:x\n", 2, "addr", NULL);
	load_bad("[alice]\nrtp_timeout = soon\n", 2, "soon", "rtp_timeout",
		 NULL);
	load_bad("[general]\nrtp_timeout = -5s\n[a]\n", 2, "rtp_timeout",
		 NULL);
	/* The monitor's ceiling: a duration, and one that makes sense. */
	load_bad("[general]\nmonitor_max_latency = 50ms\n[a]\n", 2,
		 "monitor_max_latency", "100ms to 5s", NULL);
	load_bad("[general]\nmonitor_max_latency = 6s\n[a]\n", 2,
		 "monitor_max_latency", NULL);
	load_bad("[general]\nmonitor_max_latency = lots\n[a]\n", 2,
		 "lots", NULL);
	/* Only a comment is left once it is stripped. */
	load_bad("[general]\nrecord_dir = # nothing\n[a]\n", 2,
		 "record_dir", NULL);
}

static void test_rtp_ports(void **state)
{
	struct conf *c;
	char path[64], err[256];

	(void)state;

	/* An odd range is accepted; the allocator finds even ports in it. */
	assert_int_equal(load(&c, "[general]\nrtp_ports = 20001-20004\n"
			      "[a]\nrtp_ports = 30001-30002\n", path,
			      sizeof(path), err, sizeof(err)), 0);
	assert_int_equal(c->rtp_min, 20001);
	assert_int_equal(c->rtp_max, 20004);
	assert_int_equal(conf_instance(c, "a")->rtp_min, 30001);
	mem_deref(c);

	load_bad("[general]\nrtp_ports = 30000-30000\n[a]\n", 2,
		 "30000-30000", "rtp_ports", NULL);
	load_bad("[general]\nrtp_ports = 30000-20000\n[a]\n", 2,
		 "rtp_ports", NULL);
	load_bad("[a]\nuser = 1\nrtp_ports = 20000\n", 3,
		 "rtp_ports", "[a]", NULL);
	load_bad("[a]\nrtp_ports = 80-90\n", 2, "80-90", NULL);
}

static void test_sections(void **state)
{
	(void)state;
	load_bad("[alice]\n\n[bob]\n[alice]\n", 4,
		 "[alice]", "defined twice", NULL);
	load_bad("[alice]\n[bad name]\n", 2, "bad instance name",
		 "bad name", NULL);
	load_bad("[alice]\n[a/b]\n", 2, "a/b", NULL);
	load_bad("[alice]\n[]\n", 2, "bad instance name", NULL);
	load_bad("[alice\nuser = 1\n", 1, "without ']'", NULL);
	load_bad("user = 1\n[alice]\n", 1, "outside any section", "user",
		 NULL);
}

static void test_codecs(void **state)
{
	(void)state;
	load_bad("[alice]\ncodecs = PCMU, G729\n", 2, "G729", "codecs",
		 NULL);
	/* No audio codec: the whole list is named. */
	load_bad("[alice]\ncodecs = telephone-event\n", 2, "codecs",
		 "'telephone-event'", NULL);
}

static void test_same_user(void **state)
{
	(void)state;
	/* The error is at the second instance's section. */
	load_bad("[alice]\nuser = 100\n\n[bob]\nuser = 100\n", 4,
		 "[bob]", "'100'", "[alice]", NULL);
	/* The default user is the section name. */
	load_bad("[alice]\n[bob]\nuser = alice\n", 2,
		 "[bob]", "'alice'", NULL);
}

static void test_syntax(void **state)
{
	(void)state;
	load_bad("[alice]\nuser = 1\njust words\n", 3, "syntax error",
		 NULL);
}

/* inih goes on after a syntax error, so a later bad key must not lend
 * its message to the earlier line inih reports. */
static void test_first_error_message(void **state)
{
	(void)state;

	load_bad("[alice]\ngarbage\ncolour = red\n", 2, "syntax error",
		 NULL);
}

/* Debian's inih reads at most 199 characters a line and parses the rest
 * as a line of its own.  A long line must load, or fail naming itself;
 * never shift line numbers or truncate a value. */
static void test_long_lines(void **state)
{
	struct conf *c;
	char text[600], path[64], err[512], want[96];
	char filler[251];

	(void)state;

	memset(filler, 'x', sizeof(filler) - 1);
	filler[sizeof(filler) - 1] = '\0';

	/* A comment may be any length. */
	snprintf(text, sizeof(text), "[alice]\n# %s\nuser = 7\n", filler);
	assert_int_equal(load(&c, text, path, sizeof(path), err,
			      sizeof(err)), 0);
	assert_string_equal(conf_instance(c, "alice")->user, "7");
	mem_deref(c);

	/* Lines after it keep their numbers. */
	snprintf(text, sizeof(text), "[alice]\n# %s\nuser = 7\nport = 0\n",
		 filler);
	assert_int_equal(load(&c, text, path, sizeof(path), err,
			      sizeof(err)), EINVAL);
	snprintf(want, sizeof(want), "%s:4: ", path);
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, "port"));

	/* 240 characters fit source's 256. */
	filler[240] = '\0';
	snprintf(text, sizeof(text), "[alice]\nsource = file:%s\n", filler);
	if (load(&c, text, path, sizeof(path), err, sizeof(err))) {
		snprintf(want, sizeof(want), "%s:2: ", path);
		assert_non_null(strstr(err, want));
		return;
	}
	assert_string_equal(conf_instance(c, "alice")->source.path, filler);
	mem_deref(c);
}

/* Fuzzing found line[len - 1] read with len 0 when a comment went on
 * past the read buffer into a NUL byte.  A NUL anywhere says this is no
 * text file: a clear error at its line. */
static void test_nul_bytes(void **state)
{
	static const char mid[] = "[alice]\nuser = 1001\n\0port = 5070\n";
	char text[600], path[64], err[256], prefix[96];
	struct conf *c = NULL;
	size_t n;
	(void)state;

	tmp_write_mem(path, sizeof(path), mid, sizeof(mid) - 1);
	assert_int_equal(conf_load(&c, path, err, sizeof(err)), EINVAL);
	unlink(path);
	assert_null(c);
	snprintf(prefix, sizeof(prefix), "%s:3: a NUL byte", path);
	if (strncmp(err, prefix, strlen(prefix)))
		fail_msg("want \"%s\", got \"%s\"", prefix, err);

	/* a comment longer than any line buffer, a NUL after it */
	n = (size_t)snprintf(text, sizeof(text), "[bob]\n# ");
	memset(text + n, 'x', 400);
	n += 400;
	text[n++] = '\0';
	n += (size_t)snprintf(text + n, sizeof(text) - n, "tail\nuser = 2\n");
	tmp_write_mem(path, sizeof(path), text, n);
	assert_int_equal(conf_load(&c, path, err, sizeof(err)), EINVAL);
	unlink(path);
	snprintf(prefix, sizeof(prefix), "%s:2: a NUL byte", path);
	if (strncmp(err, prefix, strlen(prefix)))
		fail_msg("want \"%s\", got \"%s\"", prefix, err);

	/* no end of line for ever: refused at its first byte, at once */
	assert_int_equal(conf_load(&c, "/dev/zero", err, sizeof(err)), EINVAL);
	assert_non_null(strstr(err, "/dev/zero:1: a NUL byte"));

	/* a line longer than any comment may be */
	{
		size_t big = 70000;
		char *t = malloc(big + 3);

		assert_non_null(t);
		t[0] = '#';
		memset(t + 1, 'y', big);
		memcpy(t + 1 + big, "\n", 2);
		tmp_write_mem(path, sizeof(path), t, big + 2);
		free(t);
		assert_int_equal(conf_load(&c, path, err, sizeof(err)),
				 EINVAL);
		unlink(path);
		assert_non_null(strstr(err, ":1: a line of more than 65536"));
	}

	/* and a file that is one NUL */
	tmp_write_mem(path, sizeof(path), "", 1);
	assert_int_equal(conf_load(&c, path, err, sizeof(err)), EINVAL);
	unlink(path);
	assert_non_null(strstr(err, ":1: a NUL byte"));
}

static void test_no_instances(void **state)
{
	struct conf *c;
	char path[64], err[256];

	(void)state;
	assert_int_equal(load(&c, "[general]\nport_base = 5080\n", path,
			      sizeof(path), err, sizeof(err)), EINVAL);
	assert_null(c);
	assert_non_null(strstr(err, "no instance sections"));
	assert_non_null(strstr(err, path));
}

static void test_missing_file(void **state)
{
	struct conf *c = NULL;
	char err[256] = "";

	(void)state;
	assert_int_equal(conf_load(&c, "/nonexistent/sipflow.conf", err,
				   sizeof(err)), ENOENT);
	assert_null(c);
	assert_non_null(strstr(err, "/nonexistent/sipflow.conf"));
}

static void test_default(void **state)
{
	struct conf *c = NULL;
	struct inst_conf *a, *b;

	(void)state;
	assert_int_equal(conf_default(&c), 0);
	assert_int_equal(list_count(&c->instances), 2);

	a = c->instances.head->data;
	b = c->instances.head->next->data;
	assert_string_equal(a->name, "alice");
	assert_string_equal(a->user, "1001");
	assert_int_equal(a->source.kind, SOURCE_TONE);
	assert_int_equal(a->source.hz, 440);
	assert_string_equal(b->name, "bob");
	assert_string_equal(b->user, "1002");
	assert_int_equal(b->source.kind, SOURCE_TONE);
	assert_int_equal(b->source.hz, 660);
	assert_int_equal(a->codecs.n, 3);
	assert_int_equal(a->port, 0);

	conf_assign_ports(c, 7000);
	assert_int_equal(a->port, 7000);
	assert_int_equal(b->port, 7001);

	/* Assigned once, they stay. */
	conf_assign_ports(c, 9000);
	assert_int_equal(a->port, 7000);
	assert_int_equal(b->port, 7001);

	mem_deref(c);
}

static void test_assign_keeps_explicit(void **state)
{
	struct conf *c = NULL;
	struct inst_conf *a, *b;

	(void)state;
	assert_int_equal(conf_default(&c), 0);
	a = conf_instance(c, "alice");
	b = conf_instance(c, "bob");
	a->port = 5090;

	/* The index counts every instance, so bob keeps base + 1. */
	conf_assign_ports(c, 7000);
	assert_int_equal(a->port, 5090);
	assert_int_equal(b->port, 7001);
	mem_deref(c);
}

static void test_answer_policy(void **state)
{
	struct answer_policy ap;
	char buf[32];

	(void)state;

	assert_int_equal(answer_policy_parse(&ap, "manual"), 0);
	assert_int_equal(ap.mode, ANSWER_MANUAL);

	assert_int_equal(answer_policy_parse(&ap, "auto"), 0);
	assert_int_equal(ap.mode, ANSWER_AUTO);
	assert_int_equal(ap.delay_ms, 0);

	assert_int_equal(answer_policy_parse(&ap, "auto:2s"), 0);
	assert_int_equal(ap.mode, ANSWER_AUTO);
	assert_int_equal(ap.delay_ms, 2000);

	assert_int_equal(answer_policy_parse(&ap, "auto:250ms"), 0);
	assert_int_equal(ap.delay_ms, 250);

	assert_int_equal(answer_policy_parse(&ap, "auto:1h"), EINVAL);
	assert_int_equal(answer_policy_parse(&ap, "auto:"), EINVAL);
	assert_int_equal(answer_policy_parse(&ap, "auto:61m"), EINVAL);
	assert_int_equal(answer_policy_parse(&ap, "auto:60m"), 0);
	assert_int_equal(ap.delay_ms, 3600000);

	assert_int_equal(answer_policy_parse(&ap, "reject:486"), 0);
	assert_int_equal(ap.mode, ANSWER_REJECT);
	assert_int_equal(ap.code, 486);
	assert_int_equal(answer_policy_parse(&ap, "reject:400"), 0);
	assert_int_equal(answer_policy_parse(&ap, "reject:699"), 0);
	assert_int_equal(answer_policy_parse(&ap, "reject:399"), EINVAL);
	assert_int_equal(answer_policy_parse(&ap, "reject:700"), EINVAL);
	assert_int_equal(answer_policy_parse(&ap, "reject:"), EINVAL);
	assert_int_equal(answer_policy_parse(&ap, "reject:48x"), EINVAL);
	assert_int_equal(answer_policy_parse(&ap, "reject"), EINVAL);
	assert_int_equal(answer_policy_parse(&ap, ""), EINVAL);
	assert_int_equal(answer_policy_parse(&ap, "automatic"), EINVAL);

	/* print is parse's inverse. */
	ap.mode = ANSWER_AUTO;
	ap.delay_ms = 1500;
	re_snprintf(buf, sizeof(buf), "%H", answer_policy_print, &ap);
	assert_string_equal(buf, "auto:1500ms");
	assert_int_equal(answer_policy_parse(&ap, buf), 0);
	assert_int_equal(ap.delay_ms, 1500);
	assert_int_equal(answer_policy_parse(&ap, "reject:603"), 0);
	re_snprintf(buf, sizeof(buf), "%H", answer_policy_print, &ap);
	assert_string_equal(buf, "reject:603");
	assert_int_equal(answer_policy_parse(&ap, "manual"), 0);
	re_snprintf(buf, sizeof(buf), "%H", answer_policy_print, &ap);
	assert_string_equal(buf, "manual");
}

static void test_port_range(void **state)
{
	uint16_t lo = 1, hi = 2;

	(void)state;

	assert_int_equal(port_range_parse(&lo, &hi, "20000-29999"), 0);
	assert_int_equal(lo, 20000);
	assert_int_equal(hi, 29999);
	assert_int_equal(port_range_parse(&lo, &hi, "1024-1025"), 0);
	assert_int_equal(lo, 1024);
	assert_int_equal(hi, 1025);
	assert_int_equal(port_range_parse(&lo, &hi, "65534-65535"), 0);
	assert_int_equal(port_range_parse(&lo, &hi, "20001-20002"), 0);
	assert_int_equal(lo, 20001);

	/* Failures leave the outputs alone. */
	lo = hi = 7;
	assert_int_equal(port_range_parse(&lo, &hi, "30000-30000"), EINVAL);
	assert_int_equal(port_range_parse(&lo, &hi, "30001-30000"), EINVAL);
	assert_int_equal(port_range_parse(&lo, &hi, "1023-2000"), EINVAL);
	assert_int_equal(port_range_parse(&lo, &hi, "60000-65536"), EINVAL);
	assert_int_equal(port_range_parse(&lo, &hi, "20000"), EINVAL);
	assert_int_equal(port_range_parse(&lo, &hi, "20000-"), EINVAL);
	assert_int_equal(port_range_parse(&lo, &hi, "-20000"), EINVAL);
	assert_int_equal(port_range_parse(&lo, &hi, "a-b"), EINVAL);
	assert_int_equal(port_range_parse(&lo, &hi, "20000-30000x"), EINVAL);
	assert_int_equal(port_range_parse(&lo, &hi, ""), EINVAL);
	assert_int_equal(lo, 7);
	assert_int_equal(hi, 7);
}


/* The mid-call keys: defaults, every value, and what a bad one says. */
static void test_midcall(void **state)
{
	struct conf *c = NULL;
	struct inst_conf *a, *b;
	char path[64], err[512];
	(void)state;

	assert_int_equal(load(&c, "[alice]\nuser = 1\n"
			      "[bob]\nuser = 2\nhold = zero\n"
			      "refer = ask\ntransfer_hangup = off\n",
			      path, sizeof(path), err, sizeof(err)), 0);
	a = conf_instance(c, "alice");
	b = conf_instance(c, "bob");
	assert_int_equal(a->midcall.hold, HOLD_SENDONLY);
	assert_int_equal(a->midcall.refer, REFER_ACCEPT);
	assert_true(a->midcall.transfer_hangup);
	assert_int_equal(b->midcall.hold, HOLD_ZERO);
	assert_int_equal(b->midcall.refer, REFER_ASK);
	assert_false(b->midcall.transfer_hangup);
	mem_deref(c);

	assert_int_equal(load(&c, "[a]\nhold = inactive\nrefer = reject\n",
			      path, sizeof(path), err, sizeof(err)), 0);
	assert_int_equal(conf_instance(c, "a")->midcall.hold, HOLD_INACTIVE);
	assert_int_equal(conf_instance(c, "a")->midcall.refer, REFER_REJECT);
	mem_deref(c);

	load_bad("[a]\nhold = music\n", 2, "'music'", "hold",
		 "sendonly, inactive or zero", "[a]", NULL);
	load_bad("[a]\nuser = 1\nrefer = maybe\n", 3, "'maybe'",
		 "accept, reject or ask", NULL);
	load_bad("[a]\ntransfer_hangup = yes\n", 2, "transfer_hangup",
		 "on or off", NULL);
}

/* An account: every key read, the password from where it is kept. */
static void test_account(void **state)
{
	struct conf *c = NULL;
	const struct inst_conf *ic;
	char path[64], pwfile[64], err[512], aor[256];

	(void)state;
	tmp_write(pwfile, sizeof(pwfile), "s3cr3t-from-file\nsecond line\n");
	{
		char text[512];

		snprintf(text, sizeof(text),
			 "[a]\nuser = 6001\nregistrar = sip:pbx.example.com:5070\n"
			 "outbound_proxy = sip:127.0.0.1:5060;lr\n"
			 "auth_user = ext6001\npassword_file = %s\n"
			 "realm = asterisk\nexpires = 5m\nregister = off\n"
			 "[b]\nregistrar = sip:10.0.0.1\n"
			 "aor = sip:bob@example.com\n", pwfile);
		assert_int_equal(load(&c, text, path, sizeof(path), err,
				      sizeof(err)), 0);
	}
	unlink(pwfile);
	ic = conf_instance(c, "a");
	assert_non_null(ic);
	assert_string_equal(ic->account.registrar, "sip:pbx.example.com:5070");
	assert_string_equal(ic->account.outbound, "sip:127.0.0.1:5060;lr");
	assert_string_equal(ic->account.auth_user, "ext6001");
	assert_true(ic->account.has_password);
	assert_string_equal(ic->account.password, "s3cr3t-from-file");
	assert_string_equal(ic->account.realm, "asterisk");
	assert_int_equal(ic->account.expires, 300);
	assert_false(ic->account.register_at_start);
	account_aor(&ic->account, ic->user, aor, sizeof(aor));
	assert_string_equal(aor, "sip:6001@pbx.example.com");

	ic = conf_instance(c, "b");
	assert_int_equal(ic->account.expires, ACCOUNT_DEFAULT_EXPIRES);
	assert_true(ic->account.register_at_start);
	assert_false(ic->account.has_password);
	account_aor(&ic->account, ic->user, aor, sizeof(aor));
	assert_string_equal(aor, "sip:bob@example.com");
	mem_deref(c);

	setenv("SIPFLOW_TEST_PW", "from-env", 1);
	assert_int_equal(load(&c, "[a]\npassword_env = SIPFLOW_TEST_PW\n", path,
			      sizeof(path), err, sizeof(err)), 0);
	assert_string_equal(conf_instance(c, "a")->account.password,
			    "from-env");
	mem_deref(c);
	unsetenv("SIPFLOW_TEST_PW");
}

/* Bad account values name the key and line, and never the password. */
static void test_account_errors(void **state)
{
	struct conf *c = NULL;
	char path[64], err[512], longpw[150];

	(void)state;
	load_bad("[a]\nregistrar = pbx.example.com\n", 2, "registrar",
		 "not a sip: URI", NULL);
	load_bad("[a]\noutbound_proxy = http://x\n", 2, "outbound_proxy",
		 NULL);
	load_bad("[a]\nexpires = 0\n", 2, "expires", "1 s to 24 h", NULL);
	load_bad("[a]\nregister = maybe\n", 2, "register", NULL);
	load_bad("[a]\npassword_env = SIPFLOW_NO_SUCH_VAR\n", 2,
		 "password_env", "SIPFLOW_NO_SUCH_VAR", NULL);
	load_bad("[a]\npassword_file = /nonexistent/pw\n", 2,
		 "password_file", "/nonexistent/pw", NULL);

	load_bad("[a]\ntransport = tls\ntls_cert = /nonexistent/c.pem\n", 3,
		 "tls_cert", "/nonexistent/c.pem", NULL);
	assert_int_equal(load(&c, "[a]\ntransport = TLS\n", path,
			      sizeof(path), err, sizeof(err)), 0);
	assert_int_equal(conf_instance(c, "a")->transport, SIP_TRANSP_TLS);
	c = mem_deref(c);

	memset(longpw, 'x', sizeof(longpw) - 1);
	longpw[sizeof(longpw) - 1] = '\0';
	memcpy(longpw, "Zq7", 3);
	{
		char text[300];

		snprintf(text, sizeof(text), "[a]\npassword = %s\n", longpw);
		assert_int_equal(load(&c, text, path, sizeof(path), err,
				      sizeof(err)), EINVAL);
		if (!strstr(err, "longer than 127"))
			fail_msg("got \"%s\"", err);
		assert_null(strstr(err, "Zq7"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_general_defaults),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_rtp_ports),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_codecs),
		cmocka_unit_test(test_same_user),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_first_error_message),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_no_instances),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_assign_keeps_explicit),
		cmocka_unit_test(test_answer_policy),
		cmocka_unit_test(test_port_range),
		cmocka_unit_test(test_account),
		cmocka_unit_test(test_account_errors),
		cmocka_unit_test(test_midcall),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
