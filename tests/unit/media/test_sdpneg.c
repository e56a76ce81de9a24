/* SDP offer/answer: our offer, and choosing a codec from a peer's SDP. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <re.h>
#include "media/codec.h"
#include "media/sdpneg.h"

/* Our side: a session offering CODECS from 127.0.0.1:30000. */
struct side {
	struct codec_list cl;
	struct sdp_session *sess;
	struct sdp_media *m;
};

static void side_init(struct side *sd, const char *codecs)
{
	struct sa laddr;
	char bad[64] = "";

	assert_int_equal(codec_list_parse(&sd->cl, codecs, bad, sizeof(bad)),
			 0);
	assert_int_equal(sa_set_str(&laddr, "127.0.0.1", 0), 0);
	assert_int_equal(sdpneg_session(&sd->sess, &sd->m, &laddr, 30000,
					&sd->cl), 0);
	assert_non_null(sd->sess);
	assert_non_null(sd->m);
}

static void side_close(struct side *sd)
{
	sd->sess = mem_deref(sd->sess);
	sd->m = NULL;
}

/* Lines joined with CRLF, as a peer sends them. */
static struct mbuf *sdp_text(const char *body)
{
	struct mbuf *mb = mbuf_alloc(512);

	assert_non_null(mb);
	for (const char *p = body; *p; p++) {
		if (*p == '\n')
			assert_int_equal(mbuf_write_str(mb, "\r\n"), 0);
		else
			assert_int_equal(mbuf_write_u8(mb, (uint8_t)*p), 0);
	}
	mb->pos = 0;
	return mb;
}

/* Decode REMOTE into SD (as an offer or an answer) and choose. */
static int feed(struct side *sd, bool offer, const char *remote,
		struct media_choice *mc, char *why, size_t whysz)
{
	struct mbuf *mb = sdp_text(remote);
	int err;

	assert_int_equal(sdp_decode(sd->sess, mb, offer), 0);
	mem_deref(mb);

	why[0] = '\0';
	err = sdpneg_choose(mc, sd->m, &sd->cl, why, whysz);
	return err;
}

#define SDP_HEAD \
	"v=0\n" \
	"o=- 1 1 IN IP4 10.0.0.2\n" \
	"s=-\n" \
	"c=IN IP4 10.0.0.2\n" \
	"t=0 0\n"

static void test_offer_encode(void **state)
{
	struct side sd;
	struct mbuf *mb = NULL;
	char *txt = NULL;

	(void)state;
	side_init(&sd, "PCMU, PCMA, telephone-event");

	assert_int_equal(sdp_encode(&mb, sd.sess, true), 0);
	assert_int_equal(mbuf_strdup(mb, &txt, mb->end), 0);

	/* Our preference order, static PTs, telev on its dynamic PT. */
	assert_non_null(strstr(txt, "m=audio 30000 RTP/AVP 0 8 101\r\n"));
	assert_non_null(strstr(txt, "a=rtpmap:0 PCMU/8000\r\n"));
	assert_non_null(strstr(txt, "a=rtpmap:8 PCMA/8000\r\n"));
	assert_non_null(strstr(txt, "a=rtpmap:101 telephone-event/8000\r\n"));
	assert_non_null(strstr(txt, "a=fmtp:101 0-16\r\n"));
	assert_non_null(strstr(txt, "a=ptime:20\r\n"));
	assert_non_null(strstr(txt, "a=sendrecv\r\n"));
	assert_non_null(strstr(txt, "c=IN IP4 127.0.0.1\r\n"));

	mem_deref(txt);
	mem_deref(mb);
	side_close(&sd);
}

static void test_offer_order_pcma_first(void **state)
{
	struct side sd;
	struct media_choice mc;
	char why[256];

	(void)state;
	side_init(&sd, "PCMU, PCMA, telephone-event");

	assert_int_equal(feed(&sd, true, SDP_HEAD
			      "m=audio 4000 RTP/AVP 8 0 101\n"
			      "a=rtpmap:8 PCMA/8000\n"
			      "a=rtpmap:0 PCMU/8000\n"
			      "a=rtpmap:101 telephone-event/8000\n"
			      "a=fmtp:101 0-16\n",
			      &mc, why, sizeof(why)), 0);

	/* The offerer's order wins over ours. */
	assert_ptr_equal(mc.codec, codec_find("PCMA", 8000));
	assert_int_equal(mc.pt, 8);
	assert_int_equal(mc.telev_pt, 101);
	assert_int_equal(mc.dir, SDP_SENDRECV);

	side_close(&sd);
}

