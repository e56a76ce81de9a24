#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <re.h>
#include "event.h"
#include "log.h"
#include "util.h"

static const struct event_type types[] = {
	{"ua.ready",       "addr aor source mode",
	 "an instance is listening (mode: ua, or pbx)"},
	{"reg.state",      "state registrar aor expires code reason",
	 "registration: registering, registered (expires: seconds granted), "
	 "failed (code, reason) or unregistered"},
	{"call.state",     "state dir peer sip_callid code reason by hold "
			   "label",
	 "a call changed state (hold: local, remote or both while held)"},
	{"transfer",       "role state code reason target other",
	 "a transfer moved: as transferor (requested, accepted, progress, "
	 "succeeded, failed), transferee (referred, asked, calling, progress, "
	 "succeeded, failed, declined) or target (replaced)"},
	{"pbx.reg",        "user contact state expires remote",
	 "a PBX's registrar changed a binding: registered, refreshed, "
	 "unregistered or expired"},
	{"pbx.route",      "caller callee target via code leg",
	 "a PBX routed a call (via registered, instance or route; leg: the "
	 "callee's) or refused it (code)"},
	{"cdr",            "start answer end caller callee disposition "
			   "duration billsec code reason hangup_side "
			   "codec_caller codec_callee recording sip_callid "
			   "leg_caller leg_callee",
	 "a PBX call ended: its call record, as the cdr file has it"},
	{"call.fork",      "sip_callid to_tag action",
	 "a 2xx from a second fork was answered with ACK and BYE"},
	{"sdp.local",      "sdp", "the SDP we sent"},
	{"sdp.remote",     "sdp", "the SDP we received"},
	{"media.start",    "codec pt local remote dir",
	 "media started (once per dialog)"},
	{"media.update",   "codec pt local remote dir",
	 "codec, address or direction changed"},
	{"rtp.stats",      "tx_pkts tx_bytes rx_pkts rx_bytes lost ooo "
			   "jitter_ms rx_pt concealed jb_dropped dir",
	 "per stream, every second"},
	{"dtmf.tx",        "digit method duration_ms", "a digit was sent"},
	{"dtmf.rx",        "digit method duration_ms", "a digit was received"},
	{"play.start",     "file", "playback started"},
	{"play.end",       "file reason",
	 "playback ended (end, stopped, replaced, hangup)"},
	{"rec.start",      "path mode", "recording started"},
	{"rec.stop",       "path seconds dropped reason error",
	 "recording stopped (stopped, hangup, error, replaced)"},
	{"monitor",        "on leg latency_ms max_latency_ms ceiling_ms "
			   "feed_late_ms rate underruns dropped_ms",
	 "local monitoring changed (device latency and rate when on)"},
	{"monitor.stats",  "on leg latency_ms max_latency_ms ceiling_ms "
			   "feed_late_ms rate underruns dropped_ms",
	 "while a leg is monitored, every second"},
	{"sip.tx",         "first_line cseq sip_callid remote retrans",
	 "a SIP message was sent"},
	{"sip.rx",         "first_line cseq sip_callid remote retrans",
	 "a SIP message was received"},
	{"options.result", "target code reason rtt_ms",
	 "the answer to an `options` ping (code 0: none came)"},
	{"scenario.step",  "line text", "a scenario line started"},
	{"scenario.fail",  "line text why", "a scenario line failed"},
	{"scenario.done",  "", "every scenario line ran"},
	{"error",          "what detail", "something went wrong"},
};

struct evbus {
	struct list subs;
	uint64_t t0;
	double fixed_t;   /* >= 0: a test's clock (evbus_set_time) */
};

struct evsub {
	struct le le;
	event_h *h;
	void *arg;
};

static void bus_destructor(void *arg)
{
	struct evbus *bus = arg;

	/* Subscribers are owned by whoever subscribed; just detach them. */
	while (bus->subs.head)
		list_unlink(bus->subs.head);
}

static void sub_destructor(void *arg)
{
	struct evsub *sub = arg;

	list_unlink(&sub->le);
}

int evbus_alloc(struct evbus **busp)
{
	struct evbus *bus;

	if (!busp)
		return EINVAL;

	bus = mem_zalloc(sizeof(*bus), bus_destructor);
	if (!bus)
		return ENOMEM;

	bus->t0 = now_ns();
	bus->fixed_t = -1;
	*busp = bus;
	return 0;
}

