/* The registrar (RFC 3261 10.3): who may register (digest), what a
 * REGISTER adds, refreshes or removes, the bindings a 200 lists, and
 * bindings that run out.  Every change is a `pbx.reg` event. */
#include <string.h>
#include <re.h>
#include "base/event.h"
#include "base/util.h"
#include "pbx_int.h"
#include "ua.h"

static void binding_destructor(void *arg)
{
	struct binding *b = arg;

	list_unlink(&b->le);
	mem_deref(b->contact);
	mem_deref(b->params);
	mem_deref(b->callid);
}

static void emit(const struct pbx *pbx, const struct binding *b,
		 const char *state, uint32_t expires)
{
	evbus_emit(pbx->inst->env->bus, "pbx.reg", pbx->inst->name, NULL,
		   EVS("user", b->acct->user), EVS("contact", b->contact),
		   EVS("state", state), EVI("expires", expires),
		   EVS("remote", b->remote), EV_END);
}

/* PARAMS (";a=1;expires=60;b") without expires, for the 200's Contact:
 * a phone looks for its +sip.instance there (RFC 5626). */
static int keep_params(char **dst, const struct pl *params)
{
	struct mbuf *mb = mbuf_alloc(64);
	const char *p = params->p, *end = params->p + params->l;
	int err = 0;

	if (!mb)
		return ENOMEM;
	while (p && p < end) {
		const char *semi = memchr(p + 1, ';', (size_t)(end - p - 1));
		const char *stop = semi ? semi : end;
		struct pl name;

		name.p = p + 1;
		name.l = (size_t)(stop - name.p);
		if (memchr(name.p, '=', name.l))
			name.l = (size_t)((const char *)memchr(name.p, '=',
							       name.l) - name.p);
		if (*p == ';' && pl_strcasecmp(&name, "expires"))
			err |= mbuf_write_mem(mb, (const uint8_t *)p,
					      (size_t)(stop - p));
		p = semi;
	}
	mbuf_set_pos(mb, 0);
	if (!err)
		err = mbuf_strdup(mb, dst, mbuf_get_left(mb));
	mem_deref(mb);
	return err;
}

static struct binding *find(const struct pbx *pbx,
			    const struct pbx_account *acct,
			    const struct pl *contact)
{
	for (struct le *le = pbx->bindings.head; le; le = le->next) {
		struct binding *b = le->data;

		if (b->acct == acct && !pl_strcmp(contact, b->contact))
			return b;
	}
	return NULL;
}

const struct binding *pbx_binding_of(const struct pbx *pbx,
				     const struct pbx_account *acct)
{
	uint64_t now = now_ns() / 1000000ull;

	/* the newest binding wins: the phone that registered last */
	for (struct le *le = pbx->bindings.tail; le; le = le->prev) {
		const struct binding *b = le->data;

		if (b->acct == acct && b->expires_ms > now)
			return b;
	}
	return NULL;
}

void pbx_bindings_expire(struct pbx *pbx, uint64_t now_ms)
{
	struct le *le = pbx->bindings.head;

	while (le) {
		struct binding *b = le->data;

		le = le->next;
		if (b->expires_ms > now_ms)
			continue;
		emit(pbx, b, "expired", 0);
		mem_deref(b);
	}
}

unsigned pbx_bindings(const struct pbx *pbx)
{
	return pbx ? list_count(&pbx->bindings) : 0;
}

static void remove_all(struct pbx *pbx, const struct pbx_account *acct)
{
	struct le *le = pbx->bindings.head;

	while (le) {
		struct binding *b = le->data;

		le = le->next;
		if (b->acct != acct)
			continue;
		emit(pbx, b, "unregistered", 0);
		mem_deref(b);
	}
}

enum {
	MAX_BINDINGS = 16,     /* per account: a phone, not a contact list */
	MAX_CONTACT = 255,     /* a longer URI would be cut when routed */
};

/* Digits only, at most 9 of them (an expiry in seconds). */
static bool expiry_ok(const struct pl *pl)
{
	if (!pl->l || pl->l > 9)
		return false;
	for (size_t i = 0; i < pl->l; i++) {
		if (pl->p[i] < '0' || pl->p[i] > '9')
			return false;
	}
	return true;
}

