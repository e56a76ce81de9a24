/* Mid-call keys, each checked as it is read. */
#include <errno.h>
#include <string.h>
#include <re.h>
#include "base/names.h"
#include "base/util.h"
#include "midcall.h"

static const char *const hold_names[] = {"sendonly", "inactive", "zero"};
static const struct name_table holds = NAME_TABLE(hold_names, false);

static const char *const refer_names[] = {"accept", "reject", "ask"};
static const struct name_table refers = NAME_TABLE(refer_names, false);

void midcall_init(struct midcall *m)
{
	m->hold = HOLD_SENDONLY;
	m->refer = REFER_ACCEPT;
	m->transfer_hangup = true;
}

const char *hold_style_name(enum hold_style s)
{
	return name_of(&holds, (int)s);
}

const char *refer_policy_name(enum refer_policy p)
{
	return name_of(&refers, (int)p);
}

int midcall_key(struct midcall *m, const char *key, const char *val,
		char *err, size_t errsz)
{
	int v;

	if (!strcmp(key, "hold")) {
		if (name_parse(&holds, val, &v))
			return errf(err, errsz, EINVAL, "bad value '%s' for "
				    "hold (sendonly, inactive or zero)", val);
		m->hold = (enum hold_style)v;
	}
	else if (!strcmp(key, "refer")) {
		if (name_parse(&refers, val, &v))
			return errf(err, errsz, EINVAL, "bad value '%s' for "
				    "refer (accept, reject or ask)", val);
		m->refer = (enum refer_policy)v;
	}
	else if (!strcmp(key, "transfer_hangup")) {
		if (!strcmp(val, "on"))
			m->transfer_hangup = true;
		else if (!strcmp(val, "off"))
			m->transfer_hangup = false;
		else
			return errf(err, errsz, EINVAL, "bad value '%s' for "
				    "transfer_hangup (on or off)", val);
	}
	else {
		return ENOENT;
	}
	return 0;
}