static void test_raddr_from_c_and_m(void **state)
{
	struct side sd;
	struct media_choice mc;
	struct sa want;
	char why[256];

	(void)state;
	side_init(&sd, "PCMU");

	assert_int_equal(feed(&sd, true,
			      "v=0\n"
			      "o=- 1 1 IN IP4 192.0.2.1\n"
			      "s=-\n"
			      "c=IN IP4 192.0.2.7\n"
			      "t=0 0\n"
			      "m=audio 41234 RTP/AVP 0\n",
			      &mc, why, sizeof(why)), 0);

	/* c= gives the address (not o=), m= the port; RTCP is port+1. */
	assert_int_equal(sa_set_str(&want, "192.0.2.7", 41234), 0);
	assert_true(sa_cmp(&mc.raddr, &want, SA_ALL));
	assert_int_equal(sa_set_str(&want, "192.0.2.7", 41235), 0);
	assert_true(sa_cmp(&mc.rrtcp, &want, SA_ALL));

	side_close(&sd);
}

static void test_media_level_c(void **state)
{
	struct side sd;
	struct media_choice mc;
	struct sa want;
	char why[256];

	(void)state;
	side_init(&sd, "PCMU");

	/* A media-level c= overrides the session-level one. */
	assert_int_equal(feed(&sd, true, SDP_HEAD
			      "m=audio 4000 RTP/AVP 0\n"
			      "c=IN IP4 198.51.100.9\n",
			      &mc, why, sizeof(why)), 0);
	assert_int_equal(sa_set_str(&want, "198.51.100.9", 4000), 0);
	assert_true(sa_cmp(&mc.raddr, &want, SA_ALL));

	side_close(&sd);
}

static void test_names_case_insensitive(void **state)
{
	struct side sd;
	struct media_choice mc;
	char why[256];

	(void)state;
	side_init(&sd, "PCMA, PCMU, telephone-event");

	assert_int_equal(feed(&sd, true, SDP_HEAD
			      "m=audio 4000 RTP/AVP 0 101\n"
			      "a=rtpmap:0 pcmu/8000\n"
			      "a=rtpmap:101 TELEPHONE-EVENT/8000\n",
			      &mc, why, sizeof(why)), 0);

	assert_ptr_equal(mc.codec, codec_find("PCMU", 8000));
	assert_int_equal(mc.pt, 0);
	assert_int_equal(mc.telev_pt, 101);

	side_close(&sd);
}

static void test_static_pt_without_rtpmap(void **state)
{
	struct side sd;
	struct media_choice mc;
	char why[256];

	(void)state;
	side_init(&sd, "PCMU, PCMA");

	assert_int_equal(feed(&sd, true, SDP_HEAD
			      "m=audio 4000 RTP/AVP 8\n",
			      &mc, why, sizeof(why)), 0);

	assert_ptr_equal(mc.codec, codec_find("PCMA", 8000));
	assert_int_equal(mc.pt, 8);
	/* No telephone-event offered. */
	assert_int_equal(mc.telev_pt, -1);

	side_close(&sd);
}

static void test_telev_other_pt(void **state)
{
	struct side sd;
	struct media_choice mc;
	char why[256];

	(void)state;
	side_init(&sd, "PCMU, telephone-event");

	assert_int_equal(feed(&sd, true, SDP_HEAD
			      "m=audio 4000 RTP/AVP 0 100\n"
			      "a=rtpmap:0 PCMU/8000\n"
			      "a=rtpmap:100 telephone-event/8000\n"
			      "a=fmtp:100 0-15\n",
			      &mc, why, sizeof(why)), 0);

	assert_ptr_equal(mc.codec, codec_find("PCMU", 8000));
	assert_int_equal(mc.telev_pt, 100);

	side_close(&sd);
}

