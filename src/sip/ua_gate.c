/* The door every request passes before a call or the request handler
 * sees it: what RFC 3261 says a user agent must refuse, refused here with
 * the code the RFC names and a reason a person can read (RFC 4475 is the
 * test).  libre decodes leniently -- it takes "CSeq: 8 INVITE" on an
 * OPTIONS, a Content-Length of -999 or two Call-IDs -- so each check
 * looks at the header as it was written.
 *
 * What libre cannot decode at all (a request line with spaces inside the
 * URI, "SIP/7.0", a Via it cannot parse) it drops before any hook we
 * have; those never reach this file. */
#include <string.h>
#include <re.h>
#include "call.h"
#include "ua.h"
#include "ua_gate.h"
#include "ua_requests.h"

static void verdict(struct ua_verdict *v, uint16_t code, const char *reason,
		    const char *fmt, ...)
{
	va_list ap;

	v->code = code;
	v->reason = reason;
	v->extra[0] = '\0';
	va_start(ap, fmt);
	(void)re_vsnprintf(v->detail, sizeof(v->detail), fmt, ap);
	va_end(ap);
}

static bool all_digits(const struct pl *pl)
{
	if (!pl->l)
		return false;
	for (size_t i = 0; i < pl->l; i++) {
		if (pl->p[i] < '0' || pl->p[i] > '9')
			return false;
	}
	return true;
}

/* Digits of at most 10 characters, as a number; false otherwise. */
static bool small_number(const struct pl *pl, uint64_t *n)
{
	if (!all_digits(pl) || pl->l > 10)
		return false;
	*n = pl_u64(pl);
	return true;
}

static bool is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* RFC 3261 25.1 token characters */
static bool is_token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || (c && strchr("-.!%*_+`'~", c));
}

/* libre gives compact forms ("i", "l") the id of the full name */
struct named_hdr {
	enum sip_hdrid id;
	const char *name;
};

static const struct named_hdr single[] = {
	{SIP_HDR_CALL_ID, "Call-ID"}, {SIP_HDR_CSEQ, "CSeq"},
	{SIP_HDR_FROM, "From"}, {SIP_HDR_TO, "To"},
	{SIP_HDR_MAX_FORWARDS, "Max-Forwards"},
	{SIP_HDR_CONTENT_LENGTH, "Content-Length"},
	{SIP_HDR_CONTENT_TYPE, "Content-Type"},
};

static bool check_present(const struct sip_msg *msg, struct ua_verdict *v)
{
	static const struct named_hdr need[] = {
		{SIP_HDR_VIA, "Via"}, {SIP_HDR_FROM, "From"},
		{SIP_HDR_TO, "To"}, {SIP_HDR_CALL_ID, "Call-ID"},
		{SIP_HDR_CSEQ, "CSeq"},
	};
	char missing[96] = "";

	for (size_t i = 0; i < ARRAY_SIZE(need); i++) {
		if (!sip_msg_hdr(msg, need[i].id)) {
			strncat(missing, missing[0] ? ", " : "",
				sizeof(missing) - strlen(missing) - 1);
			strncat(missing, need[i].name,
				sizeof(missing) - strlen(missing) - 1);
		}
	}
	if (!missing[0])
		return true;
	verdict(v, 400, "Bad Request", "missing %s", missing);
	return false;
}

static bool check_single(const struct sip_msg *msg, struct ua_verdict *v)
{
	for (size_t i = 0; i < ARRAY_SIZE(single); i++) {
		uint32_t n = sip_msg_hdr_count(msg, single[i].id);

		if (n > 1) {
			verdict(v, 400, "Bad Request", "%u %s headers",
				n, single[i].name);
			return false;
		}
	}
	return true;
}

static bool check_cseq(const struct sip_msg *msg, struct ua_verdict *v)
{
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_CSEQ);
	struct pl num, met;
	uint64_t n;

	if (re_regex(h->val.p, h->val.l, "[^ \t\r\n]+[ \t\r\n]+[^ \t\r\n]+",
		     &num, NULL, &met) ||
	    !small_number(&num, &n) || n > 0x7fffffffu) {
		verdict(v, 400, "Bad Request",
			"CSeq '%r' is no number below 2^31 and a method",
			&h->val);
		return false;
	}
	if (pl_cmp(&met, &msg->met)) {
		verdict(v, 400, "Bad Request",
			"CSeq method %r does not match %r", &met, &msg->met);
		return false;
	}
	return true;
}

