#include <string.h>
#include <re.h>
#include "base/event.h"
#include "base/log.h"
#include "base/util.h"
#include "sip/app.h"
#include "sip/call.h"
#include "sip/instance.h"
#include "cmd.h"
#include "runner.h"
#include "scenario.h"

/* What expectations can match: the events that matter, per instance, in
 * arrival order.  Each chain has a cursor into it, so an event that came
 * during a `wait` still satisfies the `expect` after it. */
struct record {
	char ua[32];
	char call[16];           /* the call's id, "" for none */
	char label[32];          /* ... its label and "#N", which lines */
	char ordinal[12];        /* name it by (it may be gone by then) */
	bool used;               /* an expect took it */
	bool dtmf;
	bool xfer;               /* a transfer: what expect calls it in reg */
	char reg[16];            /* a reg.state; "" for the others */
	enum call_state state;
	int code;
	char digit;
};

struct chain {
	struct le le;
	struct runner *r;
	struct instance *inst;
	struct le *cur;          /* current step in the scenario list */
	size_t cursor;           /* first history record not yet consumed */
	bool expecting;
	struct tmr tmr;
};

struct runner {
	struct app *app;
	struct scenario *scn;
	struct evsub *sub;
	struct list chains;
	struct record *hist;
	size_t nhist, cap;
	unsigned active;
	bool over;
};

static void chain_run(void *arg);

static void chain_destructor(void *arg)
{
	struct chain *ch = arg;

	tmr_cancel(&ch->tmr);
	list_unlink(&ch->le);
}

static void runner_destructor(void *arg)
{
	struct runner *r = arg;

	mem_deref(r->sub);
	list_flush(&r->chains);
	mem_deref(r->hist);
	mem_deref(r->scn);
}

static struct scn_step *step_of(const struct chain *ch)
{
	return ch->cur ? ch->cur->data : NULL;
}

/* The next step of the same instance after LE (inclusive). */
static struct le *next_for(const struct chain *ch, struct le *le)
{
	for (; le; le = le->next) {
		const struct scn_step *st = le->data;
		if (!strcmp(st->inst, ch->inst->name))
			return le;
	}
	return NULL;
}

static void finish(struct runner *r, int code)
{
	struct le *le;

	if (r->over)
		return;
	r->over = true;

	for (le = r->chains.head; le; le = le->next) {
		struct chain *ch = le->data;
		tmr_cancel(&ch->tmr);
	}
	if (!code)
		evbus_emit(r->app->env.bus, "scenario.done", NULL, NULL,
			   EV_END);
	app_stop(r->app, code);
}

static void fail(struct chain *ch, const char *why)
{
	struct runner *r = ch->r;
	const struct scn_step *st = step_of(ch);

	if (r->over)
		return;

	log_error("%s:%u: %s: %s", r->scn->path, st->line, st->text, why);
	evbus_emit(r->app->env.bus, "scenario.fail", ch->inst->name, NULL,
		   EVI("line", st->line), EVS("text", st->text),
		   EVS("why", why), EV_END);
	finish(r, EXIT_FAILED);
}

static void advance(struct chain *ch)
{
	ch->expecting = false;
	ch->cur = next_for(ch, ch->cur->next);
	if (!ch->cur && --ch->r->active == 0)
		finish(ch->r, EXIT_OK);
}

static bool took(struct chain *ch, struct record *rec, size_t i)
{
	const struct scn_step *st = step_of(ch);

	rec->used = true;
	if (!st->call[0] && i + 1 > ch->cursor)
		ch->cursor = i + 1;
	return true;
}

