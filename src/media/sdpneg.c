#include <string.h>
#include <re.h>
#include "base/util.h"
#include "sdpneg.h"

int sdpneg_session(struct sdp_session **sessp, struct sdp_media **mp,
		   const struct sa *laddr, uint16_t rtp_port,
		   const struct codec_list *cl)
{
	struct sdp_session *sess = NULL;
	struct sdp_media *m = NULL;
	int err;

	if (!sessp || !mp || !laddr || !cl)
		return EINVAL;

	err = sdp_session_alloc(&sess, laddr);
	if (err)
		return err;

	err = sdp_media_add(&m, sess, sdp_media_audio, rtp_port,
			    sdp_proto_rtpavp);
	if (err)
		goto out;

	for (size_t i = 0; i < cl->n; i++) {
		const struct codec *c = cl->v[i];
		char id[8];

		re_snprintf(id, sizeof(id), "%d", c->pt >= 0 ? c->pt : c->dyn_pt);
		err = sdp_format_add(NULL, m, false, id, c->name, c->srate,
				     c->ch, NULL, NULL, NULL, false,
				     c->fmtp ? "%s" : NULL, c->fmtp);
		if (err)
			goto out;
	}

	err = sdp_media_set_lattr(m, true, "ptime", "%u", 20);

 out:
	if (err) {
		mem_deref(sess);
	}
	else {
		*sessp = sess;
		*mp = m;
	}
	return err;
}

/* What the remote format is, as one of our codecs (or NULL). */
static const struct codec *resolve(const struct sdp_format *f)
{
	if (f->name)
		return codec_find(f->name, f->srate);

	/* Static payload type offered without a=rtpmap: the number alone
	 * names it (RFC 3551). */
	return codec_find_static(f->pt);
}

int sdpneg_choose(struct media_choice *mc, const struct sdp_media *m,
		  const struct codec_list *cl, char *why, size_t whysz)
{
	const struct list *lst;
	struct le *le;
	struct mbuf *offered;
	const struct sa *ra;

	if (!mc || !m || !cl)
		return EINVAL;

	memset(mc, 0, sizeof(*mc));
	mc->telev_pt = -1;

	lst = sdp_media_format_lst(m, false);
	for (le = lst ? lst->head : NULL; le; le = le->next) {
		const struct sdp_format *f = le->data;
		const struct codec *c = resolve(f);

		if (!c || !codec_list_has(cl, c))
			continue;

		if (c->telev) {
			if (mc->telev_pt < 0)
				mc->telev_pt = f->pt;
		}
		else if (!mc->codec) {
			mc->codec = c;
			mc->pt = f->pt;
		}
	}

	if (!mc->codec || !sdp_media_rport(m)) {
		offered = mbuf_alloc(128);
		for (le = lst ? lst->head : NULL; offered && le; le = le->next) {
			const struct sdp_format *f = le->data;
			const struct codec *c = resolve(f);
			(void)mbuf_printf(offered, "%s%s/%u (pt %d)",
					  offered->end ? ", " : "",
					  f->name ? f->name :
					  c ? c->name : "?",
					  f->srate ? f->srate :
					  c ? c->srate : 0, f->pt);
		}
		if (!sdp_media_rport(m))
			re_snprintf(why, whysz, "the audio stream was "
				    "rejected (port 0)");
		else
			re_snprintf(why, whysz, "no common codec: offered "
				    "%b; enabled %H",
				    offered ? offered->buf : NULL,
				    offered ? offered->end : 0,
				    codec_list_print, cl);
		mem_deref(offered);
		return ENOENT;
	}

	ra = sdp_media_raddr(m);
	if (ra)
		mc->raddr = *ra;
	sdp_media_raddr_rtcp(m, &mc->rrtcp);
	mc->dir = sdp_media_dir(m);

	/* c=0.0.0.0 is the RFC 2543 way to put us on hold: there is nowhere
	 * to send to, whatever the direction attribute says. */
	if (sa_is_any(&mc->raddr))
		mc->dir &= ~SDP_SENDONLY;

	return 0;
}

bool media_choice_equal(const struct media_choice *a,
			const struct media_choice *b)
{
	return a->codec == b->codec && a->pt == b->pt &&
		a->telev_pt == b->telev_pt && a->dir == b->dir &&
		sa_cmp(&a->raddr, &b->raddr, SA_ALL);
}