static bool check_numbers(const struct sip_msg *msg, struct ua_verdict *v)
{
	const struct sip_hdr *mf = sip_msg_hdr(msg, SIP_HDR_MAX_FORWARDS);
	const struct sip_hdr *cl = sip_msg_hdr(msg, SIP_HDR_CONTENT_LENGTH);
	uint64_t n;

	if (mf && (!small_number(&mf->val, &n) || n > 255)) {
		verdict(v, 400, "Bad Request",
			"Max-Forwards '%r' is not 0-255", &mf->val);
		return false;
	}
	if (!cl)
		return true;
	if (!small_number(&cl->val, &n)) {
		verdict(v, 400, "Bad Request",
			"Content-Length '%r' is not a length", &cl->val);
		return false;
	}
	/* over TCP libre frames by Content-Length: only a datagram can be
	 * shorter than it says */
	if (msg->tp == SIP_TRANSP_UDP && n > mbuf_get_left(msg->mb)) {
		verdict(v, 400, "Bad Request",
			"Content-Length %llu but %zu octets follow",
			(unsigned long long)n, mbuf_get_left(msg->mb));
		return false;
	}
	return true;
}

static bool via_bad(const struct sip_hdr *hdr, const struct sip_msg *msg,
		   void *arg)
{
	struct sip_via via;

	(void)msg;
	(void)arg;
	return sip_via_decode(&via, &hdr->val) != 0 || !via.sentby.p;
}

static bool check_via(const struct sip_msg *msg, struct ua_verdict *v)
{
	const struct sip_hdr *bad = sip_msg_hdr_apply(msg, true, SIP_HDR_VIA,
						      via_bad, NULL);

	if (bad) {
		verdict(v, 400, "Bad Request", "malformed Via '%r'",
			&bad->val);
		return false;
	}
	return true;
}

/* The scheme is read from the Request-URI as written: libre takes the
 * host of "soap.beep://192.0.2.103:3002" for the scheme. */
static bool check_ruri(const struct sip_msg *msg, struct ua_verdict *v)
{
	const char *colon = memchr(msg->ruri.p, ':', msg->ruri.l);
	struct pl s = {msg->ruri.p, colon ? (size_t)(colon - msg->ruri.p) : 0};
	bool ok = s.l > 0 && (((s.p[0] | 0x20) >= 'a' &&
			       (s.p[0] | 0x20) <= 'z'));

	for (size_t i = 0; ok && i < s.l; i++) {
		char c = s.p[i];

		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '+' || c == '-' ||
			c == '.';
	}
	if (!ok) {
		verdict(v, 400, "Bad Request", "malformed Request-URI '%r'",
			&msg->ruri);
		return false;
	}
	if (pl_strcasecmp(&s, "sip") && pl_strcasecmp(&s, "sips")) {
		verdict(v, 416, "Unsupported URI Scheme",
			"Request-URI scheme '%r'", &s);
		return false;
	}
	if (pl_isset(&msg->uri.headers)) {
		verdict(v, 400, "Bad Request",
			"Request-URI '%r' carries headers", &msg->ruri);
		return false;
	}
	return true;
}

/* A name-addr's display name is a quoted string or tokens (RFC 3261
 * 25.1); an addr-spec has none.  Only the part before '<' is looked at. */
static bool display_name_ok(const struct pl *val, const char **why)
{
	const char *p = val->p, *end = val->p + val->l;

	while (p < end && is_lws(*p))
		p++;
	if (p < end && *p == '"') {
		for (p++; p < end && *p != '"'; p++) {
			if (*p == '\\')
				p++;
		}
		if (p >= end) {
			*why = "a quoted display name never ends";
			return false;
		}
		return true;
	}
	if (!memchr(p, '<', (size_t)(end - p)))
		return true;   /* an addr-spec */
	for (; p < end && *p != '<'; p++) {
		if (!is_token_char(*p) && !is_lws(*p)) {
			*why = "an unquoted display name has a character "
				"only a quoted one may have";
			return false;
		}
	}
	return true;
}

static bool check_addresses(const struct sip_msg *msg, struct ua_verdict *v)
{
	static const struct named_hdr addr[] = {
		{SIP_HDR_FROM, "From"}, {SIP_HDR_TO, "To"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(addr); i++) {
		const struct sip_hdr *h = sip_msg_hdr(msg, addr[i].id);
		const char *why = NULL;

		if (h && !display_name_ok(&h->val, &why)) {
			verdict(v, 400, "Bad Request", "%s '%r': %s",
				addr[i].name, &h->val, why);
			return false;
		}
	}
	return true;
}

/* RFC 3261 20.17: rfc1123-date, and always GMT.  In SHAPE, 'a' is a
 * letter, 'd' a digit, anything else itself. */
static bool check_date(const struct sip_msg *msg, struct ua_verdict *v)
{
	static const char shape[] = "aaa, dd aaa dddd dd:dd:dd GMT";
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_DATE);
	bool ok;

	if (!h)
		return true;
	ok = h->val.l == sizeof(shape) - 1;
	for (size_t i = 0; ok && i < h->val.l; i++) {
		char c = h->val.p[i];

		switch (shape[i]) {
		case 'a':
			ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
			break;
		case 'd':
			ok = c >= '0' && c <= '9';
			break;
		default:
			ok = c == shape[i];
			break;
		}
	}
	if (!ok) {
		verdict(v, 400, "Bad Request",
			"Date '%r' is not an RFC 1123 date in GMT", &h->val);
		return false;
	}
	return true;
}

