/* What a user agent answers outside any call, each through a server
 * transaction so a retransmission gets the same answer (RFC 3261 17.2.2):
 * OPTIONS gets 200 with what
 * we allow and accept (RFC 3261 11.2), a method we know but do not do
 * gets 405, one we do not know 501, both with Allow (RFC 3261 8.2.1),
 * and every request refused is an `error` event naming its source.
 * libre's session layer sees each request first; this listener gets
 * what it left. */
#include <string.h>
#include <re.h>
#include "base/event.h"
#include "ua.h"
#include "ua_requests.h"

#define ALLOW UA_ALLOW

/* Methods of RFC 3261 and its extensions that we do not do outside a
 * dialog (REFER, NOTIFY and UPDATE we do inside one). */
static const char *const known[] = {
	"REGISTER", "PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH", "MESSAGE",
	"REFER", "UPDATE",
};

static bool is_known(const struct pl *met)
{
	for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
		if (!pl_strcmp(met, known[i]))
			return true;
	}
	return false;
}

/* Peer text, fit for a quoted-string: no CR, LF, quote or backslash. */
static void quotable(char *dst, size_t dstsz, const char *src)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < dstsz; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') ?
			'?' : (char)c;
	}
	if (dstsz)
		dst[i] = '\0';
}

void ua_refuse(struct instance *inst, const struct sip_msg *msg,
	       uint16_t code, const char *reason, const char *detail,
	       const char *extra)
{
	char warning[300];

	quotable(warning, sizeof(warning), detail ? detail : "");
	(void)sip_treplyf(NULL, NULL, inst->sip, msg, false, code, reason,
			  "Allow: " ALLOW "\r\n"
			  "%s%s%s%s"
			  "Content-Length: 0\r\n\r\n",
			  extra ? extra : "",
			  detail ? "Warning: 399 sipflow \"" : "",
			  detail ? warning : "", detail ? "\"\r\n" : "");
	evbus_error(inst->env->bus, inst->name, NULL, "sip",
		    "%r from %J refused: %u %s%s%s%s", &msg->met, &msg->src,
		    code, reason, detail ? " (" : "", detail ? detail : "",
		    detail ? ")" : "");
}

static void refuse(struct instance *inst, const struct sip_msg *msg,
		   uint16_t code, const char *reason)
{
	ua_refuse(inst, msg, code, reason, NULL, NULL);
}

static bool request_handler(const struct sip_msg *msg, void *arg)
{
	struct instance *inst = arg;

	if (!pl_strcmp(&msg->met, "OPTIONS")) {
		(void)sip_treplyf(NULL, NULL, inst->sip, msg, false, 200, "OK",
				  "Allow: " ALLOW "\r\n"
				  "Accept: application/sdp, "
				  "application/dtmf-relay, application/dtmf\r\n"
				  "Content-Length: 0\r\n\r\n");
	}
	else if (!pl_strcmp(&msg->met, "ACK")) {
		/* never answered (sipsess takes every ACK today) */
	}
	else if (!pl_strcmp(&msg->met, "CANCEL")) {
		refuse(inst, msg, 481, "Transaction Does Not Exist");
	}
	else if (!pl_strcmp(&msg->met, "REFER")) {
		/* (one with a To tag is libre's session layer's: 481) */
		/* we take REFER in a call; one outside any (RFC 3515 allows
		 * it) is not done */
		ua_refuse(inst, msg, 501, "Not Implemented",
			  "REFER outside a dialog", NULL);
	}
	else if (is_known(&msg->met)) {
		refuse(inst, msg, 405, "Method Not Allowed");
	}
	else {
		refuse(inst, msg, 501, "Not Implemented");
	}
	return true;
}

int ua_requests_listen(struct sip_lsnr **lsnrp, struct instance *inst)
{
	return sip_listen(lsnrp, inst->sip, true, request_handler, inst);
}
