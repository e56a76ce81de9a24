/* The application object: the services every instance shares (ua.h's
 * env: configuration, event bus, pacing scheduler, recording writer,
 * loader, monitor) and the instances.  Everything here lives on the
 * re_main thread. */
#ifndef SIPFLOW_APP_H
#define SIPFLOW_APP_H

#include <stdbool.h>
#include <stdio.h>
#include <re.h>
#include "ua.h"

struct instance;

/* Exit statuses (sipflow(1)). */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,     /* a scenario step or expectation failed */
	EXIT_USAGE = 2,      /* usage or configuration error */
	EXIT_RUNTIME = 3,    /* runtime error, e.g. a port in use */
};

struct app {
	struct ua_env env;         /* lent to every instance */
	struct list instances;
	struct tmr tmr_second;
	struct tmr tmr_quit;
	bool stopping;
	int exit_code;
	unsigned closing;         /* instances still finishing transactions */
	/* What quitting means (the console's q): set while a scenario runs,
	 * which then fails as interrupted; NULL stops with exit 0. */
	void (*quit_h)(struct app *app, void *arg);
	void *quit_arg;
};

/* Allow as many sockets as the system lets us (two per RTP stream), and
 * size libre's fd table to match.  Call right after libre_init(). */
int  app_raise_fd_limit(void);
int  app_alloc(struct app **ap, struct conf *conf);
/* Bind every instance.  On failure ERR names the instance and port. */
int  app_start(struct app *app, char *err, size_t errsz);
struct instance *app_instance(const struct app *app, const char *name);
/* Turn a call target into a SIP URI: a full sip:/sips: URI as given, an
 * instance name or a local user number, or user@host. */
int  app_resolve_target(const struct app *app, const char *target,
			char *uri, size_t size);
/* Hang up every call, let transactions finish (bounded), then leave
 * re_main with CODE.  A second call forces the exit. */
void app_stop(struct app *app, int code);
/* The operator quits: quit_h if set, else app_stop(app, EXIT_OK). */
void app_quit(struct app *app);

#endif