static void test_telev_first_usable(void **state)
{
	struct side sd;
	struct media_choice mc;
	char why[256];

	(void)state;
	side_init(&sd, "PCMU, telephone-event");

	/* 102 has the wrong clock rate; of the two at 8000 the first. */
	assert_int_equal(feed(&sd, true, SDP_HEAD
			      "m=audio 4000 RTP/AVP 0 102 100 101\n"
			      "a=rtpmap:102 telephone-event/16000\n"
			      "a=rtpmap:100 telephone-event/8000\n"
			      "a=rtpmap:101 telephone-event/8000\n",
			      &mc, why, sizeof(why)), 0);
	assert_int_equal(mc.telev_pt, 100);

	side_close(&sd);
}

static void test_telev_not_enabled(void **state)
{
	struct side sd;
	struct media_choice mc;
	char why[256];

	(void)state;
	side_init(&sd, "PCMU");

	/* The peer offers it but we did not enable it. */
	assert_int_equal(feed(&sd, true, SDP_HEAD
			      "m=audio 4000 RTP/AVP 0 101\n"
			      "a=rtpmap:101 telephone-event/8000\n",
			      &mc, why, sizeof(why)), 0);
	assert_int_equal(mc.telev_pt, -1);

	side_close(&sd);
}

static void test_skip_unknown_and_disabled(void **state)
{
	struct side sd;
	struct media_choice mc;
	char why[256];

	(void)state;
	side_init(&sd, "PCMU, telephone-event");

	/* G722 is unknown, PCMA known but not enabled: PCMU is the first
	 * usable one even though it is last. */
	assert_int_equal(feed(&sd, true, SDP_HEAD
			      "m=audio 4000 RTP/AVP 9 101 8 0\n"
			      "a=rtpmap:9 G722/8000\n"
			      "a=rtpmap:101 telephone-event/8000\n",
			      &mc, why, sizeof(why)), 0);
	assert_ptr_equal(mc.codec, codec_find("PCMU", 8000));
	assert_int_equal(mc.pt, 0);
	assert_int_equal(mc.telev_pt, 101);

	side_close(&sd);
}

static void test_no_common_codec(void **state)
{
	struct side sd;
	struct media_choice mc;
	char why[256];

	(void)state;
	side_init(&sd, "PCMU");

	assert_int_equal(feed(&sd, true, SDP_HEAD
			      "m=audio 4000 RTP/AVP 9\n"
			      "a=rtpmap:9 G722/8000\n",
			      &mc, why, sizeof(why)), ENOENT);

	/* The reason names what was offered and what we have. */
	assert_non_null(strstr(why, "no common codec"));
	assert_non_null(strstr(why, "G722/8000"));
	assert_non_null(strstr(why, "pt 9"));
	assert_non_null(strstr(why, "PCMU"));

	side_close(&sd);
}

static void test_port_zero(void **state)
{
	struct side sd;
	struct media_choice mc;
	char why[256];
	struct mbuf *mb = NULL;

	(void)state;
	side_init(&sd, "PCMU");

	/* The peer declines our offered stream. */
	assert_int_equal(sdp_encode(&mb, sd.sess, true), 0);
	mem_deref(mb);
	assert_int_equal(feed(&sd, false, SDP_HEAD
			      "m=audio 0 RTP/AVP 0\n",
			      &mc, why, sizeof(why)), ENOENT);
	assert_non_null(strstr(why, "port 0"));

	/* And in an offer: a disabled stream is not one to answer. */
	assert_int_equal(feed(&sd, true, SDP_HEAD
			      "m=audio 0 RTP/AVP 0\n",
			      &mc, why, sizeof(why)), ENOENT);
	assert_non_null(strstr(why, "port 0"));

	side_close(&sd);
}

static void test_hold_c_zero(void **state)
{
	struct side sd;
	struct media_choice mc;
	char why[256];

	(void)state;
	side_init(&sd, "PCMU");

	/* RFC 2543 hold: no direction attribute, but nowhere to send. */
	assert_int_equal(feed(&sd, true,
			      "v=0\n"
			      "o=- 1 2 IN IP4 10.0.0.2\n"
			      "s=-\n"
			      "c=IN IP4 0.0.0.0\n"
			      "t=0 0\n"
			      "m=audio 4000 RTP/AVP 0\n",
			      &mc, why, sizeof(why)), 0);

	assert_true(sa_is_any(&mc.raddr));
	assert_int_equal(mc.dir & SDP_SENDONLY, 0);
	assert_int_equal(mc.dir, SDP_RECVONLY);

	side_close(&sd);
}

