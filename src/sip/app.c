#include <sys/resource.h>
#include <string.h>
#include <re.h>
#include "base/event.h"
#include "base/util.h"
#include "media/loader.h"
#include "media/monitor.h"
#include "media/recorder.h"
#include "media/sched.h"
#include "media/stream.h"
#include "app.h"
#include "call.h"
#include "conf.h"
#include "instance.h"
#include "pbx.h"

enum {
	STOP_GRACE_MS = 3000,   /* longest we wait for BYE transactions */
	PACING_US = 20000,
};

static void destructor(void *arg)
{
	struct app *app = arg;

	tmr_cancel(&app->tmr_second);
	tmr_cancel(&app->tmr_quit);
	list_flush(&app->instances);
	/* after the calls: it drains and closes what they recorded */
	mem_deref(app->env.recw);
	mem_deref(app->env.loader);
	mem_deref(app->env.monitor);
	mem_deref(app->env.sched);
	mem_deref(app->env.bus);
	mem_deref(app->env.conf);
}

int app_raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return errno;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur > 1 << 20)
		rl.rlim_cur = 1 << 20;
	return fd_setsize((int)rl.rlim_cur);
}

/* The writer thread gave up on recording ID (disk full, I/O error). */
static void rec_error_handler(unsigned id, int err, void *arg)
{
	struct app *app = arg;
	struct le *le, *cle;

	for (le = app->instances.head; le; le = le->next) {
		struct instance *inst = le->data;

		for (cle = inst->calls.head; cle; cle = cle->next) {
			struct call *call = cle->data;

			if (!stream_record_failed(call_stream(call), id, err))
				continue;
			evbus_error(app->env.bus, inst->name, call_id(call),
				    "record", "recording stopped: %m", err);
			return;
		}
	}
}

int app_alloc(struct app **ap, struct conf *conf)
{
	struct app *app;
	int err;

	if (!ap || !conf)
		return EINVAL;

	app = mem_zalloc(sizeof(*app), destructor);
	if (!app)
		return ENOMEM;

	app->env.conf = mem_ref(conf);
	app->env.transport_for = instance_transport_for;
	app->env.instances = &app->instances;
	tmr_init(&app->tmr_second);
	tmr_init(&app->tmr_quit);

	err = evbus_alloc(&app->env.bus);
	if (!err)
		err = sched_alloc(&app->env.sched, PACING_US);
	if (!err)
		err = loader_alloc(&app->env.loader);
	if (!err)
		err = recwriter_alloc(&app->env.recw, rec_error_handler, app);

	if (err)
		mem_deref(app);
	else
		*ap = app;
	return err;
}

static void second_handler(void *arg)
{
	struct app *app = arg;
	uint64_t now = now_ns();
	struct le *le, *cle;

	tmr_start(&app->tmr_second, 1000, second_handler, app);

	for (le = app->instances.head; le; le = le->next) {
		struct instance *inst = le->data;

		for (cle = inst->calls.head; cle; ) {
			struct call *call = cle->data;
			cle = cle->next;
			call_second(call, now);
		}
		if (inst->pbx)
			pbx_second(inst->pbx, now);
	}
}

/* An instance finished closing. */
static void instance_closed(void *arg)
{
	struct app *app = arg;

	if (app->closing && --app->closing == 0) {
		tmr_cancel(&app->tmr_quit);
		re_cancel();
	}
}

int app_start(struct app *app, char *err, size_t errsz)
{
	struct le *le;
	int e;

	for (le = app->env.conf->instances.head; le; le = le->next) {
		struct instance *inst;

		e = instance_alloc(&inst, &app->env, le->data,
				   instance_closed, app, err, errsz);
		if (e)
			return e;
		list_append(&app->instances, &inst->le, inst);
	}

	tmr_start(&app->tmr_second, 1000, second_handler, app);
	return 0;
}

struct instance *app_instance(const struct app *app, const char *name)
{
	struct le *le;

	for (le = app->instances.head; le; le = le->next) {
		struct instance *inst = le->data;
		if (!strcmp(inst->name, name))
			return inst;
	}
	return NULL;
}

static const struct instance *instance_by_user(const struct app *app,
					       const char *user)
{
	struct le *le;

	for (le = app->instances.head; le; le = le->next) {
		const struct instance *inst = le->data;
		if (!strcmp(inst->cfg->user, user))
			return inst;
	}
	return NULL;
}

int app_resolve_target(const struct app *app, const char *target,
		       char *uri, size_t size)
{
	const struct instance *inst;

	if (!target || !*target)
		return EINVAL;

	if (!strncmp(target, "sip:", 4) || !strncmp(target, "sips:", 5)) {
		struct pl pl;
		struct uri u;

		pl_set_str(&pl, target);
		if (uri_decode(&u, &pl))
			return EINVAL;
		str_copy(uri, size, target);
		return 0;
	}

	inst = app_instance(app, target);
	if (!inst)
		inst = instance_by_user(app, target);
	if (inst) {
		str_copy(uri, size, inst->aor);
		return 0;
	}

	if (strchr(target, '@')) {
		re_snprintf(uri, size, "sip:%s", target);
		return 0;
	}

	return ENOENT;
}

static void quit_handler(void *arg)
{
	(void)arg;
	re_cancel();
}

void app_stop(struct app *app, int code)
{
	struct le *le;

	if (app->stopping) {
		/* Asked twice (a second Ctrl-C): leave now. */
		re_cancel();
		return;
	}

	app->stopping = true;
	app->exit_code = code;
	tmr_cancel(&app->tmr_second);

	app->closing = list_count(&app->instances);
	for (le = app->instances.head; le; le = le->next)
		instance_close(le->data);

	tmr_start(&app->tmr_quit, STOP_GRACE_MS, quit_handler, app);
	if (!app->closing)
		re_cancel();
}

void app_quit(struct app *app)
{
	if (app->quit_h && !app->stopping)
		app->quit_h(app, app->quit_arg);
	else
		app_stop(app, app->stopping ? app->exit_code : EXIT_OK);
}
