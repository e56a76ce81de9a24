/* The console's model and session, fed through a real event bus on a
 * stopped clock: call rows, rates, the one-way-audio warning, lingering
 * calls, per-instance SIP ladders, and the scenario :save writes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <re.h>
#include "base/event.h"
#include "ui/model.h"
#include "ui/session.h"

struct fx {
	struct evbus *bus;
	struct evsub *sub;
	struct ui_model *m;
	struct session *s;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f || evbus_alloc(&f->bus) || ui_model_alloc(&f->m) ||
	    evbus_subscribe(&f->sub, f->bus, ui_model_event, f->m) ||
	    session_alloc(&f->s, f->bus))
		return -1;
	evbus_set_time(f->bus, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	mem_deref(f->s);
	mem_deref(f->sub);
	mem_deref(f->m);
	mem_deref(f->bus);
	free(f);
	return 0;
}

static void at(struct fx *f, double t)
{
	evbus_set_time(f->bus, t);
	ui_model_tick(f->m, t);
}

static void two_instances(struct fx *f)
{
	evbus_emit(f->bus, "ua.ready", "alice", NULL,
		   EVS("addr", "127.0.0.1:5060/UDP"), EVS("aor", "sip:1001@x"),
		   EVS("source", "tone:440"), EV_END);
	evbus_emit(f->bus, "ua.ready", "bob", NULL,
		   EVS("addr", "127.0.0.1:5061/UDP"), EVS("aor", "sip:1002@x"),
		   EVS("source", "tone:660"), EV_END);
}

static void state(struct fx *f, const char *ua, const char *call,
		  const char *st, const char *dir)
{
	evbus_emit(f->bus, "call.state", ua, call, EVS("state", st),
		   EVS("dir", dir), EVS("peer", "sip:peer@x"),
		   EVS("sip_callid", "abc"), EV_END);
}

static void stats_conc(struct fx *f, const char *ua, const char *call,
		       int64_t tx, int64_t rx, int64_t concealed)
{
	evbus_emit(f->bus, "rtp.stats", ua, call, EVI("tx_pkts", tx),
		   EVI("tx_bytes", tx * 172), EVI("rx_pkts", rx),
		   EVI("rx_bytes", rx * 172), EVI("lost", 0), EVI("ooo", 0),
		   EVD("jitter_ms", 0.5), EVI("rx_pt", 0),
		   EVI("concealed", concealed), EVI("jb_dropped", concealed / 2),
		   EV_END);
}

static void stats(struct fx *f, const char *ua, const char *call,
		  int64_t tx, int64_t rx)
{
	stats_conc(f, ua, call, tx, rx, 0);
}

static void media(struct fx *f, const char *ua, const char *call)
{
	evbus_emit(f->bus, "media.start", ua, call, EVS("codec", "PCMU/8000"),
		   EVI("pt", 0), EVS("local", "127.0.0.1:20000"),
		   EVS("remote", "127.0.0.1:20002"), EVS("dir", "sendrecv"),
		   EV_END);
}

static void test_instances_and_calls(void **st)
{
	struct fx *f = *st;
	struct ui_call *c;

	two_instances(f);
	assert_int_equal(f->m->ninsts, 2);
	assert_string_equal(ui_model_inst(f->m, "bob")->source, "tone:660");
	assert_string_equal(ui_model_inst(f->m, "bob")->reg, "-");

	at(f, 1);
	state(f, "alice", "c1", "calling", "out");
	state(f, "bob", "c2", "incoming", "in");
	assert_int_equal(f->m->ncalls, 2);
	assert_int_equal(ui_model_inst(f->m, "alice")->calls, 1);
	c = ui_model_call(f->m, "c2");
	assert_non_null(c);
	assert_true(c->in);
	assert_string_equal(c->state, "incoming");
	assert_true(c->state_t == 1);

	at(f, 3);
	state(f, "bob", "c2", "established", "in");
	assert_string_equal(c->state, "established");
	assert_true(c->state_t == 3);
	assert_int_equal(c->log_n, 2);
}

/* alice's call c1, established, its media started at 1 s. */
static struct ui_call *media_up(struct fx *f)
{
	struct ui_call *c;

	two_instances(f);
	state(f, "alice", "c1", "established", "out");
	c = ui_model_call(f->m, "c1");
	at(f, 1);
	media(f, "alice", "c1");
	return c;
}

