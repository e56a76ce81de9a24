/* bench_ui: what one console frame costs with 50 instances and 500 calls.
 * The model is filled through the event bus, as the engine would, and the
 * frames go to a real curses screen whose terminal is /dev/null, so the
 * figures include ncurses working out and writing the difference.
 *
 *   bench_ui [-n ITERATIONS] [-r ROWS] [-c COLS]
 *
 * Without -r/-c it measures at 200x50 and at 80x24.  Each iteration moves
 * the selection down one row; every fourth opens or closes the detail
 * pane (cycling SDP, ladder, log); every tenth is preceded by one round of
 * rtp.stats for every call, timed on its own.
 *
 * Figures, not a pass/fail test. */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <re.h>
#include <ncurses.h>
#include "base/event.h"
#include "ui/draw.h"
#include "ui/keys.h"
#include "ui/model.h"
#include "ui/view.h"

enum {
	NINSTS = 50,
	NCALLS = 500,
	STATS_EVERY = 10,
	DETAIL_EVERY = 4,
};

static const char sdp_fmt[] =
	"v=0\r\n"
	"o=- %u %u IN IP4 127.0.0.1\r\n"
	"s=sipflow\r\n"
	"c=IN IP4 127.0.0.1\r\n"
	"t=0 0\r\n"
	"m=audio %u RTP/AVP 0 8 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=sendrecv\r\n";

static struct {
	struct evbus *bus;
	struct evsub *sub;
	struct ui_model *m;
	unsigned round;          /* rtp.stats rounds so far */
	double stats_us;         /* their total cost */
	unsigned stats_n;
} B;

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void inst_name(char *b, size_t sz, unsigned i)
{
	snprintf(b, sz, "ua%02u", i);
}

static void add_insts(void)
{
	char name[16], addr[64], aor[64], src[32];

	for (unsigned i = 0; i < NINSTS; i++) {
		inst_name(name, sizeof(name), i);
		snprintf(addr, sizeof(addr), "127.0.0.1:%u/udp", 5060 + i);
		snprintf(aor, sizeof(aor), "sip:%u@127.0.0.1:%u", 1000 + i,
			 5060 + i);
		snprintf(src, sizeof(src), "tone:%u", 300 + 20 * i);
		evbus_emit(B.bus, "ua.ready", name, NULL, EVS("addr", addr),
			   EVS("aor", aor), EVS("source", src), EV_END);
	}
}

/* One call as the engine reports it. */
struct bcall {
	char ua[16], id[16], sipid[64], peer[64];
	bool in;
	unsigned i;
};

static void sip(const struct bcall *c, bool tx, const char *line,
		const char *cseq, bool retrans)
{
	evbus_emit(B.bus, tx ? "sip.tx" : "sip.rx", c->ua, NULL,
		   EVS("first_line", line), EVS("cseq", cseq),
		   EVS("sip_callid", c->sipid), EVB("retrans", retrans),
		   EV_END);
}

static void state(const struct bcall *c, const char *st, int code,
		  const char *reason)
{
	if (code) {
		evbus_emit(B.bus, "call.state", c->ua, c->id, EVS("state", st),
			   EVS("dir", c->in ? "in" : "out"),
			   EVS("peer", c->peer), EVS("sip_callid", c->sipid),
			   EVI("code", code), EVS("reason", reason),
			   EVS("by", "remote"), EV_END);
		return;
	}
	evbus_emit(B.bus, "call.state", c->ua, c->id, EVS("state", st),
		   EVS("dir", c->in ? "in" : "out"), EVS("peer", c->peer),
		   EVS("sip_callid", c->sipid), EV_END);
}

/* INVITE, 100, 180: "us" sends the requests of an outgoing call. */
static void call_setup(const struct bcall *c)
{
	char invite[96];

	snprintf(invite, sizeof(invite), "INVITE sip:%s SIP/2.0", c->peer);
	state(c, c->in ? "incoming" : "calling", 0, NULL);
	sip(c, !c->in, invite, "1 INVITE", false);
	if (c->i % 3 == 0)
		sip(c, !c->in, invite, "1 INVITE", true);
	sip(c, c->in, "SIP/2.0 100 Trying", "1 INVITE", false);
	sip(c, c->in, "SIP/2.0 180 Ringing", "1 INVITE", false);
	state(c, "ringing", 0, NULL);
}

