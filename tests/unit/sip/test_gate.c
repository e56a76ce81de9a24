/* What the gate refuses, with which code and why, and what it lets by. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <re.h>
#include "sip/ua_gate.h"

/* A request: START, then the headers HDRS (LF-separated, may be empty),
 * then BODY; line ends become CRLF.  Everything a test does not name is
 * a plain OPTIONS's. */
static struct sip_msg *request(const char *start, const char *hdrs,
			       const char *body)
{
	struct mbuf *mb = mbuf_alloc(1024);
	struct sip_msg *msg = NULL;
	const char *p;

	assert_non_null(mb);
	assert_int_equal(mbuf_printf(mb, "%s\r\n", start), 0);
	for (p = hdrs; *p; p++) {
		if (*p == '\n')
			assert_int_equal(mbuf_write_str(mb, "\r\n"), 0);
		else
			assert_int_equal(mbuf_write_u8(mb, (uint8_t)*p), 0);
	}
	assert_int_equal(mbuf_printf(mb, "\r\n%s", body), 0);
	mb->pos = 0;
	assert_int_equal(sip_msg_decode(&msg, mb), 0);
	msg->tp = SIP_TRANSP_UDP;
	mem_deref(mb);
	return msg;
}

#define BASE "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\n" \
	"From: <sip:a@127.0.0.1>;tag=1\nTo: <sip:b@127.0.0.1>\n" \
	"Call-ID: gate.1\nMax-Forwards: 70\n"

static void expect(const char *start, const char *hdrs, const char *body,
		   uint16_t code, const char *detail_has)
{
	struct sip_msg *msg = request(start, hdrs, body);
	struct ua_verdict v;
	bool pass;

	memset(&v, 0, sizeof(v));
	pass = ua_gate_check(msg, &v);
	if (!code) {
		if (!pass)
			fail_msg("refused %u: %s", v.code, v.detail);
	}
	else {
		assert_false(pass);
		assert_int_equal(v.code, code);
		if (!strstr(v.detail, detail_has))
			fail_msg("detail '%s' lacks '%s'", v.detail,
				 detail_has);
	}
	mem_deref(msg);
}

static void test_good_requests_pass(void **state)
{
	(void)state;
	expect("OPTIONS sip:b@127.0.0.1 SIP/2.0",
	       BASE "CSeq: 1 OPTIONS\nContent-Length: 0\n", "", 0, NULL);
	expect("INVITE sip:b@127.0.0.1 SIP/2.0",
	       BASE "CSeq: 0009\n  INVITE\nContent-Type: application/sdp\n"
	       "Accept: application/sdp, application/dtmf-relay\n"
	       "Date: Sat, 13 Nov 2010 23:29:00 GMT\n"
	       "Content-Length: 4\n", "v=0\n", 0, NULL);
	/* an ACK is never answered, whatever it holds */
	expect("ACK sip:b@127.0.0.1 SIP/2.0", BASE "CSeq: 1 INVITE\n", "",
	       0, NULL);
}

static void test_headers_missing_or_twice(void **state)
{
	(void)state;
	expect("INVITE sip:b@127.0.0.1 SIP/2.0",
	       "Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\n"
	       "CSeq: 1 INVITE\n", "", 400, "missing From, To, Call-ID");
	expect("OPTIONS sip:b@127.0.0.1 SIP/2.0",
	       BASE "CSeq: 1 OPTIONS\nCall-ID: gate.2\n", "", 400,
	       "2 Call-ID headers");
	expect("OPTIONS sip:b@127.0.0.1 SIP/2.0",
	       BASE "CSeq: 1 OPTIONS\nl: 5\nContent-Length: 13\n",
	       "hello", 400, "2 Content-Length headers");
}

static void test_cseq(void **state)
{
	(void)state;
	expect("OPTIONS sip:b@127.0.0.1 SIP/2.0", BASE "CSeq: 8 INVITE\n",
	       "", 400, "CSeq method INVITE does not match OPTIONS");
	expect("OPTIONS sip:b@127.0.0.1 SIP/2.0",
	       BASE "CSeq: 36893488147419103232 OPTIONS\n", "", 400,
	       "no number below 2^31");
	expect("OPTIONS sip:b@127.0.0.1 SIP/2.0",
	       BASE "CSeq: 2147483648 OPTIONS\n", "", 400, "below 2^31");
	expect("OPTIONS sip:b@127.0.0.1 SIP/2.0",
	       BASE "CSeq: 2147483647 OPTIONS\n", "", 0, NULL);
}

