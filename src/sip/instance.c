#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "base/event.h"
#include "base/util.h"
#include "media/source.h"
#include "call.h"
#include "conf.h"
#include "instance.h"
#include "pbx.h"
#include "reg.h"
#include "ua_gate.h"
#include "ua_requests.h"

static void destructor(void *arg)
{
	struct instance *inst = arg;

	tmr_cancel(&inst->tmr_close);
	tmr_cancel(&inst->tmr_reg);
	list_unlink(&inst->le);
	/* first: its bridges hold calls */
	inst->pbx = mem_deref(inst->pbx);
	inst->reg = mem_deref(inst->reg);
	list_flush(&inst->calls);
	list_flush(&inst->pings);
	mem_deref(inst->evsock);
	mem_deref(inst->sock);
	mem_deref(inst->lsnr_fork);
	mem_deref(inst->lsnr_req);
	mem_deref(inst->lsnr_gate);
	if (inst->sip)
		sip_close(inst->sip, true);
	mem_deref(inst->sip);
	if (inst->sip_closing && !inst->exit_seen) {
		/* Freed before its transactions ended (the quit grace ran
		 * out): end them now, so the stack and its socket go too.
		 * libre calls exit_handler() from in here. */
		inst->freeing = true;
		sip_close(inst->sip_closing, true);
	}
	if (inst->exit_seen)
		mem_deref(inst->sip_closing);
	mem_deref(inst->source);
	mem_deref(inst->tls);
	mem_deref(inst->cfg);
}

static void connect_handler(const struct sip_msg *msg, void *arg)
{
	struct instance *inst = arg;

	if (inst->pbx && !inst->closing)
		pbx_invite(inst->pbx, msg);
	else
		call_incoming(inst, msg);
}

static bool fork_handler(const struct sip_msg *msg, void *arg)
{
	return call_fork_response(arg, msg);
}

/* A message is a retransmission when the same one (first line, CSeq,
 * Call-ID, Via branch, To tag) went the same way recently. */
static bool seen_before(struct instance *inst, bool tx,
			const struct sip_msg *msg, const struct pl *first)
{
	struct sip_via *via = (struct sip_via *)&msg->via;
	uint32_t key;

	key  = hash_joaat((const uint8_t *)first->p, first->l);
	key ^= hash_joaat((const uint8_t *)msg->callid.p, msg->callid.l) * 3;
	key ^= hash_joaat((const uint8_t *)via->branch.p, via->branch.l) * 5;
	key ^= hash_joaat((const uint8_t *)msg->to.tag.p, msg->to.tag.l) * 7;
	key ^= msg->cseq.num * 11u;
	key ^= tx ? 0x5a5a5a5au : 0;
	if (!key)
		key = 1;

	for (size_t i = 0; i < ARRAY_SIZE(inst->recent); i++) {
		if (inst->recent[i] == key)
			return true;
	}
	inst->recent[inst->recent_pos++ % ARRAY_SIZE(inst->recent)] = key;
	return false;
}