static bool match(struct chain *ch, const struct scn_step *st)
{
	const struct expect *e = &st->exp;
	struct runner *r = ch->r;
	char got[sizeof(e->digits) * 2];
	size_t at[sizeof(got)];       /* where each digit of GOT is */
	const char *ref = st->call;
	size_t n = 0;

	/* An expect for one call looks at all that call's events not yet
	 * taken, as calls move in any order against each other; the
	 * others go on from the chain's cursor. */
	for (size_t i = ref[0] ? 0 : ch->cursor; i < r->nhist; i++) {
		struct record *rec = &r->hist[i];

		/* INSTANCE/CALL: only that call's events */
		if (rec->used || strcmp(rec->ua, ch->inst->name) ||
		    (ref[0] && strcmp(rec->call, ref) &&
		     strcmp(rec->label, ref) && strcmp(rec->ordinal, ref)))
			continue;

		if (e->kind == EXPECT_XFER && rec->xfer &&
		    !strcmp(rec->reg, e->reg) &&
		    (e->code < 0 || e->code == rec->code)) {
			return took(ch, rec, i);
		}

		if (e->kind == EXPECT_REG && !rec->xfer &&
		    !strcmp(rec->reg, e->reg) &&
		    (e->code < 0 || e->code == rec->code)) {
			return took(ch, rec, i);
		}

		if (e->kind == EXPECT_STATE && !rec->dtmf && !rec->reg[0] &&
		    !rec->xfer &&
		    rec->state == e->state &&
		    (e->code < 0 || e->code == rec->code)) {
			return took(ch, rec, i);
		}

		if (e->kind == EXPECT_DTMF && rec->dtmf &&
		    n < sizeof(got) - 1) {
			at[n] = i;
			got[n++] = rec->digit;
			got[n] = '\0';
			if (strstr(got, e->digits)) {
				/* every digit of the match is taken, so a
				 * second expect for the call needs new ones */
				for (size_t k = n - strlen(e->digits); k < n;
				     k++)
					r->hist[at[k]].used = true;
				return took(ch, rec, i);
			}
		}
	}
	return false;
}

static void expect_timeout(void *arg)
{
	struct chain *ch = arg;
	const struct scn_step *st = step_of(ch);
	char why[128];

	re_snprintf(why, sizeof(why), "timed out after %llu ms",
		    (unsigned long long)st->exp.timeout_ms);
	fail(ch, why);
}

static void wait_done(void *arg)
{
	struct chain *ch = arg;

	advance(ch);
	chain_run(ch);
}

static void chain_run(void *arg)
{
	struct chain *ch = arg;
	struct runner *r = ch->r;
	const struct scn_step *st;
	char err[256];

	while (!r->over && (st = step_of(ch)) != NULL) {

		if (!ch->expecting)
			evbus_emit(r->app->env.bus, "scenario.step",
				   ch->inst->name, NULL, EVI("line", st->line),
				   EVS("text", st->text), EV_END);

		if (!strcmp(st->cmd->verb, "wait")) {
			tmr_start(&ch->tmr, st->wait_ms, wait_done, ch);
			return;
		}

		if (!strcmp(st->cmd->verb, "expect")) {
			if (!match(ch, st)) {
				ch->expecting = true;
				tmr_start(&ch->tmr, st->exp.timeout_ms,
					  expect_timeout, ch);
				return;
			}
			tmr_cancel(&ch->tmr);
			advance(ch);
			continue;
		}

		if (cmd_exec(r->app, ch->inst, st->cmd, st->call, st->args,
			     err, sizeof(err))) {
			fail(ch, err[0] ? err : "failed");
			return;
		}
		advance(ch);
	}
}

static void push(struct runner *r, const struct record *rec)
{
	if (r->nhist == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		/* libre's mem_realloc() does not accept NULL. */
		struct record *h = r->hist ?
			mem_realloc(r->hist, cap * sizeof(*h)) :
			mem_zalloc(cap * sizeof(*h), NULL);
		if (!h)
			return;
		r->hist = h;
		r->cap = cap;
	}
	r->hist[r->nhist++] = *rec;
}

/* A transfer event as what `expect` calls it: transferred,
 * transfer_failed, referred, replaced. */
static void push_transfer(struct runner *r, struct record *rec,
			  const struct event *ev)
{
	const char *state = event_str(ev, "state");
	const char *role = event_str(ev, "role");
	int64_t code;

	if (!state || !role)
		return;
	rec->xfer = true;
	if (event_int(ev, "code", &code) && code > 0)
		rec->code = (int)code;

	if (!strcmp(state, "referred"))
		str_copy(rec->reg, sizeof(rec->reg), "referred");
	else if (!strcmp(state, "succeeded"))
		str_copy(rec->reg, sizeof(rec->reg), "transferred");
	else if (!strcmp(state, "failed") || !strcmp(state, "declined"))
		str_copy(rec->reg, sizeof(rec->reg), "transfer_failed");
	else if (!strcmp(state, "replaced"))
		str_copy(rec->reg, sizeof(rec->reg), "replaced");
	else
		return;
	push(r, rec);
}

