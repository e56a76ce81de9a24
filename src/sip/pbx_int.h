/* Inside the PBX: its object, registrations and bridges, as the pbx*.c
 * files share them.  Only src/sip/pbx*.c include this. */
#ifndef SIPFLOW_PBX_INT_H
#define SIPFLOW_PBX_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <re.h>
#include "pbx.h"
#include "pbx_conf.h"

struct pbx {
	struct instance *inst;
	const struct pbx_conf *cfg;    /* the instance's */
	const char *realm;             /* its realm key, or "sipflow" */
	struct sip_lsnr *lsnr;
	struct list bindings;          /* struct binding, oldest first */
	struct list bridges;           /* struct bridge */
	uint8_t secret[16];            /* signs our nonces */
};

/* One Contact registered for an account (RFC 3261 10.3). */
struct binding {
	struct le le;
	const struct pbx_account *acct;
	char *contact;                 /* the Contact URI */
	char *params;                  /* its header parameters but expires
					* (+sip.instance, reg-id: echoed) */
	char *callid;                  /* of the REGISTER that made it */
	uint32_t cseq;
	uint64_t expires_ms;           /* monotonic */
	char remote[64];               /* where the REGISTER came from */
};

/* A bridged call: the caller's leg and the callee's. */
struct bridge {
	struct le le;
	struct pbx *pbx;
	struct call *a, *b;            /* referenced; b NULL until placed */
	char caller[64], callee[64];
	char target[256];
	uint64_t start_ms, answer_ms, end_ms;   /* realtime, 0: not yet */
	const char *side;              /* who hung up: caller, callee, pbx */
	uint16_t code;                 /* how it ended */
	char reason[96];
	char rec[2][256];              /* recordings made of it */
	bool answered;                 /* the callee answered */
	bool connected;                /* ... and the caller got it (ACK) */
	bool hangup_pending;           /* end the caller's leg once it is up */
	unsigned hold_tries;           /* hold re-INVITEs that did not take */
	bool a_held, b_held;           /* each party's hold, as last seen */
	bool done;
	struct tmr tmr_free;
};

/* pbx_auth.c: true when MSG carries valid digest credentials for an
 * account (then *ACCTP); otherwise MSG has been answered (a 401, or a
 * 407 when PROXY, with a fresh challenge, or 403 for wrong ones). */
bool pbx_auth_check(struct pbx *pbx, const struct sip_msg *msg, bool proxy,
		    const struct pbx_account **acctp);
/* A digest response as RFC 2617 computes it, for tests and the check. */
void pbx_digest(char out[33], const char *user, const char *realm,
		const char *password, const struct pl *method,
		const struct pl *uri, const struct pl *nonce,
		const struct pl *nc, const struct pl *cnonce,
		const struct pl *qop);

/* pbx_reg.c: REGISTER, and where an account is */
void pbx_register(struct pbx *pbx, const struct sip_msg *msg);
const struct binding *pbx_binding_of(const struct pbx *pbx,
				     const struct pbx_account *acct);
void pbx_bindings_expire(struct pbx *pbx, uint64_t now_ms);

/* pbx_bridge.c */
void pbx_bridges_second(struct pbx *pbx);

#endif