int evbus_subscribe(struct evsub **subp, struct evbus *bus,
		    event_h *h, void *arg)
{
	struct evsub *sub;

	if (!subp || !bus || !h)
		return EINVAL;

	sub = mem_zalloc(sizeof(*sub), sub_destructor);
	if (!sub)
		return ENOMEM;

	sub->h = h;
	sub->arg = arg;
	list_append(&bus->subs, &sub->le, sub);
	*subp = sub;
	return 0;
}

bool evbus_has_subscribers(const struct evbus *bus)
{
	return bus && bus->subs.head;
}

double evbus_time(const struct evbus *bus)
{
	if (bus && bus->fixed_t >= 0)
		return bus->fixed_t;
	return bus ? (double)(now_ns() - bus->t0) / 1e9 : 0.0;
}

void evbus_set_time(struct evbus *bus, double t)
{
	bus->fixed_t = t;
}

const struct event_type *event_type_find(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(types); i++) {
		if (!strcmp(types[i].name, name))
			return &types[i];
	}
	return NULL;
}

static bool field_declared(const struct event_type *et, const char *key)
{
	size_t kl = strlen(key);
	const char *p = et->fields;

	while (*p) {
		size_t l = strcspn(p, " ");
		if (l == kl && !strncmp(p, key, kl))
			return true;
		p += l;
		while (*p == ' ')
			++p;
	}
	return false;
}

void evbus_emit(struct evbus *bus, const char *type, const char *ua,
		const char *call, ...)
{
	const struct event_type *et = event_type_find(type);
	struct event ev;
	struct le *le;
	const char *key;
	va_list ap;
	int err = 0;

	if (!bus || !bus->subs.head)
		return;

	if (!et) {
		re_fprintf(stderr, "sipflow: BUG: unknown event type %s\n",
			   type);
		return;
	}

	ev.type = et->name;
	ev.t = evbus_time(bus);
	ev.ua = ua;
	ev.call = call;
	ev.fields = NULL;

	err = odict_alloc(&ev.fields, 8);
	if (err)
		return;

	va_start(ap, call);
	while (!err && (key = va_arg(ap, const char *)) != NULL) {
		enum ev_kind kind = va_arg(ap, int);

		if (!field_declared(et, key)) {
			re_fprintf(stderr, "sipflow: BUG: field %s not "
				   "declared for %s\n", key, type);
			err = EINVAL;
			break;
		}

		switch (kind) {

		case EV_STR: {
			const char *s = va_arg(ap, const char *);
			err = odict_entry_add(ev.fields, key, ODICT_STRING,
					      s ? s : "");
			break;
		}
		case EV_STR_OPT: {
			const char *s = va_arg(ap, const char *);
			if (s)
				err = odict_entry_add(ev.fields, key,
						      ODICT_STRING, s);
			break;
		}
		case EV_INT: {
			int64_t v = va_arg(ap, int64_t);
			err = odict_entry_add(ev.fields, key, ODICT_INT, v);
			break;
		}
		case EV_DBL: {
			double v = va_arg(ap, double);
			err = odict_entry_add(ev.fields, key, ODICT_DOUBLE, v);
			break;
		}
		case EV_BOOL: {
			int v = va_arg(ap, int);
			err = odict_entry_add(ev.fields, key, ODICT_BOOL,
					      (bool)(v != 0));
			break;
		}
		default:
			err = EINVAL;
			break;
		}
	}
	va_end(ap);

	if (!err) {
		le = bus->subs.head;
		while (le) {
			struct evsub *sub = le->data;
			le = le->next;  /* a handler may unsubscribe itself */
			sub->h(&ev, sub->arg);
		}
	}

	mem_deref(ev.fields);
}

void evbus_error(struct evbus *bus, const char *ua, const char *call,
		 const char *what, const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	(void)re_vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);

	log_warn("%s%s%s: %s: %s", ua ? ua : "", call ? "/" : "",
		 call ? call : "", what, detail);
	evbus_emit(bus, "error", ua, call, EVS("what", what),
		   EVS("detail", detail), EV_END);
}

const char *event_str(const struct event *ev, const char *key)
{
	return ev ? odict_string(ev->fields, key) : NULL;
}

bool event_int(const struct event *ev, const char *key, int64_t *v)
{
	const struct odict_entry *e;

	if (!ev || !v)
		return false;
	e = odict_lookup(ev->fields, key);
	if (!e || e->type != ODICT_INT)
		return false;
	*v = e->u.integer;
	return true;
}

