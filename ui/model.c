/* The console's model: every event updates the instance or call it names.
 * Nothing here reaches into the engine, so what the screen shows is what
 * the event stream said (and what a JSON reader of -e would see). */
#include <stdarg.h>
#include <string.h>
#include <re.h>
#include "base/event.h"
#include "base/util.h"
#include "model.h"

/* Field comparison that tolerates a missing field. */
static bool str_is(const char *s, const char *want)
{
	return s && !strcmp(s, want);
}

static void logline_destructor(void *arg)
{
	struct ui_logline *l = arg;

	list_unlink(&l->le);
}

static void sipmsg_destructor(void *arg)
{
	struct ui_sipmsg *s = arg;

	list_unlink(&s->le);
}

static void inst_destructor(void *arg)
{
	struct ui_inst *i = arg;

	list_unlink(&i->le);
	list_flush(&i->bindings);
}

static void binding_destructor(void *arg)
{
	struct ui_binding *b = arg;

	list_unlink(&b->le);
}

/* pbx.reg: a binding made, refreshed, removed or run out. */
static void on_pbx_reg(struct ui_model *m, const struct event *ev)
{
	struct ui_inst *i = ui_model_inst(m, ev->ua);
	const char *user = event_str(ev, "user");
	const char *contact = event_str(ev, "contact");
	const char *state = event_str(ev, "state");
	struct ui_binding *b = NULL;
	struct le *le;

	if (!i || !user || !contact || !state)
		return;
	i->pbx = true;
	for (le = list_head(&i->bindings); le; le = le->next) {
		struct ui_binding *x = le->data;

		if (!strcmp(x->user, user) && !strcmp(x->contact, contact)) {
			b = x;
			break;
		}
	}
	if (!strcmp(state, "registered") || !strcmp(state, "refreshed")) {
		if (!b) {
			b = mem_zalloc(sizeof(*b), binding_destructor);
			if (!b)
				return;
			str_copy(b->user, sizeof(b->user), user);
			str_copy(b->contact, sizeof(b->contact), contact);
			++i->nbindings;
		}
		else {
			list_unlink(&b->le);
		}
		list_append(&i->bindings, &b->le, b);
		double exp = 0;

		(void)event_dbl(ev, "expires", &exp);
		b->expires_t = ev->t + exp;
	}
	else if (b) {
		mem_deref(b);
		--i->nbindings;
	}
	re_snprintf(i->reg, sizeof(i->reg), "pbx: %u reg", i->nbindings);
}

void ui_inst_bindings(const struct ui_inst *i, char *buf, size_t size)
{
	size_t o = 0;

	if (size)
		buf[0] = '\0';
	for (struct le *le = list_head(&i->bindings); le && o + 1 < size;
	     le = le->next) {
		const struct ui_binding *b = le->data;
		const char *host = strchr(b->contact, '@');
		int n = re_snprintf(buf + o, size - o, "%s%s %s",
				    o ? ", " : "", b->user,
				    host ? host + 1 : b->contact);

		/* libre says -1 when it had to cut: the line is full */
		if (n < 0 || (size_t)n >= size - o)
			break;
		o += (size_t)n;
	}
}

static void model_destructor(void *arg)
{
	struct ui_model *m = arg;

	list_flush(&m->calls);
	list_flush(&m->insts);
	list_flush(&m->orphans);
	mem_deref(m->by_id);
}

static void call_destructor(void *arg)
{
	struct ui_call *c = arg;

	list_unlink(&c->le_id);
	hash_unlink(&c->le_hash);
	list_flush(&c->ladder);
	list_flush(&c->log);
	mem_deref(c->sdp_local);
	mem_deref(c->sdp_remote);
}

int ui_model_alloc(struct ui_model **mp)
{
	struct ui_model *m = mem_zalloc(sizeof(*m), model_destructor);

	if (!m)
		return ENOMEM;
	if (hash_alloc(&m->by_id, 1024)) {
		mem_deref(m);
		return ENOMEM;
	}
	*mp = m;
	return 0;
}

struct ui_inst *ui_model_inst(const struct ui_model *m, const char *name)
{
	struct le *le;

	for (le = list_head(&m->insts); name && le; le = le->next) {
		struct ui_inst *i = le->data;
		if (!strcmp(i->name, name))
			return i;
	}
	return NULL;
}

