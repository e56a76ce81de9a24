/* SDP from a peer: libre's decoder into our session, then our
 * negotiation, as an offer and as an answer. */
#include <re.h>
#include "fuzz.h"
#include "media/codec.h"
#include "media/sdpneg.h"

static void negotiate(const uint8_t *data, size_t size, bool offer)
{
	struct sdp_session *sess = NULL;
	struct sdp_media *m = NULL;
	struct media_choice mc;
	struct codec_list cl;
	struct mbuf *mb;
	struct sa laddr;
	char why[256], bad[64];

	if (codec_list_parse(&cl, "PCMU, PCMA, telephone-event", bad,
			     sizeof(bad)))
		return;
	(void)sa_set_str(&laddr, "127.0.0.1", 0);
	if (sdpneg_session(&sess, &m, &laddr, 40000, &cl))
		return;

	mb = mbuf_alloc(size + 1);
	if (mb && !mbuf_write_mem(mb, data, size)) {
		mb->pos = 0;
		if (!sdp_decode(sess, mb, offer))
			(void)sdpneg_choose(&mc, m, &cl, why, sizeof(why));
	}
	mem_deref(mb);
	mem_deref(sess);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_libre_init();
	negotiate(data, size, true);
	negotiate(data, size, false);
	return 0;
}