static void event_handler(const struct event *ev, void *arg)
{
	struct runner *r = arg;
	struct record rec;
	const char *s;
	int64_t code;
	struct le *le;

	if (r->over || !ev->ua)
		return;

	memset(&rec, 0, sizeof(rec));
	str_copy(rec.ua, sizeof(rec.ua), ev->ua);
	str_copy(rec.call, sizeof(rec.call), ev->call ? ev->call : "");
	rec.code = -1;
	if (ev->call) {
		/* the call is still there while its events are emitted */
		const struct call *call =
			instance_call(app_instance(r->app, ev->ua), ev->call);

		if (call_label(call))
			str_copy(rec.label, sizeof(rec.label),
				 call_label(call));
		if (call)
			re_snprintf(rec.ordinal, sizeof(rec.ordinal), "#%u",
				    call_ordinal(call));
	}

	if (!strcmp(ev->type, "call.state")) {
		s = event_str(ev, "state");
		if (!s || call_state_parse(&rec.state, s))
			return;
		if (event_int(ev, "code", &code))
			rec.code = (int)code;
		push(r, &rec);
	}
	else if (!strcmp(ev->type, "reg.state")) {
		s = event_str(ev, "state");
		if (!s || !*s)
			return;
		str_copy(rec.reg, sizeof(rec.reg), s);
		if (event_int(ev, "code", &code))
			rec.code = (int)code;
		push(r, &rec);
	}
	else if (!strcmp(ev->type, "dtmf.rx")) {
		s = event_str(ev, "digit");
		if (!s || !*s)
			return;
		rec.dtmf = true;
		rec.digit = s[0];
		push(r, &rec);
	}
	else if (!strcmp(ev->type, "transfer")) {
		push_transfer(r, &rec, ev);
	}
	else {
		return;
	}

	/* Chains waiting on this instance try again on the next loop turn:
	 * we may be inside a libre callback here. */
	for (le = r->chains.head; le; le = le->next) {
		struct chain *ch = le->data;
		if (ch->expecting && !strcmp(ch->inst->name, ev->ua) &&
		    match(ch, step_of(ch))) {
			advance(ch);
			tmr_start(&ch->tmr, 0, chain_run, ch);
		}
	}
}

int runner_start(struct runner **rp, struct app *app, struct scenario *scn)
{
	struct runner *r;
	struct le *le;
	int err;

	if (!rp || !app || !scn)
		return EINVAL;

	r = mem_zalloc(sizeof(*r), runner_destructor);
	if (!r)
		return ENOMEM;

	r->app = app;
	r->scn = mem_ref(scn);

	err = evbus_subscribe(&r->sub, app->env.bus, event_handler, r);
	if (err)
		goto out;

	for (le = app->instances.head; le; le = le->next) {
		struct instance *inst = le->data;
		struct chain *ch;

		ch = mem_zalloc(sizeof(*ch), chain_destructor);
		if (!ch) {
			err = ENOMEM;
			goto out;
		}
		ch->r = r;
		ch->inst = inst;
		tmr_init(&ch->tmr);
		ch->cur = next_for(ch, scn->steps.head);
		list_append(&r->chains, &ch->le, ch);
		if (ch->cur)
			++r->active;
	}

	/* Every chain starts on the first loop turn, together. */
	for (le = r->chains.head; le; le = le->next) {
		struct chain *ch = le->data;
		if (ch->cur)
			tmr_start(&ch->tmr, 0, chain_run, ch);
	}

 out:
	if (err)
		mem_deref(r);
	else
		*rp = r;
	return err;
}

void runner_abort(struct runner *r, const char *why)
{
	if (!r || r->over)
		return;

	log_error("%s: %s", r->scn->path, why);
	evbus_emit(r->app->env.bus, "scenario.fail", NULL, NULL,
		   EVI("line", 0), EVS("text", ""), EVS("why", why), EV_END);
	finish(r, EXIT_FAILED);
}
