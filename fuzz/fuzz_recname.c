/* The recording file name template (record_template) and the values a
 * peer controls that fill it (Call-ID, the peer's URI): the name must
 * stay a plain file name in the record directory, whatever they are. */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "media/recname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[1024], *part[4] = {in, "", "", ""}, name[256], err[256];
	struct rec_fields f;
	size_t n = size < sizeof(in) - 1 ? size : sizeof(in) - 1;
	unsigned k = 1;

	/* TEMPLATE \0 CALLID \0 PEER \0 INSTANCE */
	memcpy(in, data, n);
	in[n] = '\0';
	for (size_t i = 0; i < n && k < 4; i++) {
		if (!in[i])
			part[k++] = in + i + 1;
	}
	if (rec_template_check(part[0], err, sizeof(err)))
		return 0;

	memset(&f, 0, sizeof(f));
	f.callid = part[1];
	f.peer = part[2];
	f.instance = part[3];
	f.call = "c1";
	f.dir = "in";
	f.when = 1700000000;
	if (rec_name_expand(name, sizeof(name), part[0], &f))
		return 0;
	/* a plain name, never a way out of the directory */
	if (!name[0] || name[0] == '.' || strchr(name, '/'))
		abort();
	return 0;
}