static bool id_matches(struct le *le, void *arg)
{
	const struct ui_call *c = le->data;

	return !strcmp(c->id, arg);
}

struct ui_call *ui_model_call(const struct ui_model *m, const char *id)
{
	struct le *le;

	if (!id || !*id)
		return NULL;
	le = hash_lookup(m->by_id, hash_joaat_str(id), id_matches,
			 (void *)(uintptr_t)id);
	return le ? le->data : NULL;
}

/* Two local instances in one call share its SIP Call-ID: a message
 * belongs to the call of the instance that sent or received it. */
static struct ui_call *call_by_sipid(const struct ui_model *m,
				     const char *ua, const char *sipid)
{
	struct le *le;

	for (le = list_tail(&m->by_sipid); sipid && ua && le; le = le->prev) {
		struct ui_call *c = le->data;
		if (!strcmp(c->sip_callid, sipid) && c->inst &&
		    !strcmp(c->inst->name, ua))
			return c;
	}
	return NULL;
}

/* An orphan's key: "UA SIPID", kept right behind the struct. */
static void orphan_key(char *buf, size_t sz, const char *ua,
		       const char *sipid)
{
	(void)re_snprintf(buf, sz, "%s %s", ua ? ua : "", sipid ? sipid : "");
}

bool ui_call_alive(const struct ui_call *c)
{
	return c->gone_t == 0;
}

struct ui_call *ui_model_current_call(const struct ui_model *m,
				      const char *inst)
{
	struct le *le;

	for (le = m->calls.tail; le && inst; le = le->prev) {
		struct ui_call *c = le->data;

		if (c->inst && !strcmp(c->inst->name, inst) &&
		    ui_call_alive(c))
			return c;
	}
	return NULL;
}

const char *ui_call_oneway(const struct ui_call *c, double now)
{
	bool tx_recent, rx_recent;
	/* a held leg is one-way by agreement: only judge what the
	 * direction says should flow */
	bool may_tx = !c->mdir[0] || str_is(c->mdir, "sendrecv") ||
		str_is(c->mdir, "sendonly");
	bool may_rx = !c->mdir[0] || str_is(c->mdir, "sendrecv") ||
		str_is(c->mdir, "recvonly");

	if (!ui_call_alive(c) || !c->codec[0] || c->stats_t == 0)
		return NULL;
	/* Give a new stream its grace period before judging it. */
	tx_recent = now - c->tx_grew_t < UI_ONEWAY_S;
	rx_recent = now - c->rx_grew_t < UI_ONEWAY_S;
	if (tx_recent && !rx_recent && may_rx)
		return "no rx";
	if (rx_recent && !tx_recent && may_tx)
		return "no tx";
	if (rx_recent && c->conceal_pct > UI_CONCEAL_PCT)
		return "concealed";
	return NULL;
}

void ui_model_message(struct ui_model *m, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)re_vsnprintf(m->msg, sizeof(m->msg), fmt, ap);
	va_end(ap);
	m->msg_error = error;
	m->msg_t = m->now;
	++m->msg_seq;
	m->dirty = true;
}

static void call_log(struct ui_call *c, double t, bool error,
		     const char *fmt, ...)
{
	struct ui_logline *l;
	va_list ap;

	if (c->log_n >= UI_LOG_MAX) {
		mem_deref(list_head(&c->log)->data);
		--c->log_n;
	}
	l = mem_zalloc(sizeof(*l), logline_destructor);
	if (!l)
		return;
	l->t = t;
	l->error = error;
	va_start(ap, fmt);
	(void)re_vsnprintf(l->text, sizeof(l->text), fmt, ap);
	va_end(ap);
	list_append(&c->log, &l->le, l);
	++c->log_n;
}

static void on_ua_ready(struct ui_model *m, const struct event *ev)
{
	struct ui_inst *i = ui_model_inst(m, ev->ua);

	if (!i) {
		i = mem_zalloc(sizeof(*i), inst_destructor);
		if (!i)
			return;
		str_copy(i->name, sizeof(i->name), ev->ua);
		str_copy(i->reg, sizeof(i->reg), "-");
		list_append(&m->insts, &i->le, i);
		++m->ninsts;
	}
	str_copy(i->addr, sizeof(i->addr), event_str(ev, "addr"));
	str_copy(i->aor, sizeof(i->aor), event_str(ev, "aor"));
	str_copy(i->source, sizeof(i->source), event_str(ev, "source"));
	if (event_str(ev, "mode") && !strcmp(event_str(ev, "mode"), "pbx")) {
		i->pbx = true;
		re_snprintf(i->reg, sizeof(i->reg), "pbx: %u reg",
			    i->nbindings);
	}
}