static bool require_apply(const struct sip_hdr *hdr, const struct sip_msg *msg,
			  void *arg)
{
	struct ua_verdict *v = arg;
	size_t len = strlen(v->extra);

	(void)msg;
	/* RFC 3891: we take a call's place when asked */
	if (!pl_strcasecmp(&hdr->val, "replaces"))
		return false;
	(void)re_snprintf(v->extra + len, sizeof(v->extra) - len, "%s%r",
			  len ? ", " : "", &hdr->val);
	return false;
}

/* The one extension a peer may require of us is replaces (RFC 3261
 * 8.2.2.3). */
static bool check_require(const struct sip_msg *msg, struct ua_verdict *v)
{
	char list[sizeof(v->extra)];

	if (!sip_msg_hdr(msg, SIP_HDR_REQUIRE))
		return true;
	v->extra[0] = '\0';
	(void)sip_msg_hdr_apply(msg, true, SIP_HDR_REQUIRE, require_apply, v);
	if (!v->extra[0])
		return true;
	re_snprintf(list, sizeof(list), "%s", v->extra);
	verdict(v, 420, "Bad Extension", "Require: %s", list);
	re_snprintf(v->extra, sizeof(v->extra), "Unsupported: %s\r\n", list);
	return false;
}

static bool accept_apply(const struct sip_hdr *hdr, const struct sip_msg *msg,
			 void *arg)
{
	struct pl type;

	(void)msg;
	(void)arg;
	if (re_regex(hdr->val.p, hdr->val.l, "[^ \t;]+", &type))
		return false;
	return !pl_strcasecmp(&type, "application/sdp") ||
		!pl_strcasecmp(&type, "application/*") ||
		!pl_strcasecmp(&type, "*/*");
}

/* An INVITE's offer must be SDP, and its answer must be allowed to be. */
static bool check_invite_body(const struct sip_msg *msg, struct ua_verdict *v)
{
	if (pl_strcmp(&msg->met, "INVITE"))
		return true;

	if (mbuf_get_left(msg->mb) && msg->ctyp.type.p &&
	    (pl_strcasecmp(&msg->ctyp.type, "application") ||
	     pl_strcasecmp(&msg->ctyp.subtype, "sdp"))) {
		verdict(v, 415, "Unsupported Media Type",
			"the offer is %r/%r", &msg->ctyp.type,
			&msg->ctyp.subtype);
		re_snprintf(v->extra, sizeof(v->extra),
			    "Accept: application/sdp\r\n");
		return false;
	}
	if (sip_msg_hdr(msg, SIP_HDR_ACCEPT) &&
	    !sip_msg_hdr_apply(msg, true, SIP_HDR_ACCEPT, accept_apply,
			       NULL)) {
		verdict(v, 406, "Not Acceptable",
			"Accept leaves out application/sdp");
		return false;
	}
	return true;
}

bool ua_gate_check(const struct sip_msg *msg, struct ua_verdict *v)
{
	bool (*const checks[])(const struct sip_msg *, struct ua_verdict *) = {
		check_present, check_single, check_cseq, check_numbers,
		check_via, check_ruri, check_addresses, check_date,
	};

	/* an ACK is never answered; a CANCEL's fate is its INVITE's */
	if (!pl_strcmp(&msg->met, "ACK"))
		return true;

	for (size_t i = 0; i < ARRAY_SIZE(checks); i++) {
		if (!checks[i](msg, v))
			return false;
	}
	if (!pl_strcmp(&msg->met, "CANCEL"))
		return true;
	return check_require(msg, v) && check_invite_body(msg, v);
}

static bool gate_handler(const struct sip_msg *msg, void *arg)
{
	struct instance *inst = arg;
	struct ua_verdict v;

	if (ua_gate_check(msg, &v)) {
		/* libre's sessions know no UPDATE (RFC 3311): ours do */
		if (!pl_strcmp(&msg->met, "UPDATE")) {
			struct call *call = call_of_dialog(&inst->calls, msg);

			if (call)
				call_update_received(call, msg);
			else
				(void)sip_treply(NULL, inst->sip, msg, 481,
						 "Call/Transaction Does Not "
						 "Exist");
			return true;
		}
		/* a re-INVITE we cannot take: refused here, as libre would
		 * give the 488 a reason phrase from strerror() */
		if (!pl_strcmp(&msg->met, "INVITE") && pl_isset(&msg->to.tag)) {
			struct call *call = call_of_dialog(&inst->calls, msg);
			char why[256];

			if (call && !call_offer_acceptable(call, msg, why,
							   sizeof(why))) {
				call_refuse_offer(call, msg, why);
				return true;
			}
		}
		return false;   /* on to the session layer */
	}

	ua_refuse(inst, msg, v.code, v.reason, v.detail, v.extra);
	return true;
}

int ua_gate_listen(struct sip_lsnr **lsnrp, struct instance *inst)
{
	return sip_listen(lsnrp, inst->sip, true, gate_handler, inst);
}
