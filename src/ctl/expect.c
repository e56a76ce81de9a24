#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "base/util.h"
#include "expect.h"

static bool valid_digits(const char *s)
{
	return *s && strspn(s, "0123456789*#ABCDabcd") == strlen(s);
}

int expect_parse(struct expect *e, const char *args, char *err,
		 size_t errsz, size_t *col)
{
	char buf[256], *w[3];
	size_t n, i;

	memset(e, 0, sizeof(*e));
	e->code = -1;
	e->timeout_ms = EXPECT_DEFAULT_TIMEOUT_MS;
	*col = 0;

	str_copy(buf, sizeof(buf), args);
	n = str_split(buf, w, 3);
	if (!n || n > 3) {
		re_snprintf(err, errsz, "expect takes EVENT [ARG] [TIMEOUT]");
		return EINVAL;
	}

	/* A trailing duration with a unit is the timeout; a bare number is
	 * an argument (terminated 486, dtmf 1234). */
	if (n > 1 && !duration_parse_unit(&e->timeout_ms, w[n - 1]))
		--n;
	else if (n == 3) {
		*col = (size_t)(w[2] - buf);
		re_snprintf(err, errsz, "'%s' is not a timeout (e.g. 5s)",
			    w[2]);
		return EINVAL;
	}

	if (!strcmp(w[0], "dtmf")) {
		e->kind = EXPECT_DTMF;
		if (n < 2 || !valid_digits(w[1]) ||
		    strlen(w[1]) >= sizeof(e->digits)) {
			*col = n < 2 ? 0 : (size_t)(w[1] - buf);
			re_snprintf(err, errsz, "expect dtmf needs DIGITS "
				    "(0-9 * # A-D)");
			return EINVAL;
		}
		str_copy(e->digits, sizeof(e->digits), w[1]);
		/* dtmf.rx reports A-D in upper case */
		for (char *d = e->digits; *d; d++)
			*d = (char)toupper((unsigned char)*d);
		return 0;
	}

	e->kind = EXPECT_STATE;
	if (!strcmp(w[0], "registered") || !strcmp(w[0], "unregistered") ||
	    !strcmp(w[0], "reg_failed")) {
		e->kind = EXPECT_REG;
		str_copy(e->reg, sizeof(e->reg),
			 strcmp(w[0], "reg_failed") ? w[0] : "failed");
	}
	else if (!strcmp(w[0], "transferred") ||
		 !strcmp(w[0], "transfer_failed") ||
		 !strcmp(w[0], "referred") || !strcmp(w[0], "replaced")) {
		e->kind = EXPECT_XFER;
		str_copy(e->reg, sizeof(e->reg), w[0]);
	}
	else if (call_state_parse(&e->state, w[0])) {
		re_snprintf(err, errsz, "unknown event '%s' (incoming, "
			    "ringing, early, established, held, remote_held, "
			    "terminated, dtmf, registered, unregistered, "
			    "reg_failed, transferred, transfer_failed, "
			    "referred, replaced)", w[0]);
		return EINVAL;
	}

	for (i = 1; i < n; i++) {
		char *end;
		long code = strtol(w[i], &end, 10);
		bool takes_code = e->kind == EXPECT_REG ?
			!strcmp(e->reg, "failed") : e->kind == EXPECT_XFER ?
			!strcmp(e->reg, "transfer_failed") :
			e->state == CALL_TERMINATED;

		*col = (size_t)(w[i] - buf);
		if (!takes_code || i > 1) {
			re_snprintf(err, errsz, "unexpected '%s'", w[i]);
			return EINVAL;
		}
		if (*end || code < 0 || code > 699) {
			re_snprintf(err, errsz, "'%s' is neither a SIP code "
				    "nor a timeout", w[i]);
			return EINVAL;
		}
		e->code = (int)code;
	}
	return 0;
}
