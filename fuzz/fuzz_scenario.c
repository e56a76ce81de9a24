/* Scenario lines: each input line through the parser the console's `:`
 * prompt uses, then the whole input as a scenario file. */
#include <string.h>
#include <unistd.h>
#include <re.h>
#include "ctl/scenario.h"
#include "fuzz.h"
#include "sip/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct conf *conf;
	struct scenario *scn = NULL;
	struct scn_step step;
	char line[1024], path[64], err[512];
	size_t pos = 0;
	int fd;

	fuzz_libre_init();
	if (!conf && conf_default(&conf))
		return 0;

	while (pos < size) {
		const uint8_t *eol = memchr(data + pos, '\n', size - pos);
		size_t n = (eol ? (size_t)(eol - data) : size) - pos;

		if (n < sizeof(line)) {
			memcpy(line, data + pos, n);
			line[n] = '\0';
			(void)scenario_parse_line(&step, line, conf, err,
						  sizeof(err));
			(void)scenario_parse_line(&step, line, NULL, err,
						  sizeof(err));
		}
		pos += n + 1;
	}

	if (fuzz_file(data, size, path, sizeof(path), &fd))
		return 0;
	if (!scenario_load(&scn, path, conf, err, sizeof(err)))
		mem_deref(scn);
	close(fd);
	return 0;
}
