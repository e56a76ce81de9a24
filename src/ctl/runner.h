/* Runs a scenario: one chain of lines per instance, all concurrently;
 * chains meet through expectations on the event stream. */
#ifndef SIPFLOW_RUNNER_H
#define SIPFLOW_RUNNER_H

struct app;
struct scenario;
struct runner;

/* Start at once.  When every line has run the runner emits scenario.done
 * and stops the app with exit 0; on a failure scenario.fail and exit 1. */
int runner_start(struct runner **rp, struct app *app, struct scenario *scn);
/* Stop early (e.g. on SIGINT): scenario.fail with WHY, exit status 1. */
void runner_abort(struct runner *r, const char *why);

#endif
