/* A datagram on an instance's SIP port, the way a peer sends it: two
 * instances (alice answers at once, bob leaves calls ringing) run in
 * this process, the input goes to one of them over loopback UDP and the
 * event loop runs until the message was handled: libre's parser, the
 * trace into sip.rx events, incoming calls with their SDP, INFO, BYE,
 * CANCEL and stray responses.  Every event is written as JSON, which
 * must stay one line of printable text whatever the input was. */
#define _GNU_SOURCE   /* memmem */
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
	    evbus_subscribe(&sub, app->env.bus, event_handler, NULL)) {
		fprintf(stderr, "fuzz_sip: cannot start: %s\n", err);
		abort();
	}

	i = 0;
	for (le = app->instances.head; le && i < 2; le = le->next, i++) {
		struct instance *inst = le->data;

		if (sip_transp_laddr(inst->sip, &port[i], SIP_TRANSP_UDP,
				     NULL))
			abort();
	}
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	(void)sa_set_str(&from, "127.0.0.1", PORT_SIP + 2);
	if (sock < 0 || bind(sock, &from.u.sa, from.len)) {
		perror("fuzz_sip: the peer's socket, 127.0.0.1:13962");
		abort();
	}
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

/* The To tag of the last response that had one: what makes a later
 * message of the same input part of the dialog the first one opened. */
static char totag[64];

/* Take what came back; true when anything did. */
static bool read_responses(void)
{
	char buf[4096];
	bool any = false;
	ssize_t n;

	while ((n = recv(sock, buf, sizeof(buf) - 1, 0)) > 0) {
		any = true;
		char *to, *tag, *end;

		buf[n] = '\0';
		to = strstr(buf, "\r\nTo:");
		tag = to ? strstr(to, ";tag=") : NULL;
		end = tag ? strpbrk(tag + 5, ";\r\n> ") : NULL;
		if (end && (size_t)(end - tag - 5) < sizeof(totag)) {
			memcpy(totag, tag + 5, (size_t)(end - tag - 5));
			totag[end - tag - 5] = '\0';
		}
	}
	return any;
}

/* Run the loop until an answer came back, or 10 ms: a busy machine
 * must not send the next message of an input before the first one's
 * answer told us the tag. */
static void await_answer(void)
{
	for (int i = 0; i < 10; i++) {
		run_loop(1);
		if (read_responses())
			return;
	}
}

/* Send MSG with every "{totag}" replaced by the tag we last saw. */
static void send_msg(const struct sa *to, const uint8_t *msg, size_t len)
{
	static const char mark[] = "{totag}";
	static uint8_t out[65536];
	size_t n = 0, tl = strlen(totag);

	for (size_t i = 0; i < len && n + tl < sizeof(out); ) {
		if (len - i >= sizeof(mark) - 1 &&
		    !memcmp(msg + i, mark, sizeof(mark) - 1)) {
			memcpy(out + n, totag, tl);
			n += tl;
			i += sizeof(mark) - 1;
		}
		else {
			out[n++] = msg[i++];
		}
	}
	(void)sendto(sock, out, n, 0, &to->u.sa, to->len);
}

/* Input: [instance byte] then one or more messages separated by a line
 * "--next--": an INVITE that opens a dialog, then a re-INVITE, INFO or
 * BYE in it ("{totag}" stands for the tag our instance chose). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = "\r\n--next--\r\n";
	const uint8_t *p, *end;
	const struct sa *to;

	if (!size)
		return 0;
	to = &port[data[0] & 1];
	totag[0] = '\0';
	p = data + 1;
	end = data + size;
	while (p < end) {
		const uint8_t *q = memmem(p, (size_t)(end - p), sep,
					  sizeof(sep) - 1);
		size_t len = (size_t)((q ? q : end) - p);

		/* a message ends with the separator's CRLF */
		send_msg(to, p, q ? len + 2 : len);
		await_answer();
		p = q ? q + sizeof(sep) - 1 : end;
	}
	hang_up_all();
	run_loop(1);
	read_responses();
	return 0;
}
