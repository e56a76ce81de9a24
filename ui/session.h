/* What the operator did, kept so `:save FILE` can write it as a scenario
 * that replays headless with the waits that really happened. */
#ifndef SIPFLOW_UI_SESSION_H
#define SIPFLOW_UI_SESSION_H

struct session;
struct evbus;

/* Follows call states on BUS (an answer needs `expect incoming` first). */
int  session_alloc(struct session **sp, struct evbus *bus);
/* The operator ran "INST: VERB ARGS" at T (seconds on the bus clock), on
 * call CALL (its short id; NULL for `call` and instance commands). */
void session_action(struct session *s, double t, const char *inst,
		    const char *call, const char *verb, const char *args);
unsigned session_count(const struct session *s);
/* Write the scenario to PATH.  OPTS (" -c FILE -p PORT") go into the
 * replay hint comment.  Returns 0 or an errno. */
int  session_save(struct session *s, const char *path, const char *opts);

#endif