static void trace_handler(bool tx, enum sip_transp tp, const struct sa *src,
			  const struct sa *dst, const uint8_t *pkt,
			  size_t len, void *arg)
{
	struct instance *inst = arg;
	struct sip_msg *msg = NULL;
	struct mbuf *mb;
	struct pl first;
	char *line = NULL, cseq[64], callid[256];
	const char *eol;

	/* decoded for the events, and for what libre's sipreg does not
	 * look at (reg_seen_response) */
	if (!len || (!evbus_has_subscribers(inst->env->bus) &&
		     (tx || (!inst->reg && list_isempty(&inst->calls)))))
		return;

	mb = mbuf_alloc(len);
	if (!mb)
		return;
	(void)mbuf_write_mem(mb, pkt, len);
	mb->pos = 0;

	eol = memchr(pkt, '\r', len);
	first.p = (const char *)pkt;
	first.l = eol ? (size_t)(eol - (const char *)pkt) : len;

	/* libre traces only what it could decode, so this is a keep-alive
	 * at most.  (It drops malformed input before any hook we have and
	 * says so on stderr, which -l sends to the log.) */
	if (sip_msg_decode(&msg, mb)) {
		mem_deref(mb);
		return;
	}

	if (!tx && !msg->req && inst->reg)
		reg_seen_response(inst, msg);
	/* libre tells a session nothing of a refused re-INVITE */
	if (!tx && !msg->req)
		call_response_seen(inst, msg);

	re_snprintf(cseq, sizeof(cseq), "%u %r", msg->cseq.num,
		    &msg->cseq.met);
	/* a request may have no Call-ID at all (RFC 4475 insuf) */
	re_snprintf(callid, sizeof(callid), "%r", &msg->callid);

	if (!pl_strdup(&line, &first)) {
		char remote[64];

		/* where it came from, or went: what names a hostile peer */
		re_snprintf(remote, sizeof(remote), "%J/%s", tx ? dst : src,
			    sip_transp_name(tp));
		evbus_emit(inst->env->bus, tx ? "sip.tx" : "sip.rx",
			   inst->name, NULL,
			   EVS("first_line", line), EVS("cseq", cseq),
			   EVS("sip_callid", callid), EVS("remote", remote),
			   EVB("retrans", seen_before(inst, tx, msg, &first)),
			   EV_END);
	}

	mem_deref(line);
	mem_deref(msg);
	mem_deref(mb);
}

/* The TLS context: the configured certificate, or a self-signed one.
 * 2048 bits: libre's 1024-bit default fails under OpenSSL 3's default
 * security level (libre-notes 5). */
static int tls_context(struct instance *inst, char *err, size_t errsz)
{
	const char *cert = inst->cfg->tls_cert[0] ? inst->cfg->tls_cert : NULL;
	char cn[128];
	int e;

	e = tls_alloc(&inst->tls, TLS_METHOD_SSLV23, cert, NULL);
	if (e) {
		re_snprintf(err, errsz, "[%s]: tls_cert %s: %m (a PEM file "
			    "with the certificate and its key)",
			    inst->cfg->name, cert ? cert : "", e);
		return e;
	}
	if (cert)
		return 0;
	re_snprintf(cn, sizeof(cn), "%s.sipflow.invalid", inst->cfg->name);
	e = tls_set_selfsigned_rsa(inst->tls, cn, 2048);
	if (e)
		re_snprintf(err, errsz, "[%s]: cannot make a self-signed "
			    "certificate: %m", inst->cfg->name, e);
	return e;
}

static void closed_handler(void *arg)
{
	struct instance *inst = arg;

	/* Outside the stack's destructor now: drop its last reference. */
	inst->sip_closing = mem_deref(inst->sip_closing);
	inst->closed = true;
	if (inst->closedh)
		inst->closedh(inst->closed_arg);
}

/* libre calls this from the SIP stack's destructor once sip_close() was
 * called and the last transaction released it. */
static void exit_handler(void *arg)
{
	struct instance *inst = arg;

	inst->exit_seen = true;
	/* not on an instance being freed: its destructor drops the stack */
	if (!inst->freeing)
		tmr_start(&inst->tmr_close, 0, closed_handler, inst);
}

