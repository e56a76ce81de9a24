/* libre decodes an SDP all or nothing: one attribute it cannot read and
 * the offer is gone, and the call with it.  An attribute is an
 * embellishment of its media line, so a tester is better served by the
 * call without it and a word about what was left out.  The patterns are
 * the ones libre's decoder applies (src/sdp/msg.c), so what passes here
 * passes there. */
#include <string.h>
#include <re.h>
#include "sdpclean.h"

static bool attr_unreadable(const struct pl *line)
{
	struct pl name, val;

	if (line->l < 2 || line->p[0] != 'a' || line->p[1] != '=')
		return false;
	if (re_regex(line->p + 2, line->l - 2, "[^:]+:[^]+", &name, &val))
		return false;   /* a flag like a=sendrecv */

	if (!pl_strcmp(&name, "rtpmap"))
		return re_regex(val.p, val.l, "[^ ]+ [^/]+/[0-9]+[/]*[^]*",
				NULL, NULL, NULL, NULL, NULL) != 0;
	if (!pl_strcmp(&name, "fmtp"))
		return re_regex(val.p, val.l, "[^ ]+ [^]*", NULL, NULL) != 0;
	if (!pl_strcmp(&name, "rtcp"))
		return re_regex(val.p, val.l, "[0-9]+", NULL) != 0;
	return false;
}

int sdp_clean(struct mbuf **mbp, const uint8_t *p, size_t len,
	      unsigned *dropped, char *why, size_t whysz)
{
	const char *s = (const char *)p, *end = s + len;
	struct mbuf *mb = mbuf_alloc(len + 1);
	unsigned lineno = 0;
	int err = 0;

	if (!mb)
		return ENOMEM;
	*dropped = 0;
	if (whysz)
		why[0] = '\0';

	while (s < end && !err) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *next = nl ? nl + 1 : end;
		struct pl line = {s, (size_t)(next - s)};

		lineno++;
		while (line.l && (line.p[line.l - 1] == '\n' ||
				  line.p[line.l - 1] == '\r'))
			line.l--;

		if (attr_unreadable(&line)) {
			if (!(*dropped)++)
				(void)re_snprintf(why, whysz, "line %u '%r'",
						  lineno, &line);
		}
		else {
			err = mbuf_write_mem(mb, (const uint8_t *)s,
					     (size_t)(next - s));
		}
		s = next;
	}

	if (err) {
		mem_deref(mb);
		return err;
	}
	mb->pos = 0;
	*mbp = mb;
	return 0;
}
