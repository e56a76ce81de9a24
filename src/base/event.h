/* The event stream: one bus, many subscribers (JSON writer, scenario
 * runner, console).  The core emits; it never knows who listens. */
#ifndef SIPFLOW_EVENT_H
#define SIPFLOW_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct re_printf;

struct odict;
struct evbus;
struct evsub;

struct event {
	const char *type;     /* "call.state" */
	double t;             /* seconds since the bus was created */
	const char *ua;       /* instance name, or NULL */
	const char *call;     /* short call id, or NULL */
	struct odict *fields; /* type-specific fields, in emit order */
};

typedef void (event_h)(const struct event *ev, void *arg);

/* Field kinds for evbus_emit()'s (key, kind, value) triples. */
enum ev_kind {
	EV_STR = 1,  /* const char * */
	EV_INT,      /* int64_t */
	EV_DBL,      /* double */
	EV_BOOL,     /* int (0/1) */
	EV_STR_OPT,  /* const char *, the field left out when NULL */
};

/* Field triples for evbus_emit(); the casts make the varargs types exact. */
/* The end of the field list: a typed NULL, as varargs need. */
#define EV_END ((const char *)NULL)
#define EVS(k, v) (k), EV_STR, (const char *)(v)
#define EVI(k, v) (k), EV_INT, (int64_t)(v)
#define EVD(k, v) (k), EV_DBL, (double)(v)
#define EVB(k, v) (k), EV_BOOL, (int)(!!(v))
#define EVS_OPT(k, v) (k), EV_STR_OPT, (const char *)(v)

/* One row per event type: its name and the fields it may carry.  This table
 * is the reference for sipflow(1)'s EVENTS section and for tests. */
struct event_type {
	const char *name;
	const char *fields;   /* space separated */
	const char *doc;
};

int  evbus_alloc(struct evbus **busp);
int  evbus_subscribe(struct evsub **subp, struct evbus *bus,
		     event_h *h, void *arg);
/* Emit TYPE with fields given as (const char *key, enum ev_kind, value)
 * triples, terminated by EV_END.  Unknown types or fields are a
 * programming error: they are reported on stderr and dropped. */
void evbus_emit(struct evbus *bus, const char *type, const char *ua,
		const char *call, ...);
/* Report a problem: an `error` event (WHAT, the formatted detail) and a
 * log line.  How every layer says what went wrong and where. */
void evbus_error(struct evbus *bus, const char *ua, const char *call,
		 const char *what, const char *fmt, ...);
bool evbus_has_subscribers(const struct evbus *bus);
double evbus_time(const struct evbus *bus);
/* Stop the clock at T seconds (T < 0: run it again).  For tests of what
 * subscribers make of time: one-way audio, lingering calls, waits. */
void evbus_set_time(struct evbus *bus, double t);

const struct event_type *event_type_find(const char *name);

/* Convenience accessors for subscribers. */
const char *event_str(const struct event *ev, const char *key);
bool event_int(const struct event *ev, const char *key, int64_t *v);
/* A number field (double or integer). */
bool event_dbl(const struct event *ev, const char *key, double *v);
/* A boolean field; false when absent. */
bool event_bool(const struct event *ev, const char *key);

/* Write EV as one JSON object on one line (no newline). */
int event_print_json(struct re_printf *pf, const struct event *ev);

/* A subscriber that writes every event as a JSON line to F. */
struct evlog;
int evlog_alloc(struct evlog **logp, struct evbus *bus, FILE *f);

#endif
