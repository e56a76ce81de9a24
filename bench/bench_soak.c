/* bench_soak: long runs between two local instances in one process (the
 * real engine, SIP and RTP over loopback), sampling what a leak would
 * grow: open file descriptors, resident memory, the heap in use
 * (mallinfo2), libre timers, live calls.  Two shapes:
 *
 *   bench_soak -m seq [-n CALLS] [-d CALL_MS]
 *       CALLS short calls one after another (default 10000 of 200 ms):
 *       a calls b, b answers, a hangs up, both ends gone, the next.
 *   bench_soak -m conc [-c CALLS] [-t SECONDS] [-d CALL_MS]
 *       CALLS concurrent calls (default 200) for SECONDS (default 3600),
 *       each hung up after CALL_MS (default 20 s) and replaced at once.
 *
 * Common: [-s SAMPLE_S] (default 10) [-p SIP_PORT] (default 15460).
 * Prints a sample per line, then the least-squares slope of each figure
 * after the warm-up (the first fifth of the run), per hour and per 1000
 * calls: flat means a slope within the noise of the samples.
 * Figures, not a pass/fail test. */
#include <dirent.h>
#include <errno.h>
#include <unistd.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "base/event.h"
#include "base/util.h"
#include "sip/app.h"
#include "sip/call.h"
#include "sip/conf.h"
#include "sip/instance.h"
#include "bench_util.h"

enum { MAX_SAMPLES = 100000 };

/* What a sample holds, by index: seconds since the start, calls
 * finished, then the figures a leak would grow. */
enum fig { T, DONE, FDS, RSS_KB, HEAP_KB, TIMERS, UP, NFIG };

struct sample {
	double v[NFIG];
};

static struct {
	struct app *app;
	struct evsub *sub;
	bool sequential;
	unsigned target;    /* seq: calls in all; conc: calls at once */
	unsigned seconds, call_ms, sample_s;
	unsigned placed, done, up, failed;
	uint64_t t0;
	struct tmr tmr_sample, tmr_end, tmr_next;
	struct sample *s;
	size_t ns;
	bool ending;
} B;

static double count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	double n = 0;

	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n - 1;   /* the directory itself */
}


/* libre's timers: what tmr_status() says it has. */
static double count_timers(void)
{
	char *s = NULL;
	unsigned n = 0;

	if (re_sdprintf(&s, "%H", tmr_status, NULL) || !s)
		return -1;
	(void)sscanf(s, "Timers (%u)", &n);
	mem_deref(s);
	return n;
}

static void take_sample(void)
{
	double *v;

	if (B.ns == MAX_SAMPLES)
		return;
	v = B.s[B.ns++].v;
	v[T] = (double)(now_ns() - B.t0) / 1e9;
	v[DONE] = B.done;
	v[FDS] = count_fds();
	v[RSS_KB] = bench_rss_kb();
	/* what malloc has handed out and not had back: a leak grows it,
	 * fragmentation only RSS */
	v[HEAP_KB] = (double)mallinfo2().uordblks / 1024;
	v[TIMERS] = count_timers();
	v[UP] = B.up;
	printf("t %8.1f  done %7.0f  up %4.0f  fds %5.0f  rss_kb %8.0f  "
	       "heap_kb %8.0f  timers %6.0f\n", v[T], v[DONE], v[UP], v[FDS],
	       v[RSS_KB], v[HEAP_KB], v[TIMERS]);
	fflush(stdout);
}

/* Least-squares slope of figure Y over figure X across samples
 * [from, n). */
static double slope(size_t from, enum fig x, enum fig y)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, k = 0;

	for (size_t i = from; i < B.ns; i++) {
		const double *v = B.s[i].v;

		sx += v[x];
		sy += v[y];
		sxx += v[x] * v[x];
		sxy += v[x] * v[y];
		k += 1;
	}
	if (k < 2 || k * sxx - sx * sx == 0)
		return 0;
	return (k * sxy - sx * sy) / (k * sxx - sx * sx);
}

static void summary(void)
{
	static const struct { const char *name; enum fig f; } f[] = {
		{"fds", FDS}, {"rss_kb", RSS_KB}, {"heap_kb", HEAP_KB},
		{"timers", TIMERS},
	};
	size_t from = B.ns / 5;

	printf("--- %s: %u calls done, %u failed, %.0f s, %zu samples "
	       "(slopes from sample %zu)\n", B.sequential ? "sequential" :
	       "concurrent", B.done, B.failed, B.ns ? B.s[B.ns - 1].v[T] : 0,
	       B.ns, from);
	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		double lo = 1e300, hi = -1e300;

		for (size_t j = from; j < B.ns; j++) {
			double x = B.s[j].v[f[i].f];

			lo = x < lo ? x : lo;
			hi = x > hi ? x : hi;
		}
		printf("%-7s after warm-up %.0f..%.0f  slope %+.3f per hour  "
		       "%+.3f per 1000 calls\n", f[i].name, lo, hi,
		       3600 * slope(from, T, f[i].f),
		       1000 * slope(from, DONE, f[i].f));
	}
}

static void finish(void)
{
	if (B.ending)
		return;
	B.ending = true;
	take_sample();
	summary();
	/* RSS that malloc_trim gives back was free memory kept, not a
	 * leak: tells fragmentation from growth */
	(void)malloc_trim(0);
	printf("rss_kb after malloc_trim: %ld (heap in use %.0f kB)\n",
	       bench_rss_kb(), (double)mallinfo2().uordblks / 1024);
	app_stop(B.app, 0);
}

