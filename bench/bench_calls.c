/* bench_calls: N concurrent calls between two local instances in one
 * process (the real engine: SIP and RTP over loopback sockets), then a
 * measurement window.  Reports CPU per leg, RSS per call and the
 * distribution of packet inter-departure deviation from 20 ms.
 *
 *   bench_calls [-n CALLS] [-t SECONDS] [-r CALLS_PER_S] [-p SIP_PORT]
 *
 * Calls are placed at a steady rate (default 500/s): a burst of INVITEs
 * overflows the UDP socket buffer and setup then waits on retransmits.
 *
 * Figures, not a pass/fail test. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "base/event.h"
#include "base/util.h"
#include "media/sched.h"
#include "media/stream.h"
#include "sip/app.h"
#include "sip/call.h"
#include "sip/conf.h"
#include "sip/instance.h"
#include "bench_util.h"

static struct {
	struct app *app;
	struct evsub *sub;
	unsigned calls, placed, established, failed;
	unsigned seconds;
	unsigned rate;
	double credit;
	struct tmr tmr;
	uint64_t t_setup_start, t_setup_end;
	long rss_before_kb;
	struct bench_window w;
} B;

static void report(void *arg)
{
	double wall, cpu = bench_window_cpu(&B.w, &wall);
	uint64_t tx = 0, rx = 0, lost = 0, concealed = 0, jb_dropped = 0;
	unsigned legs = 0;
	struct le *le, *cle;
	(void)arg;

	for (le = B.app->instances.head; le; le = le->next) {
		struct instance *inst = le->data;
		for (cle = inst->calls.head; cle; cle = cle->next) {
			struct stream_counters c;
			stream_counters(call_stream(cle->data), &c);
			tx += c.tx_pkts;
			rx += c.rx_pkts;
			lost += (uint64_t)c.lost;
			concealed += c.concealed;
			jb_dropped += c.jb_dropped;
			++legs;
		}
	}

	printf("calls            %u (legs %u, established %u, failed %u)\n",
	       B.calls, legs, B.established, B.failed);
	printf("setup            %.2f s\n",
	       (double)(B.t_setup_end - B.t_setup_start) / 1e9);
	printf("window           %.2f s\n", wall);
	printf("cpu              %.1f %% of one core\n", 100.0 * cpu / wall);
	printf("cpu per leg      %.4f %% of one core\n",
	       legs ? 100.0 * cpu / wall / legs : 0.0);
	printf("rss per call     %.1f KiB (%ld -> %ld KiB)\n",
	       B.calls ? (double)(B.w.rss_kb - B.rss_before_kb) / B.calls
	       : 0.0, B.rss_before_kb, B.w.rss_kb);
	printf("packets          tx %llu rx %llu lost %llu\n",
	       (unsigned long long)tx, (unsigned long long)rx,
	       (unsigned long long)lost);
	/* Loss on the wire is not all a listener misses: what the jitter
	 * buffer made up or threw away counts too. */
	printf("receive audio    concealed %llu frames (%.3f %%), "
	       "jitter-buffer dropped %llu frames\n",
	       (unsigned long long)concealed,
	       rx ? 100.0 * (double)concealed / (double)rx : 0.0,
	       (unsigned long long)jb_dropped);
	bench_print_pacing(&B.w);
	fflush(stdout);

	app_stop(B.app, 0);
}

static void start_window(void)
{
	/* Stop listening: from here on the engine runs as it would with no
	 * event consumer but the bench's counters. */
	B.sub = mem_deref(B.sub);
	B.t_setup_end = now_ns();
	bench_window_start(&B.w, B.app->env.sched);
	tmr_start(&B.tmr, B.seconds * 1000u, report, NULL);
}

static void event_handler(const struct event *ev, void *arg)
{
	const char *st;
	(void)arg;

	if (strcmp(ev->type, "call.state") || !ev->ua ||
	    strcmp(ev->ua, "a"))
		return;

	st = event_str(ev, "state");
	if (st && !strcmp(st, "established"))
		++B.established;
	else if (st && !strcmp(st, "terminated"))
		++B.failed;

	if (B.established + B.failed == B.calls)
		start_window();
}

static void place(void *arg)
{
	struct instance *a = app_instance(B.app, "a");
	struct instance *b = app_instance(B.app, "b");
	char err[256];
	(void)arg;

	B.credit += B.rate / 1000.0;   /* INVITEs per millisecond tick */
	while (B.credit >= 1.0 && B.placed < B.calls) {
		B.credit -= 1.0;
		if (call_connect(NULL, a, b->aor, err, sizeof(err))) {
			fprintf(stderr, "bench: call %u: %s\n", B.placed, err);
			++B.failed;
		}
		++B.placed;
	}
	if (B.placed < B.calls)
		tmr_start(&B.tmr, 1, place, NULL);
}


int main(int argc, char **argv)
{
	struct conf *conf = NULL;
	unsigned port = 15060;
	int c;

	B.calls = 100;
	B.seconds = 10;
	B.rate = 500;
	while ((c = getopt(argc, argv, "n:t:p:r:")) != -1) {
		switch (c) {
		case 'n': B.calls = (unsigned)atoi(optarg); break;
		case 'r': B.rate = (unsigned)atoi(optarg); break;
		case 't': B.seconds = (unsigned)atoi(optarg); break;
		case 'p': port = (unsigned)atoi(optarg); break;
		default:
			fprintf(stderr, "usage: bench_calls [-n CALLS] "
				"[-t SECONDS] [-r CALLS_PER_S] [-p PORT]\n");
			return 2;
		}
	}

	if (bench_start(&B.app, &conf, &B.sub, (uint16_t)port, "10000-59999",
			event_handler))
		return 3;

	B.rss_before_kb = bench_rss_kb();
	B.t_setup_start = now_ns();
	tmr_start(&B.tmr, 1, place, NULL);

	re_main(NULL);

	tmr_cancel(&B.tmr);
	mem_deref(B.sub);
	mem_deref(B.app);
	mem_deref(conf);
	libre_close();
	return 0;
}
