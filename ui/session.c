/* The operator's session as a scenario.  Each instance's actions become
 * its chain, separated by the waits that really passed; an action on a
 * call first waits for the call the way the operator did (an incoming
 * call is expected before it is answered, an established one before it
 * is hung up), so the replay keeps the order whatever the timing. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <re.h>
#include "base/event.h"
#include "base/util.h"
#include "session.h"

struct sess_call {
	struct le le;
	char id[16];
	char ua[32];
	unsigned ordinal;       /* the instance's Nth call: "#N" */
	bool in;
	double t_incoming;      /* 0: never */
	double t_established;   /* the first time, 0: never */
	bool seen_incoming;     /* the chain already expects it (save) */
	bool seen_established;
};

struct sess_action {
	struct le le;
	double t;
	char inst[32];
	char call[16];
	char verb[16];
	char args[256];
};

struct session {
	struct list actions;
	struct list calls;
	struct evsub *sub;
	unsigned n;
};

/* An expect gets the default timeout unless the operator took longer. */
enum { EXPECT_DEFAULT_S = 10 };

static void session_destructor(void *arg)
{
	struct session *s = arg;

	mem_deref(s->sub);
	list_flush(&s->actions);
	list_flush(&s->calls);
}

static struct sess_call *find_call(const struct session *s, const char *id)
{
	struct le *le;

	for (le = list_tail(&s->calls); id && le; le = le->prev) {
		struct sess_call *c = le->data;
		if (!strcmp(c->id, id))
			return c;
	}
	return NULL;
}

static unsigned calls_of(const struct session *s, const char *ua)
{
	unsigned n = 0;

	for (struct le *le = list_head(&s->calls); le; le = le->next) {
		const struct sess_call *c = le->data;
		n += !strcmp(c->ua, ua);
	}
	return n;
}

static void event_handler(const struct event *ev, void *arg)
{
	struct session *s = arg;
	struct sess_call *c;
	const char *state;

	if (strcmp(ev->type, "call.state") || !ev->call)
		return;
	state = event_str(ev, "state");
	c = find_call(s, ev->call);
	if (!c) {
		c = mem_zalloc(sizeof(*c), NULL);
		if (!c)
			return;
		str_copy(c->id, sizeof(c->id), ev->call);
		str_copy(c->ua, sizeof(c->ua), ev->ua ? ev->ua : "");
		c->ordinal = calls_of(s, c->ua) + 1;
		list_append(&s->calls, &c->le, c);
	}
	if (state && !strcmp(state, "incoming")) {
		c->in = true;
		c->t_incoming = ev->t;
	}
	if (state && !strcmp(state, "established") && !c->t_established)
		c->t_established = ev->t;
}

int session_alloc(struct session **sp, struct evbus *bus)
{
	struct session *s = mem_zalloc(sizeof(*s), session_destructor);
	int e;

	if (!s)
		return ENOMEM;
	e = evbus_subscribe(&s->sub, bus, event_handler, s);
	if (e) {
		mem_deref(s);
		return e;
	}
	*sp = s;
	return 0;
}

void session_action(struct session *s, double t, const char *inst,
		    const char *call, const char *verb, const char *args)
{
	struct sess_action *a = mem_zalloc(sizeof(*a), NULL);

	if (!a)
		return;
	a->t = t;
	str_copy(a->inst, sizeof(a->inst), inst);
	str_copy(a->call, sizeof(a->call), call);
	str_copy(a->verb, sizeof(a->verb), verb);
	str_copy(a->args, sizeof(a->args), args);
	list_append(&s->actions, &a->le, a);
	++s->n;
}

unsigned session_count(const struct session *s)
{
	return s->n;
}

/* Each instance's chain: where it stands in time, and whether its
 * lines name their call (the instance had more than one). */
struct chain {
	char inst[32];
	double last_t;
	bool several;
};

static struct chain *chain_of(struct chain *ch, size_t *n, size_t max,
			      const char *inst)
{
	for (size_t i = 0; i < *n; i++) {
		if (!strcmp(ch[i].inst, inst))
			return &ch[i];
	}
	if (*n >= max)
		return NULL;
	str_copy(ch[*n].inst, sizeof(ch[*n].inst), inst);
	ch[*n].last_t = 0;
	return &ch[(*n)++];
}

