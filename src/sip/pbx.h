/* A PBX instance (mode = pbx): a registrar with digest authentication
 * and a location table, routing by number, and a B2BUA that bridges
 * each call it routes through an RTP relay of its own, with a call
 * record (CDR) per call.  instance.c makes one for a PBX instance and
 * hands it the requests a user agent would take itself. */
#ifndef SIPFLOW_PBX_H
#define SIPFLOW_PBX_H

#include <stdbool.h>
#include <stdint.h>
#include <re.h>

struct instance;
struct pbx;
struct call;

/* Listen on INST's stack for REGISTER (call it where the PBX's listener
 * must sit: after the gate, before the session layer). */
int  pbx_alloc(struct pbx **pp, struct instance *inst);
/* An INVITE outside any dialog: authenticate, route, bridge. */
void pbx_invite(struct pbx *pbx, const struct sip_msg *msg);
/* Once a second: bindings expire, a hold not yet passed across is
 * tried again. */
void pbx_second(struct pbx *pbx, uint64_t now);
/* The other leg of a bridged call, or NULL. */
struct call *pbx_other_leg(const struct pbx *pbx, const struct call *call);
/* Live registrations (bindings), and calls being bridged. */
unsigned pbx_bindings(const struct pbx *pbx);
unsigned pbx_bridges(const struct pbx *pbx);

#endif