static void ladder_add(struct ui_call *c, struct ui_sipmsg *s)
{
	if (c->ladder_n >= UI_LADDER_MAX) {
		mem_deref(list_head(&c->ladder)->data);
		--c->ladder_n;
		++c->ladder_dropped;
	}
	list_append(&c->ladder, &s->le, s);
	++c->ladder_n;
}

/* A call learnt its SIP Call-ID: take the messages that came first (the
 * INVITE we received precedes the call.state that creates the call). */
static void adopt_orphans(struct ui_model *m, struct ui_call *c)
{
	struct le *le = list_head(&m->orphans);
	char key[200];

	orphan_key(key, sizeof(key), c->inst ? c->inst->name : "",
		   c->sip_callid);
	while (le) {
		struct ui_sipmsg *s = le->data;
		struct le *next = le->next;
		const char *id = (const char *)(s + 1);

		if (!strcmp(id, key)) {
			list_unlink(&s->le);
			--m->norphans;
			ladder_add(c, s);
		}
		le = next;
	}
}

static struct ui_call *call_new(struct ui_model *m, const struct event *ev)
{
	struct ui_call *c = mem_zalloc(sizeof(*c), call_destructor);

	if (!c)
		return NULL;
	str_copy(c->id, sizeof(c->id), ev->call);
	c->inst = ui_model_inst(m, ev->ua);
	c->state_t = ev->t;
	list_append(&m->calls, &c->le, c);
	hash_append(m->by_id, hash_joaat_str(c->id), &c->le_hash, c);
	++m->ncalls;
	++m->nalive;
	if (c->inst)
		++c->inst->calls;
	return c;
}

static void call_gone(struct ui_model *m, struct ui_call *c, double t)
{
	if (!ui_call_alive(c))
		return;
	c->gone_t = t;
	c->tx_pps = c->rx_pps = c->tx_kbps = c->rx_kbps = 0;
	c->recording = false;
	c->monitored = false;
	c->playing = false;
	--m->nalive;
	if (c->inst && c->inst->calls)
		--c->inst->calls;
}

static void on_call_state(struct ui_model *m, const struct event *ev)
{
	struct ui_call *c = ui_model_call(m, ev->call);
	const char *state = event_str(ev, "state");
	const char *sipid = event_str(ev, "sip_callid");
	int64_t code = 0;

	if (!c)
		c = call_new(m, ev);
	if (!c || !state)
		return;

	if (strcmp(c->state, state)) {
		str_copy(c->state, sizeof(c->state), state);
		c->state_t = ev->t;
	}
	c->in = str_is(event_str(ev, "dir"), "in");
	str_copy(c->peer, sizeof(c->peer), event_str(ev, "peer"));

	if (sipid && !c->sip_callid[0]) {
		str_copy(c->sip_callid, sizeof(c->sip_callid), sipid);
		list_append(&m->by_sipid, &c->le_id, c);
		adopt_orphans(m, c);
	}

	if (!strcmp(state, "terminated")) {
		(void)event_int(ev, "code", &code);
		c->code = (int)code;
		str_copy(c->reason, sizeof(c->reason),
			 event_str(ev, "reason"));
		call_log(c, ev->t, false, "terminated %d %s (by %s)",
			 c->code, c->reason, event_str(ev, "by"));
		call_gone(m, c, ev->t);
	}
	else {
		call_log(c, ev->t, false, "%s", state);
	}
}