static void call_media(const struct bcall *c)
{
	char sdp[512], local[32], remote[32];
	unsigned port = 20000 + 2 * c->i;

	snprintf(sdp, sizeof(sdp), sdp_fmt, c->i, c->i, port);
	evbus_emit(B.bus, "sdp.local", c->ua, c->id, EVS("sdp", sdp), EV_END);
	snprintf(sdp, sizeof(sdp), sdp_fmt, c->i + 7, c->i, port + 1000);
	evbus_emit(B.bus, "sdp.remote", c->ua, c->id, EVS("sdp", sdp),
		   EV_END);

	snprintf(local, sizeof(local), "127.0.0.1:%u", port);
	snprintf(remote, sizeof(remote), "127.0.0.1:%u", port + 1000);
	evbus_emit(B.bus, "media.start", c->ua, c->id,
		   EVS("codec", "PCMU/8000"), EVI("pt", 0),
		   EVS("local", local), EVS("remote", remote),
		   EVS("dir", "sendrecv"), EV_END);
}

static void call_answer(const struct bcall *c)
{
	char ack[96], reinv[96];

	snprintf(ack, sizeof(ack), "ACK sip:%s SIP/2.0", c->peer);
	snprintf(reinv, sizeof(reinv), "INVITE sip:%s SIP/2.0", c->peer);
	sip(c, c->in, "SIP/2.0 200 OK", "1 INVITE", false);
	sip(c, !c->in, ack, "1 ACK", false);
	state(c, "established", 0, NULL);
	call_media(c);

	/* A session refresh, so that the ladder has about eight rows. */
	sip(c, true, reinv, "2 INVITE", false);
	sip(c, false, "SIP/2.0 200 OK", "2 INVITE", false);
	sip(c, true, ack, "2 ACK", false);
}

static void call_extras(const struct bcall *c)
{
	static const char *const digits[] = { "1", "2", "3", "#" };

	if (c->i % 5 == 0) {
		for (size_t k = 0; k < ARRAY_SIZE(digits); k++)
			evbus_emit(B.bus, "dtmf.rx", c->ua, c->id,
				   EVS("digit", digits[k]),
				   EVS("method", "rfc2833"),
				   EVI("duration_ms", 100), EV_END);
	}
	if (c->i % 7 == 0) {
		char path[64];

		snprintf(path, sizeof(path), "/tmp/%s.wav", c->id);
		evbus_emit(B.bus, "rec.start", c->ua, c->id,
			   EVS("path", path), EVS("mode", "both"), EV_END);
	}
	if (c->i % 11 == 0)
		evbus_emit(B.bus, "play.start", c->ua, c->id,
			   EVS("file", "sounds/sequence.wav"), EV_END);
}

/* Most calls are answered, some keep ringing, a few are rejected. */
static void add_call(unsigned i)
{
	struct bcall c;

	memset(&c, 0, sizeof(c));
	c.i = i;
	c.in = i % 3 == 1;
	inst_name(c.ua, sizeof(c.ua), i % NINSTS);
	snprintf(c.id, sizeof(c.id), "c%u", i + 1);
	snprintf(c.sipid, sizeof(c.sipid), "%08x-%u@127.0.0.1", i * 2654435761u,
		 i);
	snprintf(c.peer, sizeof(c.peer), "sip:%u@127.0.0.1:%u",
		 1000 + (i + 1) % NINSTS, 5060 + (i + 1) % NINSTS);

	call_setup(&c);
	if (i % 10 == 9) {
		sip(&c, c.in, "SIP/2.0 486 Busy Here", "1 INVITE", false);
		state(&c, "terminated", 486, "Busy Here");
		return;
	}
	if (i % 10 == 8)
		return;

	call_answer(&c);
	call_extras(&c);
}

static void stats_round(void)
{
	char ua[16], id[16];
	uint64_t base = (uint64_t)B.round * 50;

	for (unsigned i = 0; i < NCALLS; i++) {
		uint64_t tx = base + i, rx = base + i / 2;

		inst_name(ua, sizeof(ua), i % NINSTS);
		snprintf(id, sizeof(id), "c%u", i + 1);
		evbus_emit(B.bus, "rtp.stats", ua, id,
			   EVI("tx_pkts", tx), EVI("tx_bytes", tx * 172),
			   EVI("rx_pkts", rx), EVI("rx_bytes", rx * 172),
			   EVI("lost", i % 13 == 0 ? B.round : 0),
			   EVI("ooo", 0), EVD("jitter_ms", 0.1 * (i % 40)),
			   EVI("rx_pt", 0), EV_END);
	}
	++B.round;
}

static void timed_stats_round(void)
{
	double t0 = now_us();

	stats_round();
	B.stats_us += now_us() - t0;
	++B.stats_n;
}

/* The selection walks down the calls; the detail pane opens and closes,
 * showing the next tab each time it opens. */
