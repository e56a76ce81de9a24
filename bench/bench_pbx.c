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
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
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
	long rss_before_kb, rss_after_kb;
	struct rusage ru0;
	uint64_t t0;
	struct sched_stats stats;
} B;

static double cpu_s(const struct rusage *a, const struct rusage *b)
{
	return (b->ru_utime.tv_sec - a->ru_utime.tv_sec) +
		(b->ru_utime.tv_usec - a->ru_utime.tv_usec) / 1e6 +
		(b->ru_stime.tv_sec - a->ru_stime.tv_sec) +
		(b->ru_stime.tv_usec - a->ru_stime.tv_usec) / 1e6;
}

static int write_conf(struct conf **cp, unsigned port, bool transcode)
{
	char path[] = "/tmp/sipflow-bench-pbx.XXXXXX", err[256];
	FILE *f;
	int fd, e;

	fd = mkstemp(path);
	if (fd < 0)
		return errno;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(path);
		return ENOMEM;
	}
	fprintf(f, "[general]\nrtp_ports = 10000-59999\nrtp_timeout = 0\n"
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
	fclose(f);
	e = conf_load(cp, path, err, sizeof(err));
	if (e)
		fprintf(stderr, "bench: %s\n", err);
	unlink(path);
	return e;
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
	struct rusage ru1;
	double wall = (double)(now_ns() - B.t0) / 1e9, cpu;
	unsigned relaying = 0;
	(void)arg;

	getrusage(RUSAGE_SELF, &ru1);
	cpu = cpu_s(&B.ru0, &ru1);
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
	       B.calls ? (double)(B.rss_after_kb - B.rss_before_kb) / B.calls
	       : 0.0, B.rss_before_kb, B.rss_after_kb);
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
	printf("inter-departure  deviation from 20 ms over %llu gaps: "
	       "p50 %.0f us, p99 %.0f us, p99.9 %.0f us, max %llu us\n",
	       (unsigned long long)B.stats.ticks,
	       sched_stats_percentile(&B.stats, 50),
	       sched_stats_percentile(&B.stats, 99),
	       sched_stats_percentile(&B.stats, 99.9),
	       (unsigned long long)B.stats.max_dev_us);
	fflush(stdout);
	app_stop(B.app, 0);
}

static void start_window(void)
{
	B.sub = mem_deref(B.sub);
	B.t_setup_end = now_ns();
	B.rss_after_kb = bench_rss_kb();
	getrusage(RUSAGE_SELF, &B.ru0);
	B.t0 = now_ns();
	memset(&B.stats, 0, sizeof(B.stats));
	sched_measure(B.app->env.sched, &B.stats);
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
	char err[256] = "";
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

	if (libre_init())
		return 3;
	app_raise_fd_limit();
	e = write_conf(&conf, B.pbx_port, transcode);
	if (!e)
		e = app_alloc(&B.app, conf);
	if (!e)
		e = evbus_subscribe(&B.sub, B.app->env.bus, event_handler,
				    NULL);
	if (!e)
		e = app_start(B.app, err, sizeof(err));
	if (e) {
		fprintf(stderr, "bench: start: %s (%s)\n", err, strerror(e));
		return 3;
	}

	re_main(NULL);

	tmr_cancel(&B.tmr);
	mem_deref(B.sub);
	mem_deref(B.app);
	mem_deref(conf);
	libre_close();
	return 0;
}
