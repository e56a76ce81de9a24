#include <string.h>
#include <stdlib.h>
#include <re.h>
#include "base/util.h"
#include "codec.h"

extern const struct codec codec_pcmu;
extern const struct codec codec_pcma;
extern const struct codec codec_telev;

/* Add a codec module here, in the order `codecs` defaults to. */
static const struct codec *const table[] = {
	&codec_pcmu,
	&codec_pcma,
	&codec_telev,
};

const struct codec *codec_find(const char *name, uint32_t srate)
{
	if (!name)
		return NULL;

	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
		if (str_casecmp(table[i]->name, name))
			continue;
		if (srate && table[i]->srate != srate)
			continue;
		return table[i];
	}
	return NULL;
}

const struct codec *codec_find_static(int pt)
{
	for (size_t i = 0; pt >= 0 && pt < 96 && i < ARRAY_SIZE(table); i++) {
		if (table[i]->pt == pt)
			return table[i];
	}
	return NULL;
}

bool codec_list_has(const struct codec_list *cl, const struct codec *c)
{
	for (size_t i = 0; cl && c && i < cl->n; i++) {
		if (cl->v[i] == c)
			return true;
	}
	return false;
}

const struct codec *codec_list_telev(const struct codec_list *cl)
{
	for (size_t i = 0; cl && i < cl->n; i++) {
		if (cl->v[i]->telev)
			return cl->v[i];
	}
	return NULL;
}

int codec_list_parse(struct codec_list *cl, const char *str,
		     char *bad, size_t badsz)
{
	char buf[256];
	char *tok, *save = NULL;

	if (!cl || !str)
		return EINVAL;

	memset(cl, 0, sizeof(*cl));
	str_copy(buf, sizeof(buf), str);

	for (tok = strtok_r(buf, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save)) {

		const struct codec *c;
		uint32_t srate = 0;
		char *slash = strchr(tok, '/');

		if (slash) {
			*slash = '\0';
			srate = (uint32_t)strtoul(slash + 1, NULL, 10);
		}

		c = codec_find(tok, srate);
		if (!c || cl->n >= CODEC_LIST_MAX) {
			str_copy(bad, badsz, tok);
			return EINVAL;
		}
		if (!codec_list_has(cl, c))
			cl->v[cl->n++] = c;
	}

	if (!cl->n || (cl->n == 1 && cl->v[0]->telev)) {
		str_copy(bad, badsz, str);
		return EINVAL;
	}

	return 0;
}

int codec_list_print(struct re_printf *pf, const struct codec_list *cl)
{
	int err = 0;

	for (size_t i = 0; cl && i < cl->n; i++)
		err |= re_hprintf(pf, "%s%s", i ? ", " : "", cl->v[i]->name);
	return err;
}
