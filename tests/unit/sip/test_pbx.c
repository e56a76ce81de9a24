/* The PBX's pure parts: its config keys, routes, digest and nonces, and
 * the CDR line (RFC 4180). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <re.h>
#include "sip/pbx_auth.h"
#include "sip/pbx_cdr.h"
#include "sip/pbx_conf.h"
#include "sip/pbx_int.h"

static int key(struct pbx_conf *pc, const char *k, const char *v, char *err)
{
	err[0] = '\0';
	return pbx_conf_key(pc, k, v, err, 256);
}

static void test_keys(void **state)
{
	struct pbx_conf pc;
	char err[256];
	struct pl u;
	(void)state;

	pbx_conf_init(&pc);
	assert_false(pc.on);
	assert_int_equal(key(&pc, "mode", "pbx", err), 0);
	assert_true(pc.on);
	assert_int_equal(key(&pc, "mode", "proxy", err), EINVAL);
	assert_non_null(strstr(err, "ua or pbx"));

	assert_int_equal(key(&pc, "account", "1001:s3cret:with:colons", err), 0);
	pl_set_str(&u, "1001");
	assert_string_equal(pbx_conf_account(&pc, &u)->password,
			    "s3cret:with:colons");
	pl_set_str(&u, "100");
	assert_null(pbx_conf_account(&pc, &u));
	assert_int_equal(key(&pc, "account", "1001:other", err), EINVAL);
	assert_non_null(strstr(err, "twice"));
	assert_int_equal(key(&pc, "account", "nopassword", err), EINVAL);
	assert_int_equal(key(&pc, "account", "10 01:pw", err), EINVAL);
	assert_int_equal(key(&pc, "account", "1002:", err), EINVAL);
	/* a wrong password is never quoted back */
	assert_int_equal(key(&pc, "account", "a@b:hunter2", err), EINVAL);
	assert_null(strstr(err, "hunter2"));

	assert_int_equal(key(&pc, "pbx_record", "both", err), 0);
	assert_int_equal(pc.record, PBX_REC_BOTH);
	assert_int_equal(key(&pc, "pbx_record", "loud", err), EINVAL);
	assert_int_equal(key(&pc, "min_expires", "30s", err), 0);
	assert_int_equal(pc.min_expires, 30);
	assert_int_equal(key(&pc, "max_expires", "0s", err), EINVAL);
	assert_int_equal(key(&pc, "cdr_events", "maybe", err), EINVAL);
	assert_int_equal(key(&pc, "nonsense", "1", err), ENOENT);
	pbx_conf_reset(&pc);
}

static void test_routes(void **state)
{
	struct pbx_conf pc;
	char err[256], uri[128];
	const struct pbx_route *r;
	(void)state;

	pbx_conf_init(&pc);
	assert_int_equal(key(&pc, "route", "9 sip:{rest}@127.0.0.1:5090", err), 0);
	assert_int_equal(key(&pc, "route", "90 sip:{number}@127.0.0.2", err), 0);
	assert_int_equal(key(&pc, "route", "* sip:{number}@127.0.0.3", err), 0);
	assert_int_equal(key(&pc, "route", "9", err), EINVAL);
	assert_int_equal(key(&pc, "route", "9 http://x", err), EINVAL);
	assert_non_null(strstr(err, "sip:"));
	assert_int_equal(key(&pc, "route", "9 sip:", err), EINVAL);

	/* the longest prefix wins; "*" only when nothing else does */
	r = pbx_conf_route(&pc, "9123");
	assert_int_equal(pbx_route_uri(r, "9123", uri, sizeof(uri)), 0);
	assert_string_equal(uri, "sip:123@127.0.0.1:5090");
	r = pbx_conf_route(&pc, "9012");
	assert_int_equal(pbx_route_uri(r, "9012", uri, sizeof(uri)), 0);
	assert_string_equal(uri, "sip:9012@127.0.0.2");
	r = pbx_conf_route(&pc, "555");
	assert_int_equal(pbx_route_uri(r, "555", uri, sizeof(uri)), 0);
	assert_string_equal(uri, "sip:555@127.0.0.3");
	assert_int_equal(pbx_route_uri(r, "555", uri, 8), ENAMETOOLONG);
	pbx_conf_reset(&pc);
}