static void test_rates_and_oneway(void **st)
{
	struct fx *f = *st;
	struct ui_call *c = media_up(f);

	assert_null(ui_call_oneway(c, 1));

	at(f, 2);
	stats(f, "alice", "c1", 50, 50);
	at(f, 3);
	stats(f, "alice", "c1", 100, 100);
	assert_true(c->tx_pps > 49.9 && c->tx_pps < 50.1);
	assert_true(c->rx_kbps > 68 && c->rx_kbps < 69);  /* 50*172*8 */
	assert_null(ui_call_oneway(c, 3));

	/* We keep sending; nothing comes back. */
	at(f, 4);
	stats(f, "alice", "c1", 150, 100);
	assert_null(ui_call_oneway(c, 4));    /* 1 s: not yet */
	at(f, 5);
	stats(f, "alice", "c1", 200, 100);
	assert_string_equal(ui_call_oneway(c, 5), "no rx");
	assert_true(c->rx_pps == 0);

	/* Back to both ways. */
	at(f, 6);
	stats(f, "alice", "c1", 250, 150);
	assert_null(ui_call_oneway(c, 6));

	/* The reverse. */
	at(f, 7);
	stats(f, "alice", "c1", 250, 200);
	at(f, 8);
	stats(f, "alice", "c1", 250, 250);
	assert_string_equal(ui_call_oneway(c, 8), "no tx");
}

/* Packets keep coming but what is played is mostly made up: the same
 * kind of warning as one-way audio, gone when the audio is whole again. */
static void test_concealed_warning(void **st)
{
	struct fx *f = *st;
	struct ui_call *c = media_up(f);

	at(f, 2);
	stats_conc(f, "alice", "c1", 50, 50, 0);
	at(f, 3);
	stats_conc(f, "alice", "c1", 100, 100, 10);     /* 20 %: fine */
	assert_null(ui_call_oneway(c, 3));
	assert_int_equal(c->concealed, 10);
	at(f, 4);
	stats_conc(f, "alice", "c1", 150, 150, 50);     /* 80 % */
	assert_string_equal(ui_call_oneway(c, 4), "concealed");
	assert_int_equal(c->jb_dropped, 25);
	at(f, 5);
	stats_conc(f, "alice", "c1", 200, 200, 50);
	assert_null(ui_call_oneway(c, 5));
}

static void test_terminated_lingers(void **st)
{
	struct fx *f = *st;
	struct ui_call *c;

	two_instances(f);
	state(f, "alice", "c1", "established", "out");
	at(f, 10);
	evbus_emit(f->bus, "call.state", "alice", "c1",
		   EVS("state", "terminated"), EVS("dir", "out"),
		   EVS("peer", "p"), EVS("sip_callid", "abc"), EVI("code", 486),
		   EVS("reason", "Busy Here"), EVS("by", "peer"), EV_END);
	c = ui_model_call(f->m, "c1");
	assert_non_null(c);
	assert_int_equal(c->code, 486);
	assert_false(ui_call_alive(c));
	assert_int_equal(f->m->nalive, 0);
	assert_int_equal(ui_model_inst(f->m, "alice")->calls, 0);

	at(f, 10 + UI_LINGER_S - 0.5);
	assert_non_null(ui_model_call(f->m, "c1"));
	at(f, 10 + UI_LINGER_S);
	assert_null(ui_model_call(f->m, "c1"));
	assert_int_equal(f->m->ncalls, 0);
}

static void sip(struct fx *f, const char *type, const char *ua,
		const char *line, bool retrans)
{
	evbus_emit(f->bus, type, ua, NULL, EVS("first_line", line),
		   EVS("cseq", "1 INVITE"), EVS("sip_callid", "abc"),
		   EVB("retrans", retrans), EV_END);
}

/* Both local ends of a call share its Call-ID; each ladder has only its
 * own instance's messages, including those sent before the call row. */
