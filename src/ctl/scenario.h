/* sipflow-scenario(5): lines of "INSTANCE[/CALL]: VERB ARGS". */
#ifndef SIPFLOW_SCENARIO_H
#define SIPFLOW_SCENARIO_H

#include <re.h>
#include "expect.h"

struct cmd;
struct conf;

struct scn_step {
	struct le le;
	unsigned line;
	char inst[32];
	char call[32];           /* INSTANCE/CALL: an id, #N or a label */
	const struct cmd *cmd;
	char args[512];
	char text[512];          /* the line as written, trimmed */
	uint64_t wait_ms;        /* wait */
	struct expect exp;       /* expect */
};

struct scenario {
	char path[256];
	struct list steps;
};

/* Load and check PATH against the instances of CONF.  On error returns
 * EINVAL with "PATH:LINE:COL: what" in ERR. */
int scenario_load(struct scenario **sp, const char *path,
		  const struct conf *conf, char *err, size_t errsz);
/* Parse one line (also what the console's `:` prompt takes).  Returns 0,
 * ENODATA for a blank or comment line, or EINVAL with "COL: what". */
int scenario_parse_line(struct scn_step *step, const char *line,
			const struct conf *conf, char *err, size_t errsz);

#endif