static void on_sip(struct ui_model *m, const struct event *ev, bool tx)
{
	const char *sipid = event_str(ev, "sip_callid");
	struct ui_call *c = call_by_sipid(m, ev->ua, sipid);
	struct ui_sipmsg *s;
	char key[200];
	size_t idlen;

	orphan_key(key, sizeof(key), ev->ua, sipid);
	idlen = strlen(key) + 1;
	/* Orphans keep their key right behind the struct. */
	s = mem_zalloc(sizeof(*s) + (c ? 0 : idlen), sipmsg_destructor);
	if (!s)
		return;
	s->t = ev->t;
	s->tx = tx;
	s->retrans = event_bool(ev, "retrans");
	str_copy(s->first_line, sizeof(s->first_line),
		 event_str(ev, "first_line"));
	str_copy(s->cseq, sizeof(s->cseq), event_str(ev, "cseq"));

	if (c) {
		ladder_add(c, s);
		return;
	}
	str_copy((char *)(s + 1), idlen, key);
	/* Messages of no call (OPTIONS, stray requests) must not pile up. */
	if (m->norphans >= 64) {
		mem_deref(list_head(&m->orphans)->data);
		--m->norphans;
	}
	list_append(&m->orphans, &s->le, s);
	++m->norphans;
}

static void set_sdp(char **dst, const struct event *ev)
{
	*dst = mem_deref(*dst);
	(void)str_dup(dst, event_str(ev, "sdp"));
}

static void on_media(struct ui_call *c, const struct event *ev)
{
	int64_t pt = -1;

	str_copy(c->codec, sizeof(c->codec), event_str(ev, "codec"));
	(void)event_int(ev, "pt", &pt);
	c->pt = (int)pt;
	str_copy(c->local, sizeof(c->local), event_str(ev, "local"));
	str_copy(c->remote, sizeof(c->remote), event_str(ev, "remote"));
	str_copy(c->mdir, sizeof(c->mdir), event_str(ev, "dir"));
	/* The one-way clock starts with the media. */
	if (!c->stats_t)
		c->tx_grew_t = c->rx_grew_t = ev->t;
	call_log(c, ev->t, false, "%s %s pt %d %s -> %s (%s)",
		 ev->type, c->codec, c->pt, c->local, c->remote, c->mdir);
}

static uint64_t field_u64(const struct event *ev, const char *key)
{
	int64_t v = 0;

	(void)event_int(ev, key, &v);
	return v < 0 ? 0 : (uint64_t)v;
}

static void on_stats(struct ui_call *c, const struct event *ev)
{
	uint64_t tx = field_u64(ev, "tx_pkts"), rx = field_u64(ev, "rx_pkts");
	uint64_t txb = field_u64(ev, "tx_bytes");
	uint64_t rxb = field_u64(ev, "rx_bytes");
	uint64_t conc = field_u64(ev, "concealed");
	double dt = ev->t - c->stats_t;

	if (c->stats_t > 0 && dt > 0.2) {
		c->conceal_pct = conc > c->concealed ?
			(double)(conc - c->concealed) * 100 /
			(dt * UI_TICKS_PER_S) : 0;
		c->tx_pps = (double)(tx - (tx > c->tx_pkts ? c->tx_pkts : tx))
			/ dt;
		c->rx_pps = (double)(rx - (rx > c->rx_pkts ? c->rx_pkts : rx))
			/ dt;
		c->tx_kbps = (double)(txb - (txb > c->tx_bytes ?
					     c->tx_bytes : txb)) * 8 / dt /
			1000;
		c->rx_kbps = (double)(rxb - (rxb > c->rx_bytes ?
					     c->rx_bytes : rxb)) * 8 / dt /
			1000;
	}
	if (tx > c->tx_pkts)
		c->tx_grew_t = ev->t;
	if (rx > c->rx_pkts)
		c->rx_grew_t = ev->t;
	c->tx_pkts = tx;
	c->rx_pkts = rx;
	c->tx_bytes = txb;
	c->rx_bytes = rxb;
	(void)event_int(ev, "lost", &c->lost);
	(void)event_dbl(ev, "jitter_ms", &c->jitter_ms);
	c->concealed = conc;
	c->jb_dropped = field_u64(ev, "jb_dropped");
	c->stats_t = ev->t;
}

static void digits_add(char *digits, const char *d)
{
	size_t n = strlen(digits);

	if (!d || !*d)
		return;
	if (n >= UI_DIGITS) {
		memmove(digits, digits + 1, n);
		--n;
	}
	digits[n] = d[0];
	digits[n + 1] = '\0';
}

