/* `options TARGET`: is a peer there, and how fast does it answer? */
#ifndef SIPFLOW_UA_PING_H
#define SIPFLOW_UA_PING_H

#include <stddef.h>

struct instance;

/* Send OPTIONS to URI; its answer (or none, after 32 s) becomes an
 * `options.result` event with the code and the round-trip time. */
int ua_options(struct instance *inst, const char *uri, char *err,
	       size_t errsz);

#endif
