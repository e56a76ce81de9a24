/* Account keys: each is checked as it is read, so a bad value is a
 * config error naming its line, not a failed REGISTER later.  A password
 * may come from the file itself, a file of its own or the environment,
 * and no message ever repeats it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "base/util.h"
#include "account.h"

void account_init(struct account *a)
{
	memset(a, 0, sizeof(*a));
	a->expires = ACCOUNT_DEFAULT_EXPIRES;
	a->register_at_start = true;
}

/* A SIP URI libre can send to: "sip:host[:port][;params]". */
static bool sip_uri_ok(const char *s)
{
	struct pl pl;
	struct uri uri;

	pl_set_str(&pl, s);
	return !uri_decode(&uri, &pl) && (!pl_strcasecmp(&uri.scheme, "sip")
					  || !pl_strcasecmp(&uri.scheme,
							    "sips")) &&
		pl_isset(&uri.host);
}

static int set_password(struct account *a, const char *pw, const char *from,
			char *err, size_t errsz)
{
	if (strlen(pw) >= sizeof(a->password))
		return errf(err, errsz, EINVAL, "the password %s is longer "
			    "than %zu characters", from,
			    sizeof(a->password) - 1);
	str_copy(a->password, sizeof(a->password), pw);
	a->has_password = true;
	return 0;
}

static int password_file(struct account *a, const char *path, char *err,
			 size_t errsz)
{
	char line[sizeof(a->password) + 2];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return errf(err, errsz, EINVAL, "cannot read password_file "
			    "%s: %s", path, strerror(errno));
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	n = strcspn(line, "\r\n");
	if (n == sizeof(line) - 1)
		return errf(err, errsz, EINVAL, "the password in %s is longer "
			    "than %zu characters", path,
			    sizeof(a->password) - 1);
	line[n] = '\0';
	if (!n)
		return errf(err, errsz, EINVAL, "password_file %s has no "
			    "password on its first line", path);
	return set_password(a, line, "in the file", err, errsz);
}

int account_key(struct account *a, const char *key, const char *val,
		char *err, size_t errsz)
{
	if (!strcmp(key, "registrar") || !strcmp(key, "outbound_proxy") ||
	    !strcmp(key, "aor")) {
		char *dst = !strcmp(key, "registrar") ? a->registrar :
			!strcmp(key, "aor") ? a->aor : a->outbound;

		if (strlen(val) >= sizeof(a->registrar) || !sip_uri_ok(val))
			return errf(err, errsz, EINVAL, "%s '%s' is not a "
				    "sip: URI (e.g. sip:pbx.example.com:5060)",
				    key, val);
		str_copy(dst, sizeof(a->registrar), val);
	}
	else if (!strcmp(key, "auth_user")) {
		if (!*val || strlen(val) >= sizeof(a->auth_user))
			return errf(err, errsz, EINVAL, "bad value '%s' for "
				    "auth_user", val);
		str_copy(a->auth_user, sizeof(a->auth_user), val);
	}
	else if (!strcmp(key, "password")) {
		return set_password(a, val, "given", err, errsz);
	}
	else if (!strcmp(key, "password_file")) {
		return password_file(a, val, err, errsz);
	}
	else if (!strcmp(key, "password_env")) {
		const char *pw = getenv(val);

		if (!pw)
			return errf(err, errsz, EINVAL, "password_env: the "
				    "environment has no %s", val);
		return set_password(a, pw, "in the environment", err, errsz);
	}
	else if (!strcmp(key, "realm")) {
		if (strlen(val) >= sizeof(a->realm))
			return errf(err, errsz, EINVAL, "realm '%s' is too "
				    "long", val);
		str_copy(a->realm, sizeof(a->realm), val);
	}
	else if (!strcmp(key, "expires")) {
		uint64_t ms;

		if (duration_parse(&ms, val) || ms < 1000 ||
		    ms > 86400ull * 1000)
			return errf(err, errsz, EINVAL, "expires '%s' is not "
				    "1 s to 24 h (e.g. 3600 or 10m)", val);
		a->expires = (uint32_t)(ms / 1000);
	}
	else if (!strcmp(key, "register")) {
		if (!strcmp(val, "on") || !strcmp(val, "start"))
			a->register_at_start = true;
		else if (!strcmp(val, "off") || !strcmp(val, "manual"))
			a->register_at_start = false;
		else
			return errf(err, errsz, EINVAL, "register '%s' is "
				    "neither on nor off", val);
	}
	else {
		return ENOENT;
	}
	return 0;
}

void account_aor(const struct account *a, const char *user, char *buf,
		 size_t size)
{
	struct pl pl;
	struct uri uri;

	if (a->aor[0]) {
		str_copy(buf, size, a->aor);
		return;
	}
	pl_set_str(&pl, a->registrar);
	if (uri_decode(&uri, &pl)) {
		buf[0] = '\0';
		return;
	}
	re_snprintf(buf, size, "%r:%s@%r", &uri.scheme, user, &uri.host);
}
