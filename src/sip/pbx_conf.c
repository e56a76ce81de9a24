/* PBX keys, each checked as it is read: a bad account or route is a
 * config error naming its line, not a call routed nowhere later. */
#include <errno.h>
#include <string.h>
#include <re.h>
#include "base/names.h"
#include "base/util.h"
#include "pbx_conf.h"

static const char *const rec_names[] = {"off", "mixed", "stereo", "both"};
static const struct name_table recs = NAME_TABLE(rec_names, false);

void pbx_conf_init(struct pbx_conf *pc)
{
	memset(pc, 0, sizeof(*pc));
	pc->record = PBX_REC_OFF;
	pc->cdr_events = true;
	pc->min_expires = PBX_MIN_EXPIRES;
	pc->max_expires = PBX_MAX_EXPIRES;
}

void pbx_conf_reset(struct pbx_conf *pc)
{
	list_flush(&pc->accounts);
	list_flush(&pc->routes);
}

const char *pbx_rec_name(enum pbx_rec r)
{
	return name_of(&recs, (int)r);
}

/* A user part we can route and authenticate: no SIP punctuation. */
static bool user_ok(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (strchr(" \t<>@:;,\"'\\/?", s[i]) || (unsigned char)s[i] < 33)
			return false;
	}
	return true;
}

static int account_add(struct pbx_conf *pc, const char *val, char *err,
		       size_t errsz)
{
	const char *colon = strchr(val, ':');
	struct pbx_account *a;
	struct pl user;
	size_t ulen;

	if (!colon)
		return errf(err, errsz, EINVAL, "account needs USER:PASSWORD");
	ulen = (size_t)(colon - val);
	if (!user_ok(val, ulen) || ulen >= sizeof(a->user))
		return errf(err, errsz, EINVAL, "bad user in account (a "
			    "number or name of at most 63 characters)");
	if (!colon[1] || strlen(colon + 1) >= sizeof(a->password))
		return errf(err, errsz, EINVAL, "the password of account "
			    "%.*s is empty or longer than 127 characters",
			    (int)ulen, val);
	user.p = val;
	user.l = ulen;
	if (pbx_conf_account(pc, &user))
		return errf(err, errsz, EINVAL, "account %.*s is given twice",
			    (int)ulen, val);

	a = mem_zalloc(sizeof(*a), NULL);
	if (!a)
		return ENOMEM;
	memcpy(a->user, val, ulen);
	str_copy(a->password, sizeof(a->password), colon + 1);
	list_append(&pc->accounts, &a->le, a);
	return 0;
}

static int route_add(struct pbx_conf *pc, const char *val, char *err,
		     size_t errsz)
{
	struct pbx_route *r, probe;
	size_t plen = strcspn(val, " \t");
	const char *uri = val + plen;
	char test[256];
	struct pl pl;
	struct uri u;

	uri += strspn(uri, " \t");
	if (!plen || plen >= sizeof(r->prefix) || !*uri ||
	    strlen(uri) >= sizeof(r->uri))
		return errf(err, errsz, EINVAL, "route needs PREFIX URI "
			    "(e.g. route = 9 sip:{rest}@127.0.0.1:5090)");
	if (!user_ok(val, plen) && !(plen == 1 && val[0] == '*'))
		return errf(err, errsz, EINVAL, "bad route prefix '%.*s'",
			    (int)plen, val);

	/* the URI must parse once its fields are filled in */
	memset(&probe, 0, sizeof(probe));
	memcpy(probe.prefix, val, plen);
	str_copy(probe.uri, sizeof(probe.uri), uri);
	if (pbx_route_uri(&probe, "1234", test, sizeof(test)))
		return errf(err, errsz, EINVAL, "route URI too long");
	pl_set_str(&pl, test);
	if (uri_decode(&u, &pl) || (pl_strcasecmp(&u.scheme, "sip") &&
				    pl_strcasecmp(&u.scheme, "sips")) ||
	    !pl_isset(&u.host))
		return errf(err, errsz, EINVAL, "bad route URI '%s' (a sip: "
			    "URI; {number} and {rest} are filled in)", uri);

	r = mem_zalloc(sizeof(*r), NULL);
	if (!r)
		return ENOMEM;
	*r = probe;
	memset(&r->le, 0, sizeof(r->le));
	list_append(&pc->routes, &r->le, r);
	return 0;
}