/* RFC 2617 3.5's example, which every digest implementation agrees on. */
static void test_digest(void **state)
{
	struct pl met = PL("GET"), uri = PL("/dir/index.html");
	struct pl nonce = PL("dcd98b7102dd2f0e8b11d0f600bfb0c093");
	struct pl nc = PL("00000001"), cnonce = PL("0a4f113b");
	struct pl qop = PL("auth"), none = PL_INIT;
	char out[33];
	(void)state;

	pbx_digest(out, "Mufasa", "testrealm@host.com", "Circle Of Life",
		   &met, &uri, &nonce, &nc, &cnonce, &qop);
	assert_string_equal(out, "6629fae49393a05397450978507c4ef1");
	/* RFC 2069 style, no qop: MD5(HA1:nonce:HA2) */
	pbx_digest(out, "Mufasa", "testrealm@host.com", "Circle Of Life",
		   &met, &uri, &nonce, &none, &none, &none);
	assert_string_equal(out, "670fd8c2df070c60b045671b8b24ff02");
}

static void test_nonce(void **state)
{
	uint8_t secret[16] = "0123456789abcdef", other[16] = "fedcba9876543210";
	struct sa src, elsewhere;
	char n[32];
	struct pl pl;
	(void)state;

	assert_int_equal(sa_set_str(&src, "127.0.0.1", 5060), 0);
	assert_int_equal(sa_set_str(&elsewhere, "127.0.0.2", 5060), 0);
	pbx_nonce_make(n, sizeof(n), secret, &src, 1000000);
	assert_int_equal(strlen(n), 24);
	pl_set_str(&pl, n);
	assert_int_equal(pbx_nonce_check(&pl, secret, &src, 1000000), NONCE_OK);
	assert_int_equal(pbx_nonce_check(&pl, secret, &src,
					 1000000 + PBX_NONCE_TTL_S), NONCE_OK);
	assert_int_equal(pbx_nonce_check(&pl, secret, &src,
					 1000001 + PBX_NONCE_TTL_S), NONCE_STALE);
	assert_int_equal(pbx_nonce_check(&pl, other, &src, 1000000), NONCE_BAD);
	/* the same nonce from another address is no nonce of ours */
	assert_int_equal(pbx_nonce_check(&pl, secret, &elsewhere, 1000000),
			 NONCE_BAD);
	n[3] ^= 1;   /* another time, same signature */
	assert_int_equal(pbx_nonce_check(&pl, secret, &src, 1000000), NONCE_BAD);
	pl_set_str(&pl, "short");
	assert_int_equal(pbx_nonce_check(&pl, secret, &src, 1000000), NONCE_BAD);
}

static void test_cdr(void **state)
{
	struct cdr c;
	char *s = NULL, t[40];
	(void)state;

	memset(&c, 0, sizeof(c));
	c.start_ms = 1796313600123ull;     /* 2026-12-03T16:00:00.123Z */
	c.answer_ms = c.start_ms + 2000;
	c.end_ms = c.start_ms + 12500;
	c.caller = "1001";
	c.callee = "Bob, \"the builder\"";
	c.disposition = "ANSWERED";
	c.code = 200;
	c.reason = "remote hangup";
	c.side = "callee";
	c.codec_a = "PCMU";
	c.codec_b = "PCMA";
	c.recording = "rec/a.wav";
	c.sip_callid = "abc\r\ndef";
	c.leg_a = "c1";
	c.leg_b = "c2";
	assert_int_equal(re_sdprintf(&s, "%H", pbx_cdr_csv, &c), 0);
	assert_string_equal(s, "2026-12-03T16:00:00.123Z,"
			    "2026-12-03T16:00:02.123Z,"
			    "2026-12-03T16:00:12.623Z,1001,"
			    "\"Bob, \"\"the builder\"\"\",ANSWERED,12.500,"
			    "10.500,200,remote hangup,callee,PCMU,PCMA,"
			    "rec/a.wav,\"abc\r\ndef\",c1,c2\r\n");
	s = mem_deref(s);
	assert_int_equal(re_sdprintf(&s, "%H", pbx_cdr_header, NULL), 0);
	assert_true(!strncmp(s, "start,answer,end,caller,callee,", 31));
	assert_int_equal(s[strlen(s) - 2], '\r');
	mem_deref(s);

	pbx_cdr_time(t, sizeof(t), 0);
	assert_string_equal(t, "");
	assert_true(pbx_cdr_seconds(0, 5) == 0.0);

	assert_string_equal(pbx_cdr_disposition(true, true, 200), "ANSWERED");
	assert_string_equal(pbx_cdr_disposition(false, true, 486), "BUSY");
	assert_string_equal(pbx_cdr_disposition(false, true, 487), "NO ANSWER");
	assert_string_equal(pbx_cdr_disposition(false, true, 503), "FAILED");
	assert_string_equal(pbx_cdr_disposition(false, false, 480), "FAILED");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_nonce),
		cmocka_unit_test(test_cdr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