/* "INSTANCE" or, when the instance had several calls, "INSTANCE/#N":
 * the replay's calls come in the same order, so #N names the same one. */
static const char *who(const struct chain *ch, const struct sess_call *c)
{
	static char buf[48];

	if (!ch->several || !c)
		return ch->inst;
	re_snprintf(buf, sizeof(buf), "%s/#%u", ch->inst, c->ordinal);
	return buf;
}

static void write_expect(FILE *f, struct chain *ch, const struct sess_call *c,
			 const char *what, double t)
{
	double waited = t - ch->last_t;

	/* Wait as long as the operator did, and then some. */
	if (waited > EXPECT_DEFAULT_S * 0.6)
		fprintf(f, "%s: expect %s %.0fs\n", who(ch, c), what,
			ceil(waited * 1.5 + 5));
	else
		fprintf(f, "%s: expect %s\n", who(ch, c), what);
	ch->last_t = t;
}

/* Verbs that act on a call before it is established. */
static bool sets_up(const char *verb)
{
	static const char *const v[] = {"answer", "ring", "progress",
					"reject"};

	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		if (!strcmp(verb, v[i]))
			return true;
	}
	return false;
}

/* The action's arguments for the replay: a call id in them (transfer
 * --attended c5) becomes the #N of that call. */
static const char *args_of(const struct session *s, const struct chain *ch,
			   const struct sess_action *a)
{
	static char buf[300];
	const struct sess_call *c;
	const char *id;

	if (strcmp(a->verb, "transfer") ||
	    strncmp(a->args, "--attended ", 11))
		return a->args;
	id = a->args + 11;
	c = find_call(s, id);
	if (!c || strcmp(c->ua, ch->inst))
		return a->args;
	re_snprintf(buf, sizeof(buf), "--attended #%u", c->ordinal);
	return buf;
}

static void write_action(FILE *f, const struct session *s, struct chain *ch,
			 const struct sess_action *a, struct sess_call *c)
{
	uint64_t ms;

	if (c && c->in && c->t_incoming > 0 && !c->seen_incoming) {
		write_expect(f, ch, c, "incoming", c->t_incoming);
		c->seen_incoming = true;
	}
	/* Answering is what establishes the call: no expect before it. */
	if (c && c->t_established > 0 && c->t_established <= a->t &&
	    !c->seen_established && !sets_up(a->verb)) {
		write_expect(f, ch, c, "established", c->t_established);
		c->seen_established = true;
	}

	ms = a->t > ch->last_t ? (uint64_t)((a->t - ch->last_t) * 1000 + 0.5)
		: 0;
	if (ms >= 10)
		fprintf(f, "%s: wait %llums\n", ch->inst,
			(unsigned long long)ms);
	fprintf(f, "%s: %s%s%s\n", who(ch, c), a->verb, a->args[0] ? " " : "",
		args_of(s, ch, a));
	ch->last_t = a->t;
}

int session_save(struct session *s, const char *path,
		 const char *opts)
{
	struct chain chains[64];
	size_t nchains = 0;
	struct le *le;
	char when[64];
	time_t now = time(NULL);
	FILE *f;
	int e = 0;

	f = fopen(path, "w");
	if (!f)
		return errno;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&now));
	fprintf(f, "# sipflow session saved %s: %u actions\n", when, s->n);
	fprintf(f, "# replay: sipflow -H%s -s %s\n", opts ? opts : "", path);

	/* Every save starts the chains afresh. */
	for (le = list_head(&s->calls); le; le = le->next) {
		struct sess_call *c = le->data;
		c->seen_incoming = c->seen_established = false;
	}

	for (le = list_head(&s->actions); le; le = le->next) {
		const struct sess_action *a = le->data;
		struct chain *ch = chain_of(chains, &nchains,
					    ARRAY_SIZE(chains), a->inst);

		if (!ch)
			continue;
		ch->several = calls_of(s, ch->inst) > 1;
		write_action(f, s, ch, a, a->call[0] ?
			     find_call(s, a->call) : NULL);
	}

	if (ferror(f))
		e = EIO;
	if (fclose(f) && !e)
		e = errno;
	return e;
}
