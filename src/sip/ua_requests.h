/* Requests outside any call that the session layer leaves to us. */
#ifndef SIPFLOW_UA_REQUESTS_H
#define SIPFLOW_UA_REQUESTS_H

#include <stdint.h>

struct sip_lsnr;
struct sip_msg;
struct instance;

/* Listen after sipsess_listen(): OPTIONS, and refusals with a reason. */
int ua_requests_listen(struct sip_lsnr **lsnrp, struct instance *inst);

/* Answer MSG with CODE REASON, Allow and the header lines in EXTRA (or
 * NULL); DETAIL (or NULL) says why, in a Warning and the `error` event
 * that names where the request came from. */
void ua_refuse(struct instance *inst, const struct sip_msg *msg,
	       uint16_t code, const char *reason, const char *detail,
	       const char *extra);

#endif