bool event_dbl(const struct event *ev, const char *key, double *v)
{
	const struct odict_entry *e;

	if (!ev || !v)
		return false;
	e = odict_lookup(ev->fields, key);
	if (!e)
		return false;
	if (e->type == ODICT_DOUBLE)
		*v = e->u.dbl;
	else if (e->type == ODICT_INT)
		*v = (double)e->u.integer;
	else
		return false;
	return true;
}

bool event_bool(const struct event *ev, const char *key)
{
	const struct odict_entry *e;

	e = ev ? odict_lookup(ev->fields, key) : NULL;
	return e && e->type == ODICT_BOOL && e->u.boolean;
}

/* A JSON string of any bytes a peer sent: quotes, backslashes and
 * controls escaped, valid UTF-8 as it is, every byte that is not valid
 * UTF-8 as U+FFFD, so the stream stays valid JSON whatever came in. */
static int print_str(struct re_printf *pf, const char *s)
{
	size_t n = s ? strlen(s) : 0, i = 0;
	int err = re_hprintf(pf, "\"");

	while (!err && i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t k = utf8_seq_len(s + i, n - i), run = 0;

		/* the common case: a run that needs nothing, in one piece */
		while (k && c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) {
			run += k;
			if (i + run == n)
				break;
			c = (unsigned char)s[i + run];
			k = utf8_seq_len(s + i + run, n - i - run);
		}
		if (run) {
			err = re_hprintf(pf, "%b", s + i, run);
			i += run;
			continue;
		}

		/* one byte that needs something */
		if (c == '"' || c == '\\')
			err = re_hprintf(pf, "\\%c", c);
		else if (c == '\n')
			err = re_hprintf(pf, "\\n");
		else if (c == '\r')
			err = re_hprintf(pf, "\\r");
		else if (c == '\t')
			err = re_hprintf(pf, "\\t");
		else if (c < 0x20 || c == 0x7f)
			err = re_hprintf(pf, "\\u%04x", c);
		else
			err = re_hprintf(pf, "\\ufffd");   /* not UTF-8 */
		i += 1;
	}
	return err | re_hprintf(pf, "\"");
}

int event_print_json(struct re_printf *pf, const struct event *ev)
{
	struct le *le;
	int err;

	err = re_hprintf(pf, "{\"t\":%.3f,\"ev\":\"%s\"", ev->t, ev->type);
	if (ev->ua) {
		err |= re_hprintf(pf, ",\"ua\":");
		err |= print_str(pf, ev->ua);
	}
	if (ev->call) {
		err |= re_hprintf(pf, ",\"call\":");
		err |= print_str(pf, ev->call);
	}

	for (le = ev->fields->lst.head; le && !err; le = le->next) {
		const struct odict_entry *e = le->data;

		err |= re_hprintf(pf, ",");
		err |= print_str(pf, e->key);
		err |= re_hprintf(pf, ":");

		switch (e->type) {

		case ODICT_STRING:
			err |= print_str(pf, e->u.str);
			break;
		case ODICT_INT:
			err |= re_hprintf(pf, "%lld", (long long)e->u.integer);
			break;
		case ODICT_DOUBLE:
			/* JSON has no NaN or infinity */
			err |= isfinite(e->u.dbl) ?
				re_hprintf(pf, "%.3f", e->u.dbl) :
				re_hprintf(pf, "null");
			break;
		case ODICT_BOOL:
			err |= re_hprintf(pf, "%s", e->u.boolean ?
					  "true" : "false");
			break;
		default:
			err |= re_hprintf(pf, "null");
			break;
		}
	}

	err |= re_hprintf(pf, "}");
	return err;
}

struct evlog {
	struct evsub *sub;
	FILE *f;
};

static void evlog_destructor(void *arg)
{
	struct evlog *log = arg;

	mem_deref(log->sub);
	if (log->f)
		fflush(log->f);
}

static void evlog_handler(const struct event *ev, void *arg)
{
	struct evlog *log = arg;

	re_fprintf(log->f, "%H\n", event_print_json, ev);
	fflush(log->f);
}

int evlog_alloc(struct evlog **logp, struct evbus *bus, FILE *f)
{
	struct evlog *log;
	int err;

	if (!logp || !bus || !f)
		return EINVAL;

	log = mem_zalloc(sizeof(*log), evlog_destructor);
	if (!log)
		return ENOMEM;

	log->f = f;
	err = evbus_subscribe(&log->sub, bus, evlog_handler, log);
	if (err) {
		mem_deref(log);
		return err;
	}

	*logp = log;
	return 0;
}
