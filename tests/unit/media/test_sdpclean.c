/* SDP lines libre cannot decode are left out, and only those. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <re.h>
#include "media/sdpclean.h"

/* RFC 4475's bodies: the video line's rtpmap has no clock rate. */
static const char rfc4475[] =
	"v=0\r\n"
	"o=mhandley 29739 7272939 IN IP4 192.0.2.1\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.1\r\n"
	"t=0 0\r\n"
	"m=audio 49217 RTP/AVP 0 12\r\n"
	"m=video 3227 RTP/AVP 31\r\n"
	"a=rtpmap:31 LPC\r\n";

static struct mbuf *text(const char *s)
{
	struct mbuf *mb = mbuf_alloc(strlen(s));

	assert_non_null(mb);
	assert_int_equal(mbuf_write_str(mb, s), 0);
	mb->pos = 0;
	return mb;
}

static int decode(const char *s)
{
	struct sdp_session *sess = NULL;
	struct sdp_media *m = NULL;
	struct mbuf *mb = text(s);
	struct sa laddr;
	int err;

	assert_int_equal(sa_set_str(&laddr, "127.0.0.1", 30000), 0);
	assert_int_equal(sdp_session_alloc(&sess, &laddr), 0);
	assert_int_equal(sdp_media_add(&m, sess, "audio", 30000, "RTP/AVP"),
			 0);
	err = sdp_decode(sess, mb, true);
	mem_deref(sess);
	mem_deref(mb);
	return err;
}

static void test_unreadable_rtpmap_is_left_out(void **state)
{
	struct mbuf *out = NULL;
	unsigned dropped = 9;
	char why[128], *s;

	(void)state;
	assert_int_equal(decode(rfc4475), EBADMSG);   /* libre, as it is */

	assert_int_equal(sdp_clean(&out, (const uint8_t *)rfc4475,
				   strlen(rfc4475), &dropped, why,
				   sizeof(why)), 0);
	assert_int_equal(dropped, 1);
	assert_string_equal(why, "line 8 'a=rtpmap:31 LPC'");
	assert_int_equal(mbuf_strdup(out, &s, mbuf_get_left(out)), 0);
	assert_null(strstr(s, "LPC"));
	assert_non_null(strstr(s, "m=video 3227 RTP/AVP 31\r\n"));
	assert_int_equal(decode(s), 0);
	mem_deref(s);
	mem_deref(out);
}

static void test_readable_sdp_is_kept_whole(void **state)
{
	static const char good[] =
		"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
		"c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
		"m=audio 4000 RTP/AVP 0 101\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"a=rtpmap:101 telephone-event/8000\r\n"
		"a=fmtp:101 0-15\r\na=rtcp:4001\r\na=sendrecv\r\n";
	struct mbuf *out = NULL;
	unsigned dropped = 9;
	char why[128];

	(void)state;
	assert_int_equal(sdp_clean(&out, (const uint8_t *)good, strlen(good),
				   &dropped, why, sizeof(why)), 0);
	assert_int_equal(dropped, 0);
	assert_string_equal(why, "");
	assert_int_equal(mbuf_get_left(out), strlen(good));
	assert_memory_equal(mbuf_buf(out), good, strlen(good));
	mem_deref(out);
}

static void test_fmtp_and_rtcp_without_values(void **state)
{
	static const char bad[] =
		"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
		"c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
		"m=audio 4000 RTP/AVP 0\r\n"
		"a=fmtp:0\r\n"
		"a=rtcp:none\r\n"
		"a=rtpmap:0 PCMU/8000\r\n";
	struct mbuf *out = NULL;
	unsigned dropped = 0;
	char why[128], *s;

	(void)state;
	assert_int_equal(decode(bad), EBADMSG);
	assert_int_equal(sdp_clean(&out, (const uint8_t *)bad, strlen(bad),
				   &dropped, why, sizeof(why)), 0);
	assert_int_equal(dropped, 2);
	assert_string_equal(why, "line 7 'a=fmtp:0'");
	assert_int_equal(mbuf_strdup(out, &s, mbuf_get_left(out)), 0);
	assert_non_null(strstr(s, "a=rtpmap:0 PCMU/8000"));
	assert_int_equal(decode(s), 0);
	mem_deref(s);
	mem_deref(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unreadable_rtpmap_is_left_out),
		cmocka_unit_test(test_readable_sdp_is_kept_whole),
		cmocka_unit_test(test_fmtp_and_rtcp_without_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
