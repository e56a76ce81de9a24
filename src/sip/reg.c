/* Registration through libre's sipreg, which refreshes before expiry,
 * answers 401/407 with ua_auth(), raises Expires on a 423 and retries a
 * failure after 30 s or more.  What it does not do, this file does: a
 * wrong password (a challenge again after credentials, or 403) ends the
 * registration with one `failed`, not a retry every half minute, and
 * every change is a `reg.state` event. */
#include <string.h>
#include <re.h>
#include "base/event.h"
#include "base/util.h"
#include "conf.h"
#include "reg.h"
#include "ua.h"

int ua_auth(char **user, char **pass, const char *realm, void *arg)
{
	const struct instance *inst = arg;
	const struct account *a = &inst->cfg->account;
	int err;

	if (!a->has_password || (a->realm[0] && strcmp(a->realm, realm)))
		return EAUTH;
	err = str_dup(user, a->auth_user[0] ? a->auth_user : inst->cfg->user);
	err |= str_dup(pass, a->password);
	return err;
}

void ua_from_uri(const struct instance *inst, char *buf, size_t size)
{
	const struct account *a = &inst->cfg->account;

	if (a->registrar[0] || a->aor[0])
		account_aor(a, inst->cfg->user, buf, size);
	else
		str_copy(buf, size, inst->aor);
}

/* libre's sipreg forgets its credentials on every challenge and would
 * answer a registrar that keeps challenging (a wrong password) sixteen
 * times; one answer per challenge round is what a person would do. */
static int reg_auth(char **user, char **pass, const char *realm, void *arg)
{
	struct instance *inst = arg;

	if (++inst->reg_auth_tries > 1)
		return EAUTH;
	return ua_auth(user, pass, realm, arg);
}

static void emit(struct instance *inst, const char *state, uint32_t expires,
		 uint16_t code, const char *reason)
{
	const char *registrar = inst->cfg->account.registrar;
	char aor[256];

	account_aor(&inst->cfg->account, inst->cfg->user, aor, sizeof(aor));
	if (!strcmp(state, "registered"))
		evbus_emit(inst->env->bus, "reg.state", inst->name, NULL,
			   EVS("state", state), EVS("registrar", registrar),
			   EVS("aor", aor), EVI("expires", expires), EV_END);
	else if (code)
		evbus_emit(inst->env->bus, "reg.state", inst->name, NULL,
			   EVS("state", state), EVS("registrar", registrar),
			   EVS("aor", aor), EVI("code", code),
			   EVS_OPT("reason", reason), EV_END);
	else
		evbus_emit(inst->env->bus, "reg.state", inst->name, NULL,
			   EVS("state", state), EVS("registrar", registrar),
			   EVS("aor", aor), EVS_OPT("reason", reason), EV_END);
}

/* Stopped from a timer: libre is still inside sipreg when resph runs. */
static void give_up(void *arg)
{
	struct instance *inst = arg;

	inst->reg = mem_deref(inst->reg);
}