static void on_dtmf(struct ui_call *c, const struct event *ev, bool tx)
{
	const char *d = event_str(ev, "digit");
	int64_t dur = 0;

	digits_add(tx ? c->dtmf_tx : c->dtmf_rx, d);
	(void)event_int(ev, "duration_ms", &dur);
	call_log(c, ev->t, false, "dtmf %s %s (%s, %lld ms)",
		 tx ? "sent" : "received", d ? d : "?",
		 event_str(ev, "method"), (long long)dur);
}

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path ? path : "";
}

static void on_play(struct ui_call *c, const struct event *ev, bool start)
{
	const char *file = event_str(ev, "file");

	c->playing = start;
	str_copy(c->play_file, sizeof(c->play_file), base_name(file));
	if (start)
		call_log(c, ev->t, false, "play %s", file);
	else
		call_log(c, ev->t, false, "play %s ended (%s)", file,
			 event_str(ev, "reason"));
}

static void on_rec(struct ui_call *c, const struct event *ev, bool start)
{
	const char *path = event_str(ev, "path");
	double secs = 0;

	c->recording = start;
	if (start) {
		c->rec_t = ev->t;
		call_log(c, ev->t, false, "record %s (%s)", path,
			 event_str(ev, "mode"));
		return;
	}
	(void)event_dbl(ev, "seconds", &secs);
	call_log(c, ev->t, str_is(event_str(ev, "reason"), "error"),
		 "record stopped: %s, %.1f s (%s)", path, secs,
		 event_str(ev, "reason"));
}

static void monitor_figures(struct ui_call *c, const struct event *ev)
{
	(void)event_int(ev, "latency_ms", &c->mon_lat_ms);
	(void)event_int(ev, "max_latency_ms", &c->mon_max_ms);
	(void)event_int(ev, "ceiling_ms", &c->mon_ceil_ms);
	(void)event_int(ev, "dropped_ms", &c->mon_drop_ms);
}

static void on_monitor(struct ui_model *m, struct ui_call *c,
		       const struct event *ev)
{
	c->monitored = event_bool(ev, "on");
	str_copy(c->mon_leg, sizeof(c->mon_leg), event_str(ev, "leg"));
	monitor_figures(c, ev);
	if (c->monitored)
		ui_model_message(m, false, "listening to %s (%s), %lld ms",
				 c->id, c->mon_leg, (long long)c->mon_lat_ms);
	call_log(c, ev->t, false, "monitor %s %s, delay %lld ms (max %lld), "
		 "dropped %lld ms", c->monitored ? "on" : "off",
		 c->monitored ? c->mon_leg : "", (long long)c->mon_lat_ms,
		 (long long)c->mon_max_ms, (long long)c->mon_drop_ms);
}

/* Events about a call that the model knows. */
static void on_call_event(struct ui_model *m, struct ui_call *c,
			  const struct event *ev)
{
	const char *t = ev->type;

	if (!strcmp(t, "sdp.local"))
		set_sdp(&c->sdp_local, ev);
	else if (!strcmp(t, "sdp.remote"))
		set_sdp(&c->sdp_remote, ev);
	else if (!strncmp(t, "media.", 6))
		on_media(c, ev);
	else if (!strcmp(t, "rtp.stats"))
		on_stats(c, ev);
	else if (!strncmp(t, "dtmf.", 5))
		on_dtmf(c, ev, !strcmp(t, "dtmf.tx"));
	else if (!strncmp(t, "play.", 5))
		on_play(c, ev, !strcmp(t, "play.start"));
	else if (!strncmp(t, "rec.", 4))
		on_rec(c, ev, !strcmp(t, "rec.start"));
	else if (!strcmp(t, "monitor"))
		on_monitor(m, c, ev);
	else if (!strcmp(t, "monitor.stats"))
		monitor_figures(c, ev);
	else if (!strcmp(t, "error")) {
		call_log(c, ev->t, true, "%s: %s", event_str(ev, "what"),
			 event_str(ev, "detail"));
		ui_model_message(m, true, "%s/%s: %s: %s", ev->ua, c->id,
				 event_str(ev, "what"),
				 event_str(ev, "detail"));
	}
	else if (!strcmp(t, "transfer")) {
		const char *st = event_str(ev, "state");

		call_log(c, ev->t, str_is(st, "failed"), "transfer %s %s%s%s",
			 event_str(ev, "role"), st,
			 event_str(ev, "target") ? " " : "",
			 event_str(ev, "target") ? event_str(ev, "target") :
			 "");
		if (str_is(st, "asked"))
			ui_model_message(m, false, "%s/%s: asked to transfer "
					 "to %s: x, then --accept or --decline",
					 ev->ua, c->id,
					 event_str(ev, "target"));
	}
	else if (!strcmp(t, "pbx.route")) {
		const char *leg = event_str(ev, "leg");
		struct ui_call *o = leg ? ui_model_call(m, leg) : NULL;
		double code = 0;

		(void)event_dbl(ev, "code", &code);
		if (o) {
			str_copy(c->bridge, sizeof(c->bridge), o->id);
			str_copy(o->bridge, sizeof(o->bridge), c->id);
			call_log(c, ev->t, false, "bridged to %s: %s (%s) via %s",
				 o->id, event_str(ev, "callee"),
				 event_str(ev, "target"), event_str(ev, "via"));
			call_log(o, ev->t, false, "bridged from %s: %s",
				 c->id, event_str(ev, "caller"));
		}
		else {
			call_log(c, ev->t, true, "not routed: %s for %s",
				 code == 404 ? "404 unknown number" :
				 code == 480 ? "480 not registered" : "refused",
				 event_str(ev, "callee"));
		}
	}
	else if (!strcmp(t, "cdr")) {
		double bill = 0;

		(void)event_dbl(ev, "billsec", &bill);
		call_log(c, ev->t, false, "cdr: %s, %.1f s billed, hung up by "
			 "%s", event_str(ev, "disposition"), bill,
			 event_str(ev, "hangup_side"));
	}
	else if (!strcmp(t, "call.fork"))
		call_log(c, ev->t, false, "fork %s answered: %s",
			 event_str(ev, "to_tag"), event_str(ev, "action"));
}