static unsigned count_of(const struct pbx *pbx, const struct pbx_account *a)
{
	unsigned n = 0;

	for (struct le *le = pbx->bindings.head; le; le = le->next)
		n += ((const struct binding *)le->data)->acct == a;
	return n;
}

/* One REGISTER's worth of Contacts, checked before any is applied. */
struct reg_ctx {
	struct pbx *pbx;
	const struct sip_msg *msg;
	const struct pbx_account *acct;
	uint32_t dflt;           /* Expires, or 3600 */
	bool star;
	unsigned n;
	unsigned added;          /* new bindings it would make */
	uint16_t code;           /* a reason to refuse it all */
	const char *why;
	bool apply;
};

/* The Contact's expires parameter, else the request's; false when it is
 * not a number of seconds. */
static bool contact_expires(const struct reg_ctx *rc,
			    const struct sip_addr *addr, uint32_t *exp)
{
	struct pl pl;

	if (msg_param_decode(&addr->params, "expires", &pl)) {
		*exp = rc->dflt;
		return true;
	}
	if (!expiry_ok(&pl))
		return false;
	*exp = pl_u32(&pl);
	return true;
}

static bool contact_handler(const struct sip_hdr *hdr,
			    const struct sip_msg *msg, void *arg)
{
	struct reg_ctx *rc = arg;
	struct pbx *pbx = rc->pbx;
	struct sip_addr addr;
	struct binding *b;
	uint32_t exp;
	uint64_t now = now_ns() / 1000000ull;

	if (!pl_strcmp(&hdr->val, "*")) {
		rc->star = true;
		++rc->n;
		return false;
	}
	if (sip_addr_decode(&addr, &hdr->val)) {
		rc->code = 400;
		rc->why = "a Contact that does not parse";
		return true;
	}
	if (addr.auri.l > MAX_CONTACT) {
		rc->code = 400;
		rc->why = "a Contact URI longer than 255 characters";
		return true;
	}
	++rc->n;
	if (!contact_expires(rc, &addr, &exp)) {
		rc->code = 400;
		rc->why = "an expires parameter that is no number of seconds";
		return true;
	}
	if (exp && exp < pbx->cfg->min_expires) {
		rc->code = 423;
		rc->why = "an expiry below min_expires";
		return true;
	}
	if (exp > pbx->cfg->max_expires)
		exp = pbx->cfg->max_expires;

	b = find(pbx, rc->acct, &addr.auri);
	if (b && !pl_strcmp(&msg->callid, b->callid) &&
	    msg->cseq.num <= b->cseq) {
		/* an old REGISTER overtaken by a newer one: it fails
		 * (RFC 3261 10.3, step 7) */
		rc->code = 500;
		rc->why = "a REGISTER older than one already applied";
		return true;
	}
	if (!rc->apply) {
		rc->added += !b && exp;
		return false;
	}
	if (!exp) {
		if (b) {
			emit(pbx, b, "unregistered", 0);
			mem_deref(b);
		}
		return false;
	}
	if (!b) {
		b = mem_zalloc(sizeof(*b), binding_destructor);
		if (!b || pl_strdup(&b->contact, &addr.auri)) {
			mem_deref(b);
			return false;
		}
		b->acct = rc->acct;
		list_append(&pbx->bindings, &b->le, b);
	}
	else {
		/* a refresh moves it to the end: newest */
		list_unlink(&b->le);
		list_append(&pbx->bindings, &b->le, b);
	}
	bool fresh = !b->callid;
	b->params = mem_deref(b->params);
	(void)keep_params(&b->params, &addr.params);
	b->callid = mem_deref(b->callid);
	(void)pl_strdup(&b->callid, &msg->callid);
	b->cseq = msg->cseq.num;
	b->expires_ms = now + exp * 1000ull;
	re_snprintf(b->remote, sizeof(b->remote), "%J", &msg->src);
	emit(pbx, b, fresh ? "registered" : "refreshed", exp);
	return false;
}