static void resp_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct instance *inst = arg;
	const char *registrar = inst->cfg->account.registrar;
	bool challenge;
	char reason[160];

	if (!msg) {
		re_snprintf(reason, sizeof(reason), "no answer from %s (%m); "
			    "trying again later", registrar, err);
		evbus_error(inst->env->bus, inst->name, NULL, "register",
			    "%s", reason);
		emit(inst, "failed", 0, 0, reason);
		return;
	}
	if (msg->scode < 300 && !err) {
		inst->reg_auth_tries = 0;   /* the next refresh may be asked */
		emit(inst, "registered", sipreg_proxy_expires(inst->reg), 0,
		     NULL);
		return;
	}

	/* libre answers a challenge itself: one that reaches us could not be
	 * answered (a malformed one: ERR), or was answered and refused */
	challenge = msg->scode == 401 || msg->scode == 407;
	if (challenge && err)
		re_snprintf(reason, sizeof(reason), "%u %r: cannot answer the "
			    "challenge (%m: no usable %s)", msg->scode,
			    &msg->reason, err, msg->scode == 401 ?
			    "WWW-Authenticate" : "Proxy-Authenticate");
	else if (challenge)
		re_snprintf(reason, sizeof(reason), "%u %r: %s", msg->scode,
			    &msg->reason, inst->cfg->account.has_password ?
			    "the credentials were refused" :
			    "no password configured");
	else
		re_snprintf(reason, sizeof(reason), "%u %r", msg->scode,
			    &msg->reason);
	evbus_error(inst->env->bus, inst->name, NULL, "register",
		    "REGISTER to %s failed: %s", registrar, reason);
	emit(inst, "failed", 0, msg->scode, reason);

	/* A refusal of who we are does not change by asking again. */
	if (challenge || msg->scode == 403 || msg->scode == 404)
		tmr_start(&inst->tmr_reg, 0, give_up, inst);
}

int reg_start(struct instance *inst, char *err, size_t errsz)
{
	const struct account *a = &inst->cfg->account;
	const char *routev[1] = {a->outbound};
	char aor[256];
	int e;

	if (!a->registrar[0])
		return errf(err, errsz, EINVAL, "%s has no registrar in "
			    "sipflow.conf", inst->name);
	if (inst->closing)
		return errf(err, errsz, EINVAL, "%s is closing", inst->name);

	tmr_cancel(&inst->tmr_reg);
	inst->reg = mem_deref(inst->reg);
	account_aor(a, inst->cfg->user, aor, sizeof(aor));
	inst->reg_auth_tries = 0;
	emit(inst, "registering", 0, 0, NULL);
	e = sipreg_register(&inst->reg, inst->sip, a->registrar, aor,
			    inst->cfg->display[0] ? inst->cfg->display : NULL,
			    aor, a->expires, inst->cfg->user,
			    a->outbound[0] ? routev : NULL,
			    a->outbound[0] ? 1 : 0, 0, reg_auth, inst, false,
			    resp_handler, inst, NULL, NULL);
	if (e) {
		emit(inst, "failed", 0, 0, "cannot send REGISTER");
		return errf(err, errsz, e, "cannot REGISTER at %s: %m",
			    a->registrar, e);
	}
	return 0;
}

void reg_seen_response(struct instance *inst, const struct sip_msg *msg)
{
	enum sip_hdrid want = msg->scode == 401 ? SIP_HDR_WWW_AUTHENTICATE :
		SIP_HDR_PROXY_AUTHENTICATE;
	char reason[160];

	if ((msg->scode != 401 && msg->scode != 407) ||
	    pl_strcmp(&msg->cseq.met, "REGISTER") || sip_msg_hdr(msg, want))
		return;

	re_snprintf(reason, sizeof(reason), "%u %r: cannot answer the "
		    "challenge (no %s header)", msg->scode, &msg->reason,
		    msg->scode == 401 ? "WWW-Authenticate" :
		    "Proxy-Authenticate");
	evbus_error(inst->env->bus, inst->name, NULL, "register",
		    "REGISTER to %s failed: %s", inst->cfg->account.registrar,
		    reason);
	emit(inst, "failed", 0, msg->scode, reason);
	/* Now, before libre reads the response and asks again: a sipreg
	 * freed with its request pending stays until the answer comes,
	 * then goes without another REGISTER. */
	inst->reg = mem_deref(inst->reg);
}

void reg_stop(struct instance *inst)
{
	bool was = inst->reg && sipreg_registered(inst->reg);

	tmr_cancel(&inst->tmr_reg);
	if (!inst->reg)
		return;
	/* libre sends the de-REGISTER (Expires: 0) if it was registered and
	 * keeps itself alive until it is answered */
	inst->reg = mem_deref(inst->reg);
	emit(inst, "unregistered", 0, 0, was ? NULL :
	     "it was not registered yet");
}
