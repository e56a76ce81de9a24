/* What RFC 3261 says a user agent must refuse, before any call sees it. */
#ifndef SIPFLOW_UA_GATE_H
#define SIPFLOW_UA_GATE_H

#include <stdbool.h>
#include <stdint.h>

struct sip_lsnr;
struct sip_msg;
struct instance;

struct ua_verdict {
	uint16_t code;         /* 400, 406, 415, 416 or 420 */
	const char *reason;    /* the standard reason phrase */
	char detail[256];      /* what was wrong, for people (peer text) */
	char extra[512];       /* header lines the answer needs, CRLF each */
};

/* True when MSG may go on; otherwise false with V saying how to refuse. */
bool ua_gate_check(const struct sip_msg *msg, struct ua_verdict *v);

/* Listen before sipsess_listen(), so no call is made of a bad request. */
int ua_gate_listen(struct sip_lsnr **lsnrp, struct instance *inst);

#endif
