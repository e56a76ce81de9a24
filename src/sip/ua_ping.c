/* OPTIONS as a health check, the way PBXs qualify their peers: one
 * request outside any dialog, through the account's outbound proxy and
 * with its credentials when challenged, timed from send to answer. */
#include <string.h>
#include <re.h>
#include "base/event.h"
#include "base/util.h"
#include "conf.h"
#include "reg.h"
#include "ua.h"
#include "ua_ping.h"

struct ping {
	struct le le;            /* in inst->pings */
	struct instance *inst;
	struct sip_dialog *dlg;
	struct sip_request *req;
	struct sip_auth *auth;
	uint64_t sent_ns;
	char target[256];
};

static void destructor(void *arg)
{
	struct ping *p = arg;

	list_unlink(&p->le);
	mem_deref(p->req);
	mem_deref(p->dlg);
	mem_deref(p->auth);
}

static int send_options(struct ping *p);

static void resp_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct ping *p = arg;
	double rtt = (double)(now_ns() - p->sent_ns) / 1e6;
	char reason[128];

	if (!err && msg && (msg->scode == 401 || msg->scode == 407) &&
	    !sip_auth_authenticate(p->auth, msg) && !send_options(p))
		return;   /* asked again, with credentials */

	if (err || !msg) {
		if (err == ECONNABORTED)
			str_copy(reason, sizeof(reason),
				 "no answer before the instance closed");
		else
			re_snprintf(reason, sizeof(reason), "no answer (%m)",
				    err);
		evbus_emit(p->inst->env->bus, "options.result", p->inst->name,
			   NULL, EVS("target", p->target), EVI("code", 0),
			   EVS("reason", reason), EV_END);
	}
	else if (msg->scode >= 200) {
		re_snprintf(reason, sizeof(reason), "%r", &msg->reason);
		evbus_emit(p->inst->env->bus, "options.result", p->inst->name,
			   NULL, EVS("target", p->target),
			   EVI("code", msg->scode), EVS("reason", reason),
			   EVD("rtt_ms", rtt), EV_END);
	}
	else {
		return;   /* provisional */
	}
	mem_deref(p);
}

static int send_options(struct ping *p)
{
	p->sent_ns = now_ns();
	return sip_drequestf(&p->req, p->inst->sip, true, "OPTIONS", p->dlg,
			     0, p->auth, NULL, resp_handler, p,
			     "Accept: application/sdp\r\n"
			     "Content-Length: 0\r\n\r\n");
}

int ua_options(struct instance *inst, const char *uri, char *err,
	       size_t errsz)
{
	const struct account *a = &inst->cfg->account;
	const char *routev[1] = {a->outbound};
	struct ping *p;
	char from[256];
	int e;

	if (!inst->sip || inst->closing)
		return errf(err, errsz, EINVAL, "%s is closing", inst->name);
	p = mem_zalloc(sizeof(*p), destructor);
	if (!p)
		return errf(err, errsz, ENOMEM, "out of memory");
	p->inst = inst;
	str_copy(p->target, sizeof(p->target), uri);
	ua_from_uri(inst, from, sizeof(from));

	e = sip_dialog_alloc(&p->dlg, uri, uri, NULL, from,
			     a->outbound[0] ? routev : NULL,
			     a->outbound[0] ? 1 : 0);
	if (!e)
		e = sip_auth_alloc(&p->auth, ua_auth, inst, false);
	if (!e)
		e = send_options(p);
	if (e) {
		mem_deref(p);
		return errf(err, errsz, e, "cannot send OPTIONS to %s: %m",
			    uri, e);
	}
	list_append(&inst->pings, &p->le, p);
	return 0;
}
