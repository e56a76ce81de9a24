/* A datagram on an instance's SIP port, the way a peer sends it: two
 * instances (alice answers at once, bob leaves calls ringing) run in
 * this process, the input goes to one of them over loopback UDP and the
 * event loop runs until the message was handled: libre's parser, the
 * trace into sip.rx events, incoming calls with their SDP, INFO, BYE,
 * CANCEL and stray responses.  Every event is written as JSON, which
 * must stay one line of printable text whatever the input was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <re.h>
#include "base/event.h"
#include "fuzz.h"
#include "sip/app.h"
#include "sip/call.h"
#include "sip/conf.h"
#include "sip/instance.h"

/* block 199 of tests/lib.sh's SIP ports; RTP above every block */
enum { PORT_SIP = 13960, PORT_RTP = 42000 };

static struct app *app;
static struct evsub *sub;
static int sock = -1;
static struct sa port[2];

static void stop(void *arg)
{
	(void)arg;
	re_cancel();
}

/* Run the loop for MS milliseconds. */
static void run_loop(unsigned ms)
{
	struct tmr t;

	tmr_init(&t);
	tmr_start(&t, ms, stop, NULL);
	(void)re_main(NULL);
	tmr_cancel(&t);
}

static void event_handler(const struct event *ev, void *arg)
{
	struct mbuf *mb = mbuf_alloc(512);
	(void)arg;

	if (!mb)
		return;
	if (!mbuf_printf(mb, "%H", event_print_json, ev)) {
		for (size_t i = 0; i < mb->end; i++) {
			if (mb->buf[i] < 0x20)
				abort();   /* raw control byte in JSON */
		}
		/* FUZZ_TRACE=1: what an input did, for whoever reads a
		 * finding */
		if (getenv("FUZZ_TRACE"))
			fprintf(stderr, "%.*s\n", (int)mb->end, mb->buf);
	}
	mem_deref(mb);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct conf *conf = NULL;
	struct sa from;
	char err[256];
	struct le *le;
	int i = 0;
	(void)argc;
	(void)argv;

	fuzz_libre_init();
	if (conf_default(&conf) || app_alloc(&app, conf))
		abort();
	/* Fixed ports clear of the suite's blocks (tests/lib.sh): the
	 * replay runs beside the other tests. */
	for (le = conf->instances.head; le; le = le->next, i++) {
		struct inst_conf *ic = le->data;

		(void)answer_policy_parse(&ic->answer, i ? "manual" : "auto");
		ic->port = (uint16_t)(PORT_SIP + i);
		ic->rtp_min = (uint16_t)(PORT_RTP + 500 * i);
		ic->rtp_max = (uint16_t)(PORT_RTP + 500 * i + 499);
	}
	mem_deref(conf);
	if (app_start(app, err, sizeof(err)) ||
	    evbus_subscribe(&sub, app->env.bus, event_handler, NULL))
		abort();

	i = 0;
	for (le = app->instances.head; le && i < 2; le = le->next, i++) {
		struct instance *inst = le->data;

		if (sip_transp_laddr(inst->sip, &port[i], SIP_TRANSP_UDP,
				     NULL))
			abort();
	}
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	(void)sa_set_str(&from, "127.0.0.1", PORT_SIP + 2);
	if (sock < 0 || bind(sock, &from.u.sa, from.len))
		abort();
	return 0;
}

static void hang_up_all(void)
{
	struct le *le, *cle;
	char err[128];

	for (le = app->instances.head; le; le = le->next) {
		struct instance *inst = le->data;

		for (cle = inst->calls.head; cle; cle = cle->next)
			(void)call_hangup(cle->data, err, sizeof(err));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct sa *to;
	char junk[2048];

	if (!size)
		return 0;
	/* the first byte picks the instance */
	to = &port[data[0] & 1];
	(void)sendto(sock, data + 1, size - 1, 0, &to->u.sa, to->len);
	run_loop(2);
	hang_up_all();
	run_loop(1);
	while (recv(sock, junk, sizeof(junk), 0) > 0)
		;
	return 0;
}