static void vary_view(struct ui_view *v, unsigned it)
{
	snprintf(v->sel_call, sizeof(v->sel_call), "c%u", it % NCALLS + 1);
	if (it % DETAIL_EVERY == 0) {
		v->detail = !v->detail;
		if (v->detail)
			v->tab = (enum ui_tab)((v->tab + 1) % TAB_COUNT);
		v->detail_scroll = v->tab == TAB_SDP ? 0 : -1;
	}
	keys_status(v->status, sizeof(v->status), v, B.m);
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double pct(const double *s, unsigned n, double p)
{
	return s[(size_t)((n - 1) * p)];
}

/* ITERS frames at ROWS x COLS; S holds two samples per frame: the whole
 * frame, then draw_screen() alone (the rest is ncurses' refresh). */
static void run_size(int rows, int cols, unsigned iters, double *s)
{
	double *paint = s + iters;
	struct ui_view v;

	memset(&v, 0, sizeof(v));
	v.focus = PANE_CALLS;
	str_ncpy(v.sel_inst, "ua00", sizeof(v.sel_inst));
	resizeterm(rows, cols);

	for (unsigned it = 0; it < iters; it++) {
		double t0, t1;

		if (it % STATS_EVERY == 0)
			timed_stats_round();
		vary_view(&v, it);

		t0 = now_us();
		draw_screen(&v, B.m);
		t1 = now_us();
		refresh();
		s[it] = now_us() - t0;
		paint[it] = t1 - t0;
	}

	qsort(s, iters, sizeof(*s), cmp_dbl);
	qsort(paint, iters, sizeof(*paint), cmp_dbl);
	printf("redraw %u instances %u calls %dx%d: median %.0f us  "
	       "p90 %.0f us  p99 %.0f us  max %.0f us  (%u frames; "
	       "draw_screen alone: median %.0f us)\n",
	       B.m->ninsts, B.m->ncalls, cols, rows,
	       pct(s, iters, 0.5), pct(s, iters, 0.9), pct(s, iters, 0.99),
	       s[iters - 1], iters, pct(paint, iters, 0.5));
}

static int setup(void)
{
	int err;

	err = evbus_alloc(&B.bus);
	if (!err)
		err = ui_model_alloc(&B.m);
	if (!err)
		err = evbus_subscribe(&B.sub, B.bus, ui_model_event, B.m);
	if (err)
		return err;

	add_insts();
	for (unsigned i = 0; i < NCALLS; i++)
		add_call(i);
	stats_round();
	ui_model_message(B.m, false, "bench: %u calls", NCALLS);
	return 0;
}

/* The terminal both reads and writes /dev/null, through one stream. */
static SCREEN *open_screen(FILE **null)
{
	SCREEN *scr;

	*null = fopen("/dev/null", "r+");
	if (!*null)
		return NULL;

	scr = newterm("xterm-256color", *null, *null);
	if (!scr)
		return NULL;

	/* /dev/null always "has input": without this ncurses would cut the
	 * updates short, waiting for keys that never come. */
	typeahead(-1);
	draw_init(true, true);
	return scr;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_ui [-n ITERATIONS] [-r ROWS] "
		"[-c COLS]\n");
}

int main(int argc, char **argv)
{
	unsigned iters = 2000;
	int rows = 0, cols = 0, opt;
	struct rusage ru;
	double *samples;
	FILE *null = NULL;
	SCREEN *scr;

	while ((opt = getopt(argc, argv, "n:r:c:h")) != -1) {
		switch (opt) {

		case 'n': iters = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'r': rows = atoi(optarg); break;
		case 'c': cols = atoi(optarg); break;
		default:  usage(); return 2;
		}
	}
	if (!iters || rows < 0 || cols < 0) {
		usage();
		return 2;
	}

	setlocale(LC_ALL, "C.UTF-8");
	samples = calloc(2 * (size_t)iters, sizeof(*samples));
	if (!samples || setup()) {
		fprintf(stderr, "bench_ui: setup failed\n");
		return 1;
	}

	scr = open_screen(&null);
	if (!scr) {
		fprintf(stderr, "bench_ui: no curses screen (terminfo "
			"xterm-256color?)\n");
		return 1;
	}

	if (rows || cols) {
		run_size(rows ? rows : 50, cols ? cols : 200, iters, samples);
	}
	else {
		run_size(50, 200, iters, samples);
		run_size(24, 80, iters, samples);
	}

	endwin();
	delscreen(scr);

	getrusage(RUSAGE_SELF, &ru);
	printf("rtp.stats round for %u calls (bus + model): mean %.0f us "
	       "(%u rounds)\n", (unsigned)NCALLS, B.stats_us / (B.stats_n ? B.stats_n : 1),
	       B.stats_n);
	printf("maxrss %ld kB\n", ru.ru_maxrss);

	fclose(null);
	free(samples);
	mem_deref(B.sub);
	mem_deref(B.m);
	mem_deref(B.bus);
	return 0;
}