static void test_remote_sendonly(void **state)
{
	struct side sd;
	struct media_choice mc;
	char why[256];

	(void)state;
	side_init(&sd, "PCMU");

	assert_int_equal(feed(&sd, true, SDP_HEAD
			      "m=audio 4000 RTP/AVP 0\n"
			      "a=sendonly\n",
			      &mc, why, sizeof(why)), 0);
	assert_int_equal(mc.dir, SDP_RECVONLY);

	side_close(&sd);
}

static void test_remote_inactive(void **state)
{
	struct side sd;
	struct media_choice mc;
	char why[256];

	(void)state;
	side_init(&sd, "PCMU");

	assert_int_equal(feed(&sd, true, SDP_HEAD
			      "m=audio 4000 RTP/AVP 0\n"
			      "a=inactive\n",
			      &mc, why, sizeof(why)), 0);
	assert_int_equal(mc.dir, SDP_INACTIVE);

	side_close(&sd);
}

static void test_answer_to_our_offer(void **state)
{
	struct side sd;
	struct media_choice mc;
	struct mbuf *mb = NULL;
	char why[256];

	(void)state;
	side_init(&sd, "PCMU, PCMA, telephone-event");

	/* We offer first, then read the peer's answer. */
	assert_int_equal(sdp_encode(&mb, sd.sess, true), 0);
	mem_deref(mb);

	assert_int_equal(feed(&sd, false, SDP_HEAD
			      "m=audio 5004 RTP/AVP 8 101\n"
			      "a=rtpmap:8 PCMA/8000\n"
			      "a=rtpmap:101 telephone-event/8000\n"
			      "a=recvonly\n",
			      &mc, why, sizeof(why)), 0);

	assert_ptr_equal(mc.codec, codec_find("PCMA", 8000));
	assert_int_equal(mc.pt, 8);
	assert_int_equal(mc.telev_pt, 101);
	assert_int_equal(sa_port(&mc.raddr), 5004);
	/* The peer only receives: we only send. */
	assert_int_equal(mc.dir, SDP_SENDONLY);

	side_close(&sd);
}

/* Both ends are sipflow: alice's encoded offer into bob and bob's
 * encoded answer back into alice agree on one codec. */
static void test_loopback(void **state)
{
	struct side a, b;
	struct media_choice mca, mcb, tmp;
	struct mbuf *offer = NULL, *answer = NULL;
	char why[256];

	(void)state;
	side_init(&a, "PCMA, PCMU, telephone-event");
	side_init(&b, "PCMU, PCMA, telephone-event");

	assert_int_equal(sdp_encode(&offer, a.sess, true), 0);
	assert_int_equal(sdp_decode(b.sess, offer, true), 0);
	assert_int_equal(sdpneg_choose(&mcb, b.m, &b.cl, why, sizeof(why)),
			 0);

	assert_int_equal(sdp_encode(&answer, b.sess, false), 0);
	assert_int_equal(sdp_decode(a.sess, answer, false), 0);
	assert_int_equal(sdpneg_choose(&mca, a.m, &a.cl, why, sizeof(why)),
			 0);

	/* Alice offered PCMA first, so both use it. */
	assert_ptr_equal(mcb.codec, codec_find("PCMA", 8000));
	assert_ptr_equal(mca.codec, mcb.codec);
	assert_int_equal(mca.pt, 8);
	assert_int_equal(mcb.pt, 8);
	assert_int_equal(mca.telev_pt, 101);
	assert_int_equal(mcb.telev_pt, 101);
	assert_int_equal(mca.dir, SDP_SENDRECV);
	assert_int_equal(mcb.dir, SDP_SENDRECV);
	assert_int_equal(sa_port(&mca.raddr), 30000);

	/* media_choice_equal: a copy is equal, any field change is not. */
	tmp = mca;
	assert_true(media_choice_equal(&mca, &tmp));
	tmp.dir = SDP_RECVONLY;
	assert_false(media_choice_equal(&mca, &tmp));
	tmp = mca;
	tmp.telev_pt = -1;
	assert_false(media_choice_equal(&mca, &tmp));
	tmp = mca;
	sa_set_port(&tmp.raddr, 30002);
	assert_false(media_choice_equal(&mca, &tmp));

	mem_deref(offer);
	mem_deref(answer);
	side_close(&a);
	side_close(&b);
}