static void test_ladder_per_instance(void **st)
{
	struct fx *f = *st;
	struct ui_call *a, *b;
	struct ui_sipmsg *m0;

	two_instances(f);
	/* The offer goes out before the call's first state. */
	evbus_emit(f->bus, "sdp.local", "alice", "c1", EVS("sdp", "v=0\r\n"),
		   EV_END);
	sip(f, "sip.tx", "alice", "INVITE sip:1002@x SIP/2.0", false);
	state(f, "alice", "c1", "calling", "out");
	sip(f, "sip.rx", "bob", "INVITE sip:1002@x SIP/2.0", false);
	state(f, "bob", "c2", "incoming", "in");
	sip(f, "sip.tx", "bob", "SIP/2.0 100 Trying", false);
	sip(f, "sip.rx", "alice", "SIP/2.0 100 Trying", false);
	sip(f, "sip.tx", "alice", "INVITE sip:1002@x SIP/2.0", true);

	a = ui_model_call(f->m, "c1");
	b = ui_model_call(f->m, "c2");
	assert_string_equal(a->sdp_local, "v=0\r\n");
	assert_string_equal(a->state, "calling");
	assert_int_equal(f->m->ncalls, 2);
	assert_int_equal(a->ladder_n, 3);
	assert_int_equal(b->ladder_n, 2);
	m0 = list_head(&b->ladder)->data;
	assert_false(m0->tx);
	assert_string_equal(m0->first_line, "INVITE sip:1002@x SIP/2.0");
	assert_true(((struct ui_sipmsg *)list_tail(&a->ladder)->data)
		    ->retrans);
	assert_int_equal(f->m->norphans, 0);
}

static void test_dtmf_rec_monitor(void **st)
{
	struct fx *f = *st;
	struct ui_call *c;

	two_instances(f);
	state(f, "bob", "c2", "established", "in");
	c = ui_model_call(f->m, "c2");
	for (const char *d = "1234567890123#"; *d; d++) {
		char digit[2] = {*d, 0};
		evbus_emit(f->bus, "dtmf.rx", "bob", "c2",
			   EVS("digit", digit), EVS("method", "rfc4733"),
			   EVI("duration_ms", 100), EV_END);
	}
	assert_string_equal(c->dtmf_rx, "34567890123#");   /* the last 12 */

	at(f, 5);
	evbus_emit(f->bus, "rec.start", "bob", "c2", EVS("path", "r.wav"),
		   EVS("mode", "stereo"), EV_END);
	assert_true(c->recording);
	assert_true(c->rec_t == 5);
	evbus_emit(f->bus, "monitor", "bob", "c2", EVB("on", 1),
		   EVS("leg", "rx"), EVI("latency_ms", 47), EV_END);
	assert_true(c->monitored);
	assert_string_equal(c->mon_leg, "rx");
	evbus_emit(f->bus, "error", "bob", "c2", EVS("what", "record"),
		   EVS("detail", "disk full"), EV_END);
	assert_true(f->m->msg_error);
	assert_non_null(strstr(f->m->msg, "disk full"));
	assert_true(((struct ui_logline *)list_tail(&c->log)->data)->error);
}

static char *slurp(const char *path)
{
	static char buf[4096];
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* The saved chains: real waits, an expect before acting on an incoming
 * or established call, and a longer timeout when the operator was slow. */
static void test_session_save(void **st)
{
	struct fx *f = *st;
	char path[] = "/tmp/sipflow-test-session-XXXXXX";
	const char *want =
		"alice: wait 1500ms\n"
		"alice: call bob\n"
		"bob: expect incoming\n"
		"bob: wait 10250ms\n"
		"bob: answer\n"
		"alice: expect established 21s\n"
		"alice: wait 1000ms\n"
		"alice: dtmf 12\n"
		"bob: expect established\n"
		"bob: wait 19000ms\n"
		"bob: hangup\n";
	int fd = mkstemp(path);
	char *text;

	assert_true(fd >= 0);
	close(fd);
	two_instances(f);
	session_action(f->s, 1.5, "alice", NULL, "call", "bob");
	at(f, 1.75);
	state(f, "alice", "c1", "calling", "out");
	state(f, "bob", "c2", "incoming", "in");
	session_action(f->s, 12.0, "bob", "c2", "answer", "");
	at(f, 12.0);
	state(f, "bob", "c2", "established", "in");
	state(f, "alice", "c1", "established", "out");
	session_action(f->s, 13.0, "alice", "c1", "dtmf", "12");
	session_action(f->s, 31.0, "bob", "c2", "hangup", "");

	assert_int_equal(session_save(f->s, path, " -p 6000"), 0);
	text = slurp(path);
	if (!strstr(text, want))
		print_message("%s", text);
	assert_non_null(strstr(text, "# replay: sipflow -H -p 6000 -s "));
	assert_non_null(strstr(text, want));

	/* Saving twice gives the same chains. */
	assert_int_equal(session_save(f->s, path, NULL), 0);
	assert_non_null(strstr(slurp(path), want));
	unlink(path);

	assert_int_equal(session_save(f->s, "/nonexistent/dir/x.flow", NULL),
			 ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_instances_and_calls,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_concealed_warning, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rates_and_oneway, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_terminated_lingers,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ladder_per_instance,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_dtmf_rec_monitor, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_session_save, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