static void sample_handler(void *arg)
{
	(void)arg;
	take_sample();
	tmr_start(&B.tmr_sample, B.sample_s * 1000u, sample_handler, NULL);
}

/* One call of ours (a's side): when it came up, and its hangup timer. */
struct leg {
	struct le le;
	char id[16];
	bool established;
	struct tmr tmr;
};

static struct list legs;

static void leg_destructor(void *arg)
{
	struct leg *l = arg;

	tmr_cancel(&l->tmr);
	list_unlink(&l->le);
}

static struct leg *leg_find(const char *id)
{
	for (struct le *le = legs.head; le && id; le = le->next) {
		struct leg *l = le->data;

		if (!strcmp(l->id, id))
			return l;
	}
	return NULL;
}

/* false when the call could not be placed (ports or fds ran out) */
static bool place_one(void)
{
	struct instance *a = app_instance(B.app, "a");
	struct instance *b = app_instance(B.app, "b");
	struct call *call = NULL;
	struct leg *l;
	char err[256];

	++B.placed;
	if (call_connect(&call, a, b->aor, err, sizeof(err))) {
		fprintf(stderr, "soak: call %u: %s\n", B.placed, err);
		++B.failed;
		++B.done;
		return false;
	}
	l = mem_zalloc(sizeof(*l), leg_destructor);
	if (!l)
		return true;
	str_copy(l->id, sizeof(l->id), call_id(call));
	tmr_init(&l->tmr);
	list_append(&legs, &l->le, l);
	return true;
}

static void next_handler(void *arg)
{
	unsigned want = B.sequential ? 1 : B.target;
	(void)arg;

	if (B.ending)
		return;
	if (B.sequential && B.placed >= B.target) {
		if (B.done >= B.target)
			finish();
		return;
	}
	while (B.placed - B.done < want) {
		if (!place_one()) {
			/* try again in a second rather than spin here */
			tmr_start(&B.tmr_next, 1000, next_handler, NULL);
			break;
		}
	}
}

static void hangup_handler(void *arg)
{
	struct leg *l = arg;
	struct call *call = instance_call(app_instance(B.app, "a"), l->id);
	char err[128];

	if (call)
		(void)call_hangup(call, err, sizeof(err));
}

static void event_handler(const struct event *ev, void *arg)
{
	const char *st;
	struct leg *l;
	(void)arg;

	if (strcmp(ev->type, "call.state") || !ev->ua || strcmp(ev->ua, "a"))
		return;
	st = event_str(ev, "state");
	l = leg_find(ev->call);
	if (st && !strcmp(st, "established") && l && !l->established) {
		l->established = true;
		++B.up;
		tmr_start(&l->tmr, B.call_ms, hangup_handler, l);
	}
	else if (st && !strcmp(st, "terminated")) {
		const char *by = event_str(ev, "by");
		int64_t code = 0;

		(void)event_int(ev, "code", &code);
		if (!(l && l->established && code == 200 && by &&
		      !strcmp(by, "local")))
			++B.failed;
		if (l && l->established)
			--B.up;
		mem_deref(l);
		++B.done;
		/* the next call on a fresh loop turn */
		tmr_start(&B.tmr_next, 0, next_handler, NULL);
	}
}

static void end_handler(void *arg)
{
	(void)arg;
	finish();
}


int main(int argc, char **argv)
{
	struct conf *conf = NULL;
	unsigned port = 15460, n = 0;
	int c;

	B.sequential = true;
	B.seconds = 3600;
	B.sample_s = 10;
	while ((c = getopt(argc, argv, "m:n:c:t:d:s:p:")) != -1) {
		switch (c) {
		case 'm': B.sequential = strcmp(optarg, "conc"); break;
		case 'n': case 'c': n = (unsigned)atoi(optarg); break;
		case 't': B.seconds = (unsigned)atoi(optarg); break;
		case 'd': B.call_ms = (unsigned)atoi(optarg); break;
		case 's': B.sample_s = (unsigned)atoi(optarg); break;
		case 'p': port = (unsigned)atoi(optarg); break;
		default:
			fprintf(stderr, "usage: bench_soak -m seq [-n CALLS] "
				"[-d CALL_MS] | -m conc [-c CALLS] [-t SECONDS]"
				" [-d CALL_MS]  [-s SAMPLE_S] [-p PORT]\n");
			return 2;
		}
	}
	B.target = n ? n : B.sequential ? 10000 : 200;
	if (!B.call_ms)
		B.call_ms = B.sequential ? 200 : 20000;
	if (!B.sample_s)
		B.sample_s = 1;

	B.s = calloc(MAX_SAMPLES, sizeof(*B.s));
	/* RTP above every port block of the suite (tests/lib.sh) and the
	 * fuzz targets, so a soak can run beside them */
	if (!B.s || bench_start(&B.app, &conf, &B.sub, (uint16_t)port,
				"44000-59999", event_handler))
		return 3;

	B.t0 = now_ns();
	take_sample();
	tmr_start(&B.tmr_sample, B.sample_s * 1000u, sample_handler, NULL);
	if (!B.sequential)
		tmr_start(&B.tmr_end, B.seconds * 1000u, end_handler, NULL);
	tmr_start(&B.tmr_next, 0, next_handler, NULL);

	re_main(NULL);

	tmr_cancel(&B.tmr_sample);
	tmr_cancel(&B.tmr_end);
	tmr_cancel(&B.tmr_next);
	list_flush(&legs);
	mem_deref(B.sub);
	mem_deref(B.app);
	mem_deref(conf);
	free(B.s);
	libre_close();
	return B.failed ? 1 : 0;
}