int instance_alloc(struct instance **ip, struct ua_env *env,
		   struct inst_conf *cfg, instance_closed_h *closedh,
		   void *arg, char *err, size_t errsz)
{
	const struct conf *conf = env->conf;
	struct instance *inst;
	char why[256] = "";
	int e;

	inst = mem_zalloc(sizeof(*inst), destructor);
	if (!inst)
		return ENOMEM;

	inst->env = env;
	inst->closedh = closedh;
	inst->closed_arg = arg;
	inst->cfg = mem_ref(cfg);
	tmr_init(&inst->tmr_close);
	inst->name = cfg->name;
	inst->rtp_min = cfg->rtp_min ? cfg->rtp_min : conf->rtp_min;
	inst->rtp_max = cfg->rtp_max ? cfg->rtp_max : conf->rtp_max;
	inst->rtp_timeout_ms = cfg->rtp_timeout_ms >= 0 ?
		(uint64_t)cfg->rtp_timeout_ms : conf->rtp_timeout_ms;

	e = sa_set_str(&inst->laddr, cfg->addr, cfg->port);
	if (e) {
		re_snprintf(err, errsz, "[%s]: bad address '%s'", cfg->name,
			    cfg->addr);
		goto out;
	}

	re_snprintf(inst->aor, sizeof(inst->aor), "sip:%s@%J%s", cfg->user,
		    &inst->laddr, cfg->transport == SIP_TRANSP_TCP ?
		    ";transport=tcp" : cfg->transport == SIP_TRANSP_TLS ?
		    ";transport=tls" : "");

	e = clip_from_spec(&inst->source, &cfg->source, 8000, why,
			   sizeof(why));
	if (e) {
		re_snprintf(err, errsz, "[%s]: source: %s", cfg->name, why);
		goto out;
	}

	e = sip_alloc(&inst->sip, NULL, 32, 32, 32, "sipflow/" VERSION,
		      exit_handler, inst);
	if (e) {
		re_snprintf(err, errsz, "[%s]: SIP stack: %m", cfg->name, e);
		goto out;
	}

	if (cfg->transport == SIP_TRANSP_TLS) {
		e = tls_context(inst, err, errsz);
		if (e)
			goto out;
	}
	e = sip_transp_add(inst->sip, cfg->transport, &inst->laddr,
			   inst->tls);
	if (e) {
		re_snprintf(err, errsz, "[%s]: cannot listen on %J/%s: %m%s",
			    cfg->name, &inst->laddr,
			    sip_transp_name(cfg->transport), e,
			    e == EADDRINUSE ? " (the port is already in use)"
			    : "");
		goto out;
	}

	sip_set_trace_handler(inst->sip, trace_handler);

	/* Registered before sipsess so it sees 2xx responses first: libre
	 * would otherwise swallow a second fork's 2xx silently. */
	e = sip_listen(&inst->lsnr_fork, inst->sip, false, fork_handler,
		       inst);
	if (e)
		goto out;

	/* before sipsess: no call is made of a request RFC 3261 refuses */
	e = ua_gate_listen(&inst->lsnr_gate, inst);
	if (e)
		goto out;

	/* a PBX takes REGISTER before the refusals a user agent sends */
	if (cfg->pbx.on) {
		e = pbx_alloc(&inst->pbx, inst);
		if (e)
			goto out;
	}

	e = sipsess_listen(&inst->sock, inst->sip, 32, connect_handler,
			   inst);
	if (e)
		goto out;

	/* NOTIFYs for our REFERs */
	e = sipevent_listen(&inst->evsock, inst->sip, 32, 32, NULL, NULL);
	if (e)
		goto out;

	/* after sipsess: it takes what belongs to a session first */
	e = ua_requests_listen(&inst->lsnr_req, inst);
	if (e)
		goto out;

	{
		char addr[80], source[280];

		re_snprintf(addr, sizeof(addr), "%J/%s", &inst->laddr,
			    sip_transp_name(cfg->transport));
		source_spec_print(source, sizeof(source), &cfg->source);
		evbus_emit(env->bus, "ua.ready", inst->name, NULL,
			   EVS("addr", addr), EVS("aor", inst->aor),
			   EVS("source", source),
			   EVS("mode", cfg->pbx.on ? "pbx" : "ua"), EV_END);
	}

	if (cfg->account.registrar[0] && cfg->account.register_at_start) {
		char regerr[256];

		/* a failure to send is reported; the instance still works */
		if (reg_start(inst, regerr, sizeof(regerr)))
			evbus_error(env->bus, inst->name, NULL, "register",
				    "%s", regerr);
	}

 out:
	if (e)
		mem_deref(inst);
	else
		*ip = inst;
	return e;
}

struct call *instance_current_call(const struct instance *inst)
{
	struct le *le;

