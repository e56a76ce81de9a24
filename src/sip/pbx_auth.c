/* Challenging REGISTER and INVITE, and checking the answer.  The nonce
 * is the time it was made and an MD5 of that time with the PBX's secret:
 * one we made is recognised without a table, and an old one is "stale"
 * (RFC 2617 3.2.1), so the client asks again without troubling its
 * user. */
#include <string.h>
#include <time.h>
#include <re.h>
#include "base/event.h"
#include "base/util.h"
#include "pbx_auth.h"
#include "pbx_int.h"
#include "ua.h"

static void sign(char out[17], const uint8_t secret[16],
		 const struct sa *src, uint64_t t)
{
	uint8_t md[MD5_SIZE];

	(void)md5_printf(md, "%w:%llu:%j", secret, (size_t)16,
			 (unsigned long long)t, src);
	re_snprintf(out, 17, "%w", md, (size_t)8);
}

void pbx_nonce_make(char *buf, size_t size, const uint8_t secret[16],
		    const struct sa *src, uint64_t now)
{
	char sig[17];

	sign(sig, secret, src, now);
	re_snprintf(buf, size, "%08llx%s", (unsigned long long)now, sig);
}

enum nonce_state pbx_nonce_check(const struct pl *nonce,
				 const uint8_t secret[16],
				 const struct sa *src, uint64_t now)
{
	char sig[17];
	uint64_t t;

	if (!nonce || nonce->l != 24)
		return NONCE_BAD;
	t = pl_x64(&(struct pl){nonce->p, 8});
	sign(sig, secret, src, t);
	if (memcmp(sig, nonce->p + 8, 16))
		return NONCE_BAD;
	return t <= now && now - t <= PBX_NONCE_TTL_S ? NONCE_OK :
		NONCE_STALE;
}

void pbx_digest(char out[33], const char *user, const char *realm,
		const char *password, const struct pl *method,
		const struct pl *uri, const struct pl *nonce,
		const struct pl *nc, const struct pl *cnonce,
		const struct pl *qop)
{
	uint8_t md[MD5_SIZE];
	char ha1[33], ha2[33];

	(void)md5_printf(md, "%s:%s:%s", user, realm, password);
	re_snprintf(ha1, sizeof(ha1), "%w", md, sizeof(md));
	(void)md5_printf(md, "%r:%r", method, uri);
	re_snprintf(ha2, sizeof(ha2), "%w", md, sizeof(md));
	if (pl_isset(qop))
		(void)md5_printf(md, "%s:%r:%r:%r:%r:%s", ha1, nonce, nc,
				 cnonce, qop, ha2);
	else
		(void)md5_printf(md, "%s:%r:%s", ha1, nonce, ha2);
	re_snprintf(out, 33, "%w", md, sizeof(md));
}

static void challenge(struct pbx *pbx, const struct sip_msg *msg, bool proxy,
		      bool stale)
{
	char nonce[32];

	pbx_nonce_make(nonce, sizeof(nonce), pbx->secret, &msg->src,
		       (uint64_t)time(NULL));
	(void)sip_treplyf(NULL, NULL, pbx->inst->sip, msg, false,
			  proxy ? 407 : 401, proxy ?
			  "Proxy Authentication Required" : "Unauthorized",
			  "%s: Digest realm=\"%s\", nonce=\"%s\", "
			  "qop=\"auth\", algorithm=MD5%s\r\n"
			  "Content-Length: 0\r\n\r\n",
			  proxy ? "Proxy-Authenticate" : "WWW-Authenticate",
			  pbx->realm, nonce, stale ? ", stale=true" : "");
}

struct find_realm {
	const char *realm;
	struct httpauth_digest_resp resp;
};

static bool our_realm(const struct sip_hdr *hdr, const struct sip_msg *msg,
		      void *arg)
{
	struct find_realm *fr = arg;
	(void)msg;

	return !httpauth_digest_response_decode(&fr->resp, &hdr->val) &&
		!pl_strcmp(&fr->resp.realm, fr->realm);
}

bool pbx_auth_check(struct pbx *pbx, const struct sip_msg *msg, bool proxy,
		    const struct pbx_account **acctp)
{
	struct instance *inst = pbx->inst;
	const struct pbx_account *acct;
	struct find_realm fr = {.realm = pbx->realm};
	enum nonce_state ns;
	char want[33], src[64];

	re_snprintf(src, sizeof(src), "%J", &msg->src);
	if (!sip_msg_hdr_apply(msg, true, proxy ?
			       SIP_HDR_PROXY_AUTHORIZATION :
			       SIP_HDR_AUTHORIZATION, our_realm, &fr)) {
		challenge(pbx, msg, proxy, false);
		return false;
	}

	acct = pbx_conf_account(pbx->cfg, &fr.resp.username);
	ns = pbx_nonce_check(&fr.resp.nonce, pbx->secret, &msg->src,
			     (uint64_t)time(NULL));
	if (ns == NONCE_STALE && acct) {
		challenge(pbx, msg, proxy, true);
		return false;
	}
	/* the digest covers the Request-URI it names: it must be this
	 * request's (RFC 2617 3.2.2.5), or a sniffed answer to another
	 * request would do */
	if (acct && ns == NONCE_OK && pl_cmp(&fr.resp.uri, &msg->ruri)) {
		(void)sip_treplyf(NULL, NULL, inst->sip, msg, false, 400,
				  "Bad Request", "Content-Length: 0\r\n\r\n");
		evbus_error(inst->env->bus, inst->name, NULL, "auth",
			    "%r from %s as '%r' refused: its digest is for "
			    "%r, not %r", &msg->met, src, &fr.resp.username,
			    &fr.resp.uri, &msg->ruri);
		return false;
	}
	if (acct && ns == NONCE_OK) {
		pbx_digest(want, acct->user, pbx->realm, acct->password,
			   &msg->met, &fr.resp.uri, &fr.resp.nonce,
			   &fr.resp.nc, &fr.resp.cnonce, &fr.resp.qop);
		if (!pl_strcasecmp(&fr.resp.response, want)) {
			*acctp = acct;
			return true;
		}
	}

	/* Wrong user, a nonce we never made, or the wrong password:
	 * refused for good, and said so, never routed. */
	(void)sip_treplyf(NULL, NULL, inst->sip, msg, false, 403,
			  "Forbidden", "Content-Length: 0\r\n\r\n");
	evbus_error(inst->env->bus, inst->name, NULL, "auth",
		    "%r from %s as '%r' refused: %s", &msg->met, src,
		    &fr.resp.username, !acct ? "no such account" :
		    ns == NONCE_BAD ? "a nonce this PBX did not make" :
		    "wrong password");
	return false;
}