static void test_choose_args(void **state)
{
	struct side sd;
	struct media_choice mc;
	struct sa laddr;
	char why[64];

	(void)state;
	side_init(&sd, "PCMU");
	assert_int_equal(sdpneg_choose(NULL, sd.m, &sd.cl, why, sizeof(why)),
			 EINVAL);
	assert_int_equal(sdpneg_choose(&mc, NULL, &sd.cl, why, sizeof(why)),
			 EINVAL);
	assert_int_equal(sdpneg_choose(&mc, sd.m, NULL, why, sizeof(why)),
			 EINVAL);

	assert_int_equal(sa_set_str(&laddr, "127.0.0.1", 0), 0);
	assert_int_equal(sdpneg_session(NULL, &sd.m, &laddr, 1, &sd.cl),
			 EINVAL);
	side_close(&sd);
}

static void test_codec_list_parse(void **state)
{
	struct codec_list cl;
	char bad[64];

	(void)state;

	assert_int_equal(codec_list_parse(&cl,
					  "pcmu, PCMA/8000, telephone-event",
					  bad, sizeof(bad)), 0);
	assert_int_equal(cl.n, 3);
	assert_ptr_equal(cl.v[0], codec_find("PCMU", 8000));
	assert_ptr_equal(cl.v[1], codec_find("PCMA", 8000));
	assert_true(cl.v[2]->telev);
	assert_ptr_equal(codec_list_telev(&cl), cl.v[2]);

	/* Duplicates collapse; order kept. */
	assert_int_equal(codec_list_parse(&cl, "PCMA PCMU,PCMA", bad,
					  sizeof(bad)), 0);
	assert_int_equal(cl.n, 2);
	assert_string_equal(cl.v[0]->name, "PCMA");
	assert_null(codec_list_telev(&cl));

	strcpy(bad, "");
	assert_int_equal(codec_list_parse(&cl, "PCMU, G729", bad,
					  sizeof(bad)), EINVAL);
	assert_string_equal(bad, "G729");

	/* A known name at the wrong clock rate is not that codec. */
	assert_int_equal(codec_list_parse(&cl, "PCMU/16000", bad,
					  sizeof(bad)), EINVAL);
	assert_string_equal(bad, "PCMU");

	/* telephone-event carries no audio: not enough on its own. */
	strcpy(bad, "");
	assert_int_equal(codec_list_parse(&cl, "telephone-event", bad,
					  sizeof(bad)), EINVAL);
	assert_string_equal(bad, "telephone-event");

	assert_int_equal(codec_list_parse(&cl, " , ", bad, sizeof(bad)),
			 EINVAL);
}

static void test_codec_print(void **state)
{
	struct codec_list cl;
	char bad[64], buf[128];

	(void)state;
	assert_int_equal(codec_list_parse(&cl, "pcma,pcmu", bad,
					  sizeof(bad)), 0);
	re_snprintf(buf, sizeof(buf), "%H", codec_list_print, &cl);
	assert_string_equal(buf, "PCMA, PCMU");

	assert_ptr_equal(codec_find_static(0), codec_find("PCMU", 0));
	assert_ptr_equal(codec_find_static(8), codec_find("pcma", 8000));
	assert_null(codec_find_static(101));
	assert_null(codec_find_static(9));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offer_encode),
		cmocka_unit_test(test_offer_order_pcma_first),
		cmocka_unit_test(test_raddr_from_c_and_m),
		cmocka_unit_test(test_media_level_c),
		cmocka_unit_test(test_names_case_insensitive),
		cmocka_unit_test(test_static_pt_without_rtpmap),
		cmocka_unit_test(test_telev_other_pt),
		cmocka_unit_test(test_telev_first_usable),
		cmocka_unit_test(test_telev_not_enabled),
		cmocka_unit_test(test_skip_unknown_and_disabled),
		cmocka_unit_test(test_no_common_codec),
		cmocka_unit_test(test_port_zero),
		cmocka_unit_test(test_hold_c_zero),
		cmocka_unit_test(test_remote_sendonly),
		cmocka_unit_test(test_remote_inactive),
		cmocka_unit_test(test_answer_to_our_offer),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_choose_args),
		cmocka_unit_test(test_codec_list_parse),
		cmocka_unit_test(test_codec_print),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
