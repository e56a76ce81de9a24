/* An instance's registration at its registrar (RFC 3261 10), as
 * `reg.state` events: registering, registered, failed, unregistered. */
#ifndef SIPFLOW_REG_H
#define SIPFLOW_REG_H

#include <stddef.h>

struct instance;

/* Answer a digest challenge with the instance's credentials (libre's
 * sip_auth_h); EAUTH when it has none or the realm is not its own. */
int ua_auth(char **user, char **pass, const char *realm, void *arg);

/* The From of the instance's calls and OPTIONS: its account's AOR, or
 * without an account its own address. */
void ua_from_uri(const struct instance *inst, char *buf, size_t size);

/* REGISTER now, and keep the registration fresh until reg_stop(). */
int reg_start(struct instance *inst, char *err, size_t errsz);
/* A response the instance received, before libre acts on it: a 401 or
 * 407 to our REGISTER with no challenge in it would have libre ask again
 * without credentials until its loop guard stops it (16 times). */
void reg_seen_response(struct instance *inst, const struct sip_msg *msg);

/* De-REGISTER (if registered) and stop. */
void reg_stop(struct instance *inst);

#endif
