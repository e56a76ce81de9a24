/* The PBX's life on its instance's stack: REGISTER comes to us before
 * the user agent's refusals see it, an INVITE outside a dialog comes
 * from the instance's session listener, and once a second bindings run
 * out.  Everything in a dialog (ACK, BYE, re-INVITE, CANCEL) stays with
 * the legs' own sessions. */
#include <string.h>
#include <re.h>
#include "base/event.h"
#include "base/util.h"
#include "conf.h"
#include "pbx_int.h"
#include "ua.h"

static void destructor(void *arg)
{
	struct pbx *pbx = arg;

	mem_deref(pbx->lsnr);
	list_flush(&pbx->bridges);
	list_flush(&pbx->bindings);
}

static bool request_handler(const struct sip_msg *msg, void *arg)
{
	struct pbx *pbx = arg;

	if (pl_strcmp(&msg->met, "REGISTER"))
		return false;
	pbx_register(pbx, msg);
	return true;
}

int pbx_alloc(struct pbx **pp, struct instance *inst)
{
	struct pbx *pbx;
	int err;

	pbx = mem_zalloc(sizeof(*pbx), destructor);
	if (!pbx)
		return ENOMEM;
	pbx->inst = inst;
	pbx->cfg = &inst->cfg->pbx;
	/* the realm key names the realm of an instance's credentials: a
	 * PBX's are the ones it asks for */
	pbx->realm = inst->cfg->account.realm[0] ? inst->cfg->account.realm :
		"sipflow";
	rand_bytes(pbx->secret, sizeof(pbx->secret));

	err = sip_listen(&pbx->lsnr, inst->sip, true, request_handler, pbx);
	if (err)
		mem_deref(pbx);
	else
		*pp = pbx;
	return err;
}

void pbx_second(struct pbx *pbx, uint64_t now)
{
	pbx_bindings_expire(pbx, now / 1000000ull);
	pbx_bridges_second(pbx);
}
