/* bench_pbx: N concurrent calls bridged by a PBX instance, all in one
 * process over loopback: phone a (registered with the PBX) dials phone
 * b's number, the PBX challenges, routes and bridges each call as two
 * legs of its own with its RTP relay between them.  After a measurement
 * window it reports CPU and RSS per bridged call, the PBX legs' and the
 * phones' packets and loss, and the pacing of every stream.
 *
 *   bench_pbx [-n CALLS] [-t SECONDS] [-r CALLS_PER_S] [-p SIP_PORT]
 *             [-x]   (-x: transcode, a offers PCMA only, b takes PCMU)
 *
 * The process holds 4 legs per bridged call (a, the PBX's two, b); run
 * bench_calls with the same N for the 2 legs of a direct call, and the
 * difference is what the PBX costs (bench/run_pbx.sh does both).
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
	unsigned calls, placed, established, failed, registered;
	unsigned seconds, rate, pbx_port;
	double credit;
	struct tmr tmr;
	uint64_t t_setup_start, t_setup_end;
	long rss_before_kb;
	struct bench_window w;
} B;

static int write_conf(struct conf **cp, unsigned port, bool transcode)
{
	return bench_conf_text(cp, "[general]\nrtp_ports = 10000-59999\n"
		"rtp_timeout = 0\n"
		"[pbx]\nmode = pbx\nport = %u\naccount = 1:pw1\n"
		"account = 2:pw2\ndtmf_detect = off\ncdr_events = off\n"
		"[a]\nuser = 1\nport = %u\nsource = tone:440\n"
		"registrar = sip:127.0.0.1:%u\npassword = pw1\n%s"
		"[b]\nuser = 2\nport = %u\nsource = tone:660\n"
		"answer = auto\nregistrar = sip:127.0.0.1:%u\n"
		"password = pw2\n%s",
		port, port + 1, port, transcode ?
		"codecs = PCMA, telephone-event\n" : "",
		port + 2, port, transcode ?
		"codecs = PCMU, telephone-event\n" : "");
}

static void sum(const char *name, uint64_t *tx, uint64_t *rx,
		uint64_t *lost, uint64_t *concealed, unsigned *legs)
{
	struct instance *inst = app_instance(B.app, name);

	*tx = *rx = *lost = *concealed = 0;
	*legs = 0;
	for (struct le *le = inst->calls.head; le; le = le->next) {
		struct stream_counters c;

		stream_counters(call_stream(le->data), &c);
		*tx += c.tx_pkts;
		*rx += c.rx_pkts;
		*lost += c.lost > 0 ? (uint64_t)c.lost : 0;
		*concealed += c.concealed;
		++*legs;
	}
}

static void report(void *arg)
{
	static const char *const who[] = {"a", "pbx", "b"};
	double wall, cpu = bench_window_cpu(&B.w, &wall);
	unsigned relaying = 0;
	(void)arg;

	for (struct le *le = app_instance(B.app, "pbx")->calls.head; le;
	     le = le->next)
		relaying += stream_relaying(call_stream(le->data));

	printf("bridged calls    %u (established %u, failed %u)\n",
	       B.calls, B.established, B.failed);
	printf("setup            %.2f s\n",
	       (double)(B.t_setup_end - B.t_setup_start) / 1e9);
	printf("window           %.2f s\n", wall);
	printf("cpu              %.1f %% of one core\n", 100.0 * cpu / wall);
	printf("cpu per call     %.4f %% of one core (4 legs: a, 2 PBX, b)\n",
	       B.calls ? 100.0 * cpu / wall / B.calls : 0.0);
	printf("rss per call     %.1f KiB (%ld -> %ld KiB)\n",
	       B.calls ? (double)(B.w.rss_kb - B.rss_before_kb) / B.calls
	       : 0.0, B.rss_before_kb, B.w.rss_kb);
	printf("pbx legs         %u relaying packets as they come, %u "
	       "transcoding\n", relaying,
	       list_count(&app_instance(B.app, "pbx")->calls) - relaying);
	for (size_t i = 0; i < 3; i++) {
		uint64_t tx, rx, lost, concealed;
		unsigned legs;

		sum(who[i], &tx, &rx, &lost, &concealed, &legs);
		printf("packets %-8s legs %u tx %llu rx %llu lost %llu "
		       "concealed %llu\n", who[i], legs,
		       (unsigned long long)tx, (unsigned long long)rx,
		       (unsigned long long)lost,
		       (unsigned long long)concealed);
	}
	bench_print_pacing(&B.w);
	fflush(stdout);
	app_stop(B.app, 0);
}

static void start_window(void)
{
	B.sub = mem_deref(B.sub);
	B.t_setup_end = now_ns();
	bench_window_start(&B.w, B.app->env.sched);
	tmr_start(&B.tmr, B.seconds * 1000u, report, NULL);
}

static void place(void *arg)
{
	struct instance *a = app_instance(B.app, "a");
	char err[256], uri[64];
	(void)arg;

	re_snprintf(uri, sizeof(uri), "sip:2@127.0.0.1:%u", B.pbx_port);
	B.credit += B.rate / 1000.0;
	while (B.credit >= 1.0 && B.placed < B.calls) {
		B.credit -= 1.0;
		if (call_connect(NULL, a, uri, err, sizeof(err))) {
			fprintf(stderr, "bench: call %u: %s\n", B.placed, err);
			++B.failed;
		}
		++B.placed;
	}
	if (B.placed < B.calls)
		tmr_start(&B.tmr, 1, place, NULL);
}

static void event_handler(const struct event *ev, void *arg)
{
	const char *st = event_str(ev, "state");
	(void)arg;

	if (!ev->ua || !st)
		return;
	if (!strcmp(ev->type, "reg.state") && !strcmp(st, "registered") &&
	    ++B.registered == 2) {
		/* both phones are where the PBX can find them */
		B.rss_before_kb = bench_rss_kb();
		B.t_setup_start = now_ns();
		tmr_start(&B.tmr, 1, place, NULL);
		return;
	}
	if (strcmp(ev->type, "call.state") || strcmp(ev->ua, "a"))
		return;
	if (!strcmp(st, "established"))
		++B.established;
	else if (!strcmp(st, "terminated"))
		++B.failed;
	if (B.established + B.failed == B.calls)
		start_window();
}

int main(int argc, char **argv)
{
	struct conf *conf = NULL;
	bool transcode = false;
	int c, e;

	B.calls = 100;
	B.seconds = 10;
	B.rate = 200;
	B.pbx_port = 16060;
	while ((c = getopt(argc, argv, "n:t:p:r:x")) != -1) {
		switch (c) {
		case 'n': B.calls = (unsigned)atoi(optarg); break;
		case 'r': B.rate = (unsigned)atoi(optarg); break;
		case 't': B.seconds = (unsigned)atoi(optarg); break;
		case 'p': B.pbx_port = (unsigned)atoi(optarg); break;
		case 'x': transcode = true; break;
		default:
			fprintf(stderr, "usage: bench_pbx [-n CALLS] "
				"[-t SECONDS] [-r CALLS_PER_S] [-p PORT] "
				"[-x]\n");
			return 2;
		}
	}

	e = bench_init();
	if (!e)
		e = write_conf(&conf, B.pbx_port, transcode);
	if (!e)
		e = bench_start_conf(&B.app, conf, &B.sub, event_handler);
	if (e)
		return 3;

	re_main(NULL);

	tmr_cancel(&B.tmr);
	mem_deref(B.sub);
	mem_deref(B.app);
	mem_deref(conf);
	libre_close();
	return 0;
}