/* The 200's Contact lines: every binding of the account. */
static int print_bindings(struct re_printf *pf, const struct reg_ctx *rc)
{
	uint64_t now = now_ns() / 1000000ull;
	int err = 0;

	for (struct le *le = rc->pbx->bindings.head; le; le = le->next) {
		const struct binding *b = le->data;

		if (b->acct != rc->acct || b->expires_ms <= now)
			continue;
		err |= re_hprintf(pf, "Contact: <%s>%s;expires=%llu\r\n",
				  b->contact, b->params ? b->params : "",
				  (unsigned long long)
				  ((b->expires_ms - now + 999) / 1000));
	}
	return err;
}

void pbx_register(struct pbx *pbx, const struct sip_msg *msg)
{
	struct instance *inst = pbx->inst;
	const struct pbx_account *acct, *who = NULL;
	const struct sip_hdr *hexp = sip_msg_hdr(msg, SIP_HDR_EXPIRES);
	struct reg_ctx rc;

	acct = pbx_conf_account(pbx->cfg, &msg->to.uri.user);
	if (!acct) {
		(void)sip_treplyf(NULL, NULL, inst->sip, msg, false, 404,
				  "Not Found", "Content-Length: 0\r\n\r\n");
		evbus_error(inst->env->bus, inst->name, NULL, "register",
			    "REGISTER from %J for '%r': no such account",
			    &msg->src, &msg->to.uri.user);
		return;
	}
	if (!pbx_auth_check(pbx, msg, false, &who))
		return;
	if (who != acct) {
		(void)sip_treplyf(NULL, NULL, inst->sip, msg, false, 403,
				  "Forbidden", "Content-Length: 0\r\n\r\n");
		evbus_error(inst->env->bus, inst->name, NULL, "register",
			    "%s may not register %s", who->user, acct->user);
		return;
	}

	memset(&rc, 0, sizeof(rc));
	rc.pbx = pbx;
	rc.msg = msg;
	rc.acct = acct;
	rc.dflt = 3600;
	if (hexp && !expiry_ok(&hexp->val)) {
		rc.code = 400;
		rc.why = "an Expires that is no number of seconds";
	}
	else if (hexp) {
		rc.dflt = pl_u32(&hexp->val);
	}

	/* check first: a REGISTER is applied whole or not at all */
	if (!rc.code)
		(void)sip_msg_hdr_apply(msg, true, SIP_HDR_CONTACT,
					contact_handler, &rc);
	if (!rc.code && count_of(pbx, acct) + rc.added > MAX_BINDINGS) {
		rc.code = 403;
		rc.why = "more than 16 contacts for one account";
	}
	if (!rc.code && rc.star && (rc.n > 1 || rc.dflt)) {
		rc.code = 400;
		rc.why = "Contact: * needs Expires: 0 and no other Contact";
	}
	if (rc.code == 423) {
		(void)sip_treplyf(NULL, NULL, inst->sip, msg, false, 423,
				  "Interval Too Brief", "Min-Expires: %u\r\n"
				  "Content-Length: 0\r\n\r\n",
				  pbx->cfg->min_expires);
		return;
	}
	if (rc.code) {
		(void)sip_treplyf(NULL, NULL, inst->sip, msg, false, rc.code,
				  rc.code == 403 ? "Forbidden" : rc.code == 500 ?
				  "Server Internal Error" : "Bad Request",
				  "Content-Length: 0\r\n\r\n");
		evbus_error(inst->env->bus, inst->name, NULL, "register",
			    "REGISTER from %J for %s refused: %s", &msg->src,
			    acct->user, rc.why);
		return;
	}

	if (rc.star) {
		remove_all(pbx, acct);
	}
	else {
		rc.apply = true;
		rc.n = 0;
		(void)sip_msg_hdr_apply(msg, true, SIP_HDR_CONTACT,
					contact_handler, &rc);
	}

	(void)sip_treplyf(NULL, NULL, inst->sip, msg, false, 200, "OK",
			  "%HContent-Length: 0\r\n\r\n", print_bindings, &rc);
}