static void test_numbers(void **state)
{
	(void)state;
	expect("OPTIONS sip:b@127.0.0.1 SIP/2.0",
	       "Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\n"
	       "From: <sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: x\n"
	       "CSeq: 1 OPTIONS\nMax-Forwards: 300\n", "", 400,
	       "Max-Forwards '300' is not 0-255");
	expect("INVITE sip:b@127.0.0.1 SIP/2.0",
	       BASE "CSeq: 1 INVITE\nContent-Length: -999\n", "v=0\n", 400,
	       "Content-Length '-999' is not a length");
	expect("INVITE sip:b@127.0.0.1 SIP/2.0",
	       BASE "CSeq: 1 INVITE\nContent-Length: 9999\n", "v=0\r\n",
	       400, "Content-Length 9999 but 5 octets follow");
}

static void test_request_uri(void **state)
{
	(void)state;
	expect("OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0",
	       BASE "CSeq: 1 OPTIONS\n", "", 416,
	       "scheme 'nobodyKnowsThisScheme'");
	expect("OPTIONS soap.beep://192.0.2.103:3002 SIP/2.0",
	       BASE "CSeq: 1 OPTIONS\n", "", 416, "scheme 'soap.beep'");
	expect("INVITE sip:user@example.com?Route=%3Csip:example.com%3E "
	       "SIP/2.0", BASE "CSeq: 1 INVITE\n", "", 400,
	       "carries headers");
	expect("OPTIONS sips:b@127.0.0.1 SIP/2.0", BASE "CSeq: 1 OPTIONS\n",
	       "", 0, NULL);
}

static void test_display_names_and_date(void **state)
{
	(void)state;
	expect("OPTIONS sip:b@127.0.0.1 SIP/2.0",
	       "Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\n"
	       "From: Bell, Alexander <sip:a@h>;tag=1\nTo: <sip:b@h>\n"
	       "Call-ID: x\nCSeq: 1 OPTIONS\n", "", 400,
	       "From 'Bell, Alexander");
	expect("OPTIONS sip:b@127.0.0.1 SIP/2.0",
	       "Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\n"
	       "From: <sip:a@h>;tag=1\nTo: \"Mr. J. User <sip:b@h>\n"
	       "Call-ID: x\nCSeq: 1 OPTIONS\n", "", 400, "never ends");
	expect("OPTIONS sip:b@127.0.0.1 SIP/2.0",
	       "Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\n"
	       "From: caller<sip:a@h>;tag=1\n"
	       "To: \"Watson, Thomas\" <sip:b@h>\n"
	       "Call-ID: x\nCSeq: 1 OPTIONS\n", "", 0, NULL);
	expect("OPTIONS sip:b@127.0.0.1 SIP/2.0",
	       BASE "CSeq: 1 OPTIONS\nDate: Fri, 01 Jan 2010 16:00:00 EST\n",
	       "", 400, "not an RFC 1123 date in GMT");
}

static void test_extensions_and_bodies(void **state)
{
	struct sip_msg *msg;
	struct ua_verdict v;

	(void)state;
	msg = request("OPTIONS sip:b@127.0.0.1 SIP/2.0",
		      BASE "CSeq: 1 OPTIONS\nRequire: foo, bar\n", "");
	assert_false(ua_gate_check(msg, &v));
	assert_int_equal(v.code, 420);
	assert_string_equal(v.extra, "Unsupported: foo, bar\r\n");
	mem_deref(msg);

	msg = request("INVITE sip:b@127.0.0.1 SIP/2.0",
		      BASE "CSeq: 1 INVITE\n"
		      "Content-Type: application/unknownformat\n"
		      "Content-Length: 4\n", "<a/>");
	assert_false(ua_gate_check(msg, &v));
	assert_int_equal(v.code, 415);
	assert_string_equal(v.extra, "Accept: application/sdp\r\n");
	mem_deref(msg);

	expect("INVITE sip:b@127.0.0.1 SIP/2.0",
	       BASE "CSeq: 1 INVITE\nAccept: text/nobodyKnowsThis\n", "", 406,
	       "Accept leaves out application/sdp");
	expect("INVITE sip:b@127.0.0.1 SIP/2.0",
	       BASE "CSeq: 1 INVITE\nAccept: */*\n", "", 0, NULL);
	/* a CANCEL's fate is its INVITE's: no Require check */
	expect("CANCEL sip:b@127.0.0.1 SIP/2.0",
	       BASE "CSeq: 1 CANCEL\nRequire: foo\n", "", 0, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_requests_pass),
		cmocka_unit_test(test_headers_missing_or_twice),
		cmocka_unit_test(test_cseq),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_request_uri),
		cmocka_unit_test(test_display_names_and_date),
		cmocka_unit_test(test_extensions_and_bodies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