	for (le = inst ? inst->calls.tail : NULL; le; le = le->prev) {
		struct call *call = le->data;
		if (call_state(call) != CALL_TERMINATED)
			return call;
	}
	return NULL;
}

struct call *instance_call(const struct instance *inst, const char *id)
{
	struct le *le;

	for (le = inst && id ? inst->calls.tail : NULL; le; le = le->prev) {
		struct call *call = le->data;
		if (!strcmp(call_id(call), id))
			return call;
	}
	/* "#N": the instance's Nth call */
	if (id && id[0] == '#') {
		char *end;
		unsigned long n = strtoul(id + 1, &end, 10);

		for (le = inst && !*end ? inst->calls.head : NULL; le;
		     le = le->next) {
			if (call_ordinal(le->data) == n)
				return le->data;
		}
		return NULL;
	}
	/* a label names the newest call that carries it */
	for (le = inst && id ? inst->calls.tail : NULL; le; le = le->prev) {
		struct call *call = le->data;
		const char *label = call_label(call);
		if (label && !strcmp(label, id))
			return call;
	}
	return NULL;
}

/* The transport a request to URI goes over: its ;transport=, else TLS
 * for sips:, else UDP (RFC 3263 without DNS: these are IP addresses). */
static enum sip_transp uri_transport(const char *uri)
{
	struct pl pl, tp;
	struct uri u;

	pl_set_str(&pl, uri);
	if (uri_decode(&u, &pl))
		return SIP_TRANSP_UDP;
	if (!msg_param_decode(&u.params, "transport", &tp)) {
		if (!pl_strcasecmp(&tp, "tcp"))
			return SIP_TRANSP_TCP;
		if (!pl_strcasecmp(&tp, "tls"))
			return SIP_TRANSP_TLS;
	}
	return pl_strcasecmp(&u.scheme, "sips") ? SIP_TRANSP_UDP :
		SIP_TRANSP_TLS;
}

int instance_transport_for(struct instance *inst, const char *uri,
			   char *err, size_t errsz)
{
	enum sip_transp tp = uri_transport(uri);
	struct sa laddr = inst->laddr;
	int e;

	if (!inst->sip || tp == inst->cfg->transport ||
	    (inst->extra_transports & (1u << tp)))
		return 0;
	if (tp == SIP_TRANSP_TLS && !inst->tls) {
		e = tls_context(inst, err, errsz);
		if (e)
			return e;
	}
	/* an ephemeral port: the instance's own is its main transport's;
	 * the Contact of calls over this one names where it listens */
	sa_set_port(&laddr, 0);
	e = sip_transp_add(inst->sip, tp, &laddr, inst->tls);
	if (e)
		return errf(err, errsz, e, "%s cannot open a %s transport: %m",
			    inst->name, sip_transp_name(tp), e);
	inst->extra_transports |= 1u << tp;
	return 0;
}

static void close_stack(void *arg)
{
	struct instance *inst = arg;

	/* The calls are gone and their sessions have sent BYE or CANCEL.
	 * Stop taking requests, then let the stack finish what it has. */
	inst->sock = mem_deref(inst->sock);
	inst->lsnr_fork = mem_deref(inst->lsnr_fork);
	inst->lsnr_req = mem_deref(inst->lsnr_req);
	inst->lsnr_gate = mem_deref(inst->lsnr_gate);
	inst->sip_closing = inst->sip;
	inst->sip = NULL;
	/* sip_close() gives up our reference.  When the last transaction
	 * lets go, libre's destructor takes one back and calls
	 * exit_handler(); closed_handler() drops that one for good. */
	sip_close(inst->sip_closing, false);
}

void instance_close(struct instance *inst)
{
	struct le *le;
	char err[64];

	if (inst->closing)
		return;
	inst->closing = true;

	for (le = inst->calls.head; le; le = le->next)
		(void)call_hangup(le->data, err, sizeof(err));
	reg_stop(inst);   /* the de-REGISTER goes out with the BYEs */

	/* Terminated calls free themselves on the next loop turn. */
	tmr_start(&inst->tmr_close, 10, close_stack, inst);
}