static void on_other(struct ui_model *m, const struct event *ev)
{
	const char *t = ev->type;
	struct ui_inst *i;

	if (!strcmp(t, "error")) {
		ui_model_message(m, true, "%s%s%s: %s", ev->ua ? ev->ua : "",
				 ev->ua ? ": " : "", event_str(ev, "what"),
				 event_str(ev, "detail"));
	}
	else if (!strcmp(t, "pbx.reg")) {
		on_pbx_reg(m, ev);
	}
	else if (!strcmp(t, "reg.state")) {
		i = ui_model_inst(m, ev->ua);
		if (i)
			str_copy(i->reg, sizeof(i->reg),
				 event_str(ev, "state"));
	}
	else if (!strcmp(t, "scenario.fail")) {
		ui_model_message(m, true, "scenario line %s failed: %s",
				 event_str(ev, "line"), event_str(ev, "why"));
	}
	else if (!strcmp(t, "scenario.done")) {
		ui_model_message(m, false, "scenario done");
	}
}

void ui_model_event(const struct event *ev, void *arg)
{
	struct ui_model *m = arg;
	struct ui_call *c;

	if (ev->t > m->now)
		m->now = ev->t;
	m->dirty = true;

	if (!strcmp(ev->type, "ua.ready")) {
		on_ua_ready(m, ev);
		return;
	}
	if (!strcmp(ev->type, "call.state")) {
		on_call_state(m, ev);
		return;
	}
	if (!strcmp(ev->type, "sip.tx") || !strcmp(ev->type, "sip.rx")) {
		on_sip(m, ev, !strcmp(ev->type, "sip.tx"));
		return;
	}
	c = ev->call ? ui_model_call(m, ev->call) : NULL;
	/* The offer of an outgoing call is sent before its first state. */
	if (!c && ev->call && ev->ua && !strncmp(ev->type, "sdp.", 4))
		c = call_new(m, ev);
	if (c)
		on_call_event(m, c, ev);
	else
		on_other(m, ev);
}

void ui_model_tick(struct ui_model *m, double now)
{
	struct le *le = list_head(&m->calls);

	if ((uint64_t)now != (uint64_t)m->now)
		m->dirty = true;   /* the clocks on screen moved */
	if (now > m->now)
		m->now = now;

	while (le) {
		struct ui_call *c = le->data;

		le = le->next;
		if (!ui_call_alive(c) && m->now - c->gone_t >= UI_LINGER_S) {
			list_unlink(&c->le);
			--m->ncalls;
			mem_deref(c);
			m->dirty = true;
		}
	}
}
