/* An instance's life: bind its stack, trace its SIP messages, find its
 * calls, close it.  The structure is in ua.h, where the calls see it. */
#ifndef SIPFLOW_INSTANCE_H
#define SIPFLOW_INSTANCE_H

#include <stddef.h>
#include "ua.h"

struct call;

/* Bind CFG's address and announce `ua.ready`.  CLOSEDH reports the end
 * of instance_close(). */
int  instance_alloc(struct instance **ip, struct ua_env *env,
		    struct inst_conf *cfg, instance_closed_h *closedh,
		    void *arg, char *err, size_t errsz);
/* The call commands act on: the newest call not yet terminated. */
struct call *instance_current_call(const struct instance *inst);
/* The call with short id ID ("c3"), the instance's Nth call ("#2"), or
 * the newest with label ID (`call ... as ID`); NULL when none. */
struct call *instance_call(const struct instance *inst, const char *id);
/* Hang up all calls, let their BYE/CANCEL transactions finish, then
 * report to the closed handler. */
void instance_close(struct instance *inst);
/* Make sure the instance can send to URI: a transport it does not listen
 * on (;transport=tcp or tls, or UDP for a TCP or TLS instance) is added
 * on a port of the system's choosing.  0, or an error in ERR. */
int instance_transport_for(struct instance *inst, const char *uri,
			   char *err, size_t errsz);

#endif