static int expires_key(uint32_t *v, const char *key, const char *val,
		       char *err, size_t errsz)
{
	uint64_t ms;

	if (duration_parse(&ms, val) || ms < 1000 || ms > 86400000ull)
		return errf(err, errsz, EINVAL, "bad value '%s' for %s (a "
			    "duration from 1s to 24h, e.g. 60s)", val, key);
	*v = (uint32_t)(ms / 1000);
	return 0;
}

int pbx_conf_key(struct pbx_conf *pc, const char *key, const char *val,
		 char *err, size_t errsz)
{
	int v;

	if (!strcmp(key, "mode")) {
		if (!strcmp(val, "pbx"))
			pc->on = true;
		else if (!strcmp(val, "ua"))
			pc->on = false;
		else
			return errf(err, errsz, EINVAL, "bad value '%s' for "
				    "mode (ua or pbx)", val);
	}
	else if (!strcmp(key, "account")) {
		return account_add(pc, val, err, errsz);
	}
	else if (!strcmp(key, "route")) {
		return route_add(pc, val, err, errsz);
	}
	else if (!strcmp(key, "pbx_record")) {
		if (name_parse(&recs, val, &v))
			return errf(err, errsz, EINVAL, "bad value '%s' for "
				    "pbx_record (off, mixed, stereo or both)",
				    val);
		pc->record = (enum pbx_rec)v;
	}
	else if (!strcmp(key, "cdr")) {
		if (strlen(val) >= sizeof(pc->cdr))
			return errf(err, errsz, EINVAL, "cdr path too long");
		str_copy(pc->cdr, sizeof(pc->cdr), val);
	}
	else if (!strcmp(key, "cdr_events")) {
		if (!strcmp(val, "on"))
			pc->cdr_events = true;
		else if (!strcmp(val, "off"))
			pc->cdr_events = false;
		else
			return errf(err, errsz, EINVAL, "bad value '%s' for "
				    "cdr_events (on or off)", val);
	}
	else if (!strcmp(key, "min_expires")) {
		return expires_key(&pc->min_expires, key, val, err, errsz);
	}
	else if (!strcmp(key, "max_expires")) {
		return expires_key(&pc->max_expires, key, val, err, errsz);
	}
	else {
		return ENOENT;
	}
	return 0;
}

const struct pbx_account *pbx_conf_account(const struct pbx_conf *pc,
					   const struct pl *user)
{
	for (struct le *le = pc->accounts.head; le; le = le->next) {
		const struct pbx_account *a = le->data;

		if (!pl_strcmp(user, a->user))
			return a;
	}
	return NULL;
}

const struct pbx_route *pbx_conf_route(const struct pbx_conf *pc,
				       const char *number)
{
	const struct pbx_route *best = NULL;
	size_t bestlen = 0;

	for (struct le *le = pc->routes.head; le; le = le->next) {
		const struct pbx_route *r = le->data;
		size_t n = strlen(r->prefix);

		/* "*" matches every number, as the last resort */
		if (!strcmp(r->prefix, "*")) {
			if (!best)
				best = r;
			continue;
		}
		if (!strncmp(number, r->prefix, n) && n > bestlen) {
			best = r;
			bestlen = n;
		}
	}
	return best;
}

int pbx_route_uri(const struct pbx_route *r, const char *number, char *buf,
		  size_t size)
{
	size_t plen = strcmp(r->prefix, "*") ? strlen(r->prefix) : 0;
	const char *rest = strlen(number) >= plen ? number + plen : "";
	const char *p = r->uri;
	size_t o = 0;

	while (*p) {
		const char *val = NULL;
		size_t skip = 0;

		if (!strncmp(p, "{number}", 8)) {
			val = number;
			skip = 8;
		}
		else if (!strncmp(p, "{rest}", 6)) {
			val = rest;
			skip = 6;
		}
		if (val) {
			size_t n = strlen(val);
			if (o + n >= size)
				return ENAMETOOLONG;
			memcpy(buf + o, val, n);
			o += n;
			p += skip;
			continue;
		}
		if (o + 1 >= size)
			return ENAMETOOLONG;
		buf[o++] = *p++;
	}
	buf[o] = '\0';
	return 0;
}
