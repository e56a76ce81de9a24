/* sip_probe: put one SIP datagram, exactly as written, in front of a user
 * agent, and show what comes back.
 *
 *   sip_probe [-l LPORT] [-a PORT] [-w MS] HOST:PORT FILE
 *                                                 send FILE, print answers
 *   sip_probe -c [-l LPORT] [-w MS] HOST:PORT     a normal call, exit 0 if
 *                                                 INVITE/200/ACK/BYE/200 ran
 *   sip_probe -d FILE                             FILE's octets to stdout
 *
 * FILE is written the way RFC 4475 writes its messages: leading lines that
 * start with "# " are notes, every line ends in CRLF on the wire, and
 * <hex>..</hex> stands for octets that cannot be typed (NUL, BEL, trailing
 * spaces).  "IN IP4 192.0.2." becomes "IN IP4 127.0.0." (same length, so
 * every Content-Length stays true): whatever a peer answers with media,
 * that media stays on loopback.
 *
 * An answer goes where the request's Via says (RFC 3261 18.2.2): to the
 * source address, but the Via's port, 5060 if none.  So the probe sends
 * from LPORT and also listens on each -a PORT (up to 4).
 *
 * Each datagram received is printed as its header block (line ends as
 * LF) and a line "--".  A 2xx to an INVITE is acknowledged and the call
 * hung up with BYE, so the agent under test never has to reach the
 * made-up hosts in the message.  It waits until the request has its final
 * answer (and the BYE its own), or MS milliseconds (default 3000), and
 * ends with "final: CODE" (0: none came). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <stdbool.h>
#include <unistd.h>

enum { MAX_MSG = 65535 };
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct msg {
	char *buf;
	size_t len;
};

static void die(const char *what)
{
	fprintf(stderr, "sip_probe: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void put(struct msg *m, const void *p, size_t n)
{
	if (m->len + n > MAX_MSG) {
		fprintf(stderr, "sip_probe: message larger than %d octets\n",
			MAX_MSG);
		exit(2);
	}
	memcpy(m->buf + m->len, p, n);
	m->len += n;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* FILE in RFC 4475 notation -> the octets to send */
static void load(const char *path, struct msg *m)
{
	static char text[MAX_MSG + 1];
	const char *p, *end, *rewrite = "IN IP4 192.0.2.";
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		die(path);
	n = fread(text, 1, MAX_MSG, f);
	fclose(f);
	text[n] = '\0';

	p = text;
	end = text + n;
	while (p < end && !strncmp(p, "# ", 2)) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		p = nl ? nl + 1 : end;
	}

	m->buf = malloc(MAX_MSG);
	m->len = 0;
	if (!m->buf)
		die("malloc");
	while (p < end) {
		if (*p == '\n') {
			put(m, "\r\n", 2);
			p++;
		}
		else if (!strncmp(p, "<hex>", 5)) {
			p += 5;
			while (p + 1 < end && strncmp(p, "</hex>", 6)) {
				int hi = hexval(p[0]), lo = hexval(p[1]);
				char c;

				if (hi < 0 || lo < 0) {
					fprintf(stderr, "sip_probe: %s: bad "
						"<hex> digit\n", path);
					exit(2);
				}
				c = (char)(hi << 4 | lo);
				put(m, &c, 1);
				p += 2;
			}
			p += 6;
		}
		else if (!strncmp(p, rewrite, strlen(rewrite))) {
			put(m, "IN IP4 127.0.0.", strlen(rewrite));
			p += strlen(rewrite);
		}
		else {
			put(m, p, 1);
			p++;
		}
	}
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The value of header NAME (or its compact form) in a message this agent
 * under test wrote; NULL if absent.  Good enough for well-formed answers,
 * which is all it reads. */
static const char *header(const char *msg, const char *name,
			  const char *compact, char *out, size_t outsz)
{
	const char *line = strstr(msg, "\r\n");

	while (line && line[2] != '\r') {
		const char *h = line + 2, *colon = strchr(h, ':');
		const char *eol = strstr(h, "\r\n");
		size_t nl;

		/* a folded value goes on on lines that start with LWS */
		while (eol && (eol[2] == ' ' || eol[2] == '\t'))
			eol = strstr(eol + 2, "\r\n");

		if (!colon || !eol || colon > eol)
			break;
		nl = (size_t)(colon - h);
		while (nl && (h[nl - 1] == ' ' || h[nl - 1] == '\t'))
			nl--;
		if ((nl == strlen(name) && !strncasecmp(h, name, nl)) ||
		    (compact && nl == strlen(compact) &&
		     !strncasecmp(h, compact, nl))) {
			const char *v = colon + 1;
			size_t vl;

			while (*v == ' ' || *v == '\t')
				v++;
			vl = (size_t)(eol - v);
			if (vl >= outsz)
				vl = outsz - 1;
			memcpy(out, v, vl);
			out[vl] = '\0';
			return out;
		}
		line = eol;
	}
	return NULL;
}

/* "0009\r\n  INVITE" -> "9 INVITE": the number as digits (it may be
 * too large for any integer: RFC 4475 scalar02), one space, the method */
static void cseq_norm(char *cs)
{
	char out[256], *p = cs, *o = out;

	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	while (*p == '0' && p[1] >= '0' && p[1] <= '9')
		p++;
	while (*p >= '0' && *p <= '9' && o < out + 200)
		*o++ = *p++;
	*o++ = ' ';
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	while (*p && *p != ' ' && *p != '\t' && *p != '\r' &&
	       o < out + sizeof(out) - 1)
		*o++ = *p++;
	*o = '\0';
	strcpy(cs, out);
}

static unsigned status_of(const char *msg)
{
	return strncmp(msg, "SIP/2.0 ", 8) ? 0 :
		(unsigned)strtoul(msg + 8, NULL, 10);
}

static void show(const char *msg, size_t len)
{
	const char *eoh = strstr(msg, "\r\n\r\n");
	size_t n = eoh ? (size_t)(eoh - msg) : len;

	for (size_t i = 0; i < n; i++) {
		if (msg[i] == '\r' && i + 1 < n && msg[i + 1] == '\n')
			continue;
		putchar(msg[i] ? msg[i] : '?');
	}
	printf("\n--\n");
	fflush(stdout);
}

struct probe {
	int fd;
	int also[4];
	size_t n_also;
	struct sockaddr_in peer;
	unsigned lport;
	char host[64];
	unsigned port;
};

static void send_msg(struct probe *pr, const char *buf, size_t len)
{
	if (sendto(pr->fd, buf, len, 0, (struct sockaddr *)&pr->peer,
		   sizeof(pr->peer)) < 0)
		die("sendto");
}

/* An in-dialog request (ACK or BYE) for the call a 2xx just set up. */
static void send_in_dialog(struct probe *pr, const char *ok,
			   const char *method, unsigned cseq)
{
	char from[2048], to[2048], callid[1024], contact[1024], uri[1024];
	char req[8192];
	const char *lt, *gt;
	int n;

	if (!header(ok, "From", "f", from, sizeof(from)) ||
	    !header(ok, "To", "t", to, sizeof(to)) ||
	    !header(ok, "Call-ID", "i", callid, sizeof(callid))) {
		fprintf(stderr, "sip_probe: a 2xx without From/To/Call-ID\n");
		exit(2);
	}
	snprintf(uri, sizeof(uri), "sip:%s:%u", pr->host, pr->port);
	if (header(ok, "Contact", "m", contact, sizeof(contact)) &&
	    (lt = strchr(contact, '<')) && (gt = strchr(lt, '>')))
		snprintf(uri, sizeof(uri), "%.*s", (int)(gt - lt - 1), lt + 1);

	n = snprintf(req, sizeof(req),
		     "%s %s SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bK%s%lx\r\n"
		     "Max-Forwards: 70\r\n"
		     "From: %s\r\nTo: %s\r\nCall-ID: %s\r\n"
		     "CSeq: %u %s\r\nContent-Length: 0\r\n\r\n",
		     method, uri, pr->lport, method, random(), from, to,
		     callid, cseq, method);
	send_msg(pr, req, (size_t)n);
}

/* Wait for answers to the request with Call-ID CALLID and CSeq CSEQ
 * METHOD; hang up a call it sets up.  The final status, or 0. */
static unsigned collect(struct probe *pr, const char *callid,
			const char *cseq, const char *method, double deadline)
{
	static char buf[MAX_MSG + 1];
	unsigned final = 0, bye_cseq = 0;
	unsigned long num = strtoul(cseq, NULL, 10);

	for (;;) {
		struct pollfd pfd[5] = {{.fd = pr->fd, .events = POLLIN}};
		double left = deadline - now_ms();
		char cid[1024], cs[256], want[256];
		ssize_t n;
		unsigned code;

		if (left <= 0)
			return final;
		for (size_t i = 0; i < pr->n_also; i++)
			pfd[i + 1] = (struct pollfd){.fd = pr->also[i],
						     .events = POLLIN};
		if (poll(pfd, 1 + pr->n_also, (int)left + 1) <= 0)
			continue;
		n = -1;
		for (size_t i = 0; n < 0 && i <= pr->n_also; i++) {
			if (pfd[i].revents & POLLIN)
				n = recv(pfd[i].fd, buf, MAX_MSG, 0);
		}
		if (n <= 0)
			continue;
		/* a NUL would end every string search below */
		for (ssize_t i = 0; i < n; i++)
			buf[i] = buf[i] ? buf[i] : '?';
		buf[n] = '\0';
		show(buf, (size_t)n);

		code = status_of(buf);
		if (!code || !callid ||
		    strcmp(header(buf, "Call-ID", "i", cid, sizeof(cid)) ?
			   cid : "", callid) ||
		    !header(buf, "CSeq", NULL, cs, sizeof(cs)))
			continue;
		cseq_norm(cs);
		snprintf(want, sizeof(want), "%s", cseq);
		if (!strcmp(cs, want) && code >= 200 && !final) {
			final = code;
			if (code >= 300 || strcmp(method, "INVITE"))
				return final;
			send_in_dialog(pr, buf, "ACK", (unsigned)num);
			bye_cseq = (unsigned)num + 1;
			send_in_dialog(pr, buf, "BYE", bye_cseq);
			continue;
		}
		snprintf(want, sizeof(want), "%u BYE", bye_cseq);
		if (bye_cseq && !strcmp(cs, want) && code >= 200) {
			if (code >= 300)
				fprintf(stderr, "sip_probe: BYE got %u\n",
					code);
			return code >= 300 ? code : final;
		}
	}
}

/* The request line's method, Call-ID and CSeq of what we send. */
static void identify(const struct msg *m, char *method, size_t msz,
		     char *callid, size_t csz, char *cseq, size_t cssz)
{
	char *text = malloc(m->len + 1), cs[256];
	size_t ml;

	if (!text)
		die("malloc");
	for (size_t i = 0; i < m->len; i++)
		text[i] = m->buf[i] ? m->buf[i] : '?';
	text[m->len] = '\0';
	ml = strcspn(text, " ");
	snprintf(method, msz, "%.*s", (int)ml, text);
	if (!header(text, "Call-ID", "i", callid, csz))
		callid[0] = '\0';
	if (header(text, "CSeq", NULL, cs, sizeof(cs))) {
		cseq_norm(cs);
		snprintf(cseq, cssz, "%s", cs);
	}
	else {
		snprintf(cseq, cssz, "0 %.200s", method);
	}
	free(text);
}

static int normal_call(struct probe *pr, double deadline)
{
	char req[4096], sdp[512], callid[64];
	unsigned code;
	int n, sl;

	snprintf(callid, sizeof(callid), "probe-call.%lx", random());
	sl = snprintf(sdp, sizeof(sdp),
		      "v=0\r\no=probe 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
		      "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
		      "m=audio %u RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n",
		      pr->lport + 1);
	n = snprintf(req, sizeof(req),
		     "INVITE sip:probe@%s:%u SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bKcall%lx\r\n"
		     "Max-Forwards: 70\r\n"
		     "From: <sip:probe@127.0.0.1:%u>;tag=p%lx\r\n"
		     "To: <sip:probe@%s:%u>\r\nCall-ID: %s\r\n"
		     "CSeq: 1 INVITE\r\n"
		     "Contact: <sip:probe@127.0.0.1:%u>\r\n"
		     "Content-Type: application/sdp\r\n"
		     "Content-Length: %d\r\n\r\n%s",
		     pr->host, pr->port, pr->lport, random(), pr->lport,
		     random(), pr->host, pr->port, callid, pr->lport, sl, sdp);
	send_msg(pr, req, (size_t)n);
	code = collect(pr, callid, "1 INVITE", "INVITE", deadline);
	if (code / 100 != 2) {
		fprintf(stderr, "sip_probe: the normal call got %u\n", code);
		return 1;
	}
	return 0;
}

static int bound_socket(unsigned port)
{
	struct sockaddr_in local = {.sin_family = AF_INET};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		die("socket");
	local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	local.sin_port = htons((uint16_t)port);
	if (bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0)
		die("bind");
	return fd;
}

static void usage(void)
{
	fprintf(stderr, "usage: sip_probe [-l LPORT] [-a PORT] [-w MS] "
		"HOST:PORT FILE\n"
		"       sip_probe -c [-l LPORT] [-w MS] HOST:PORT\n"
		"       sip_probe -d FILE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct probe pr = {.lport = 0};
	struct sockaddr_in local;
	unsigned also[4];
	int opt, call = 0, dump = 0;
	double wait_ms = 3000;
	char *colon;

	while ((opt = getopt(argc, argv, "a:cdl:w:")) != -1) {
		switch (opt) {
		case 'a':
			if (pr.n_also == ARRAY_LEN(also))
				usage();
			also[pr.n_also++] = (unsigned)atoi(optarg);
			break;
		case 'c': call = 1; break;
		case 'd': dump = 1; break;
		case 'l': pr.lport = (unsigned)atoi(optarg); break;
		case 'w': wait_ms = atof(optarg); break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;

	if (dump) {
		struct msg m;

		if (argc != 1)
			usage();
		load(argv[0], &m);
		fwrite(m.buf, 1, m.len, stdout);
		free(m.buf);
		return 0;
	}
	if (argc != (call ? 1 : 2))
		usage();

	colon = strrchr(argv[0], ':');
	if (!colon)
		usage();
	snprintf(pr.host, sizeof(pr.host), "%.*s", (int)(colon - argv[0]),
		 argv[0]);
	pr.port = (unsigned)atoi(colon + 1);
	pr.peer.sin_family = AF_INET;
	pr.peer.sin_port = htons((uint16_t)pr.port);
	if (inet_pton(AF_INET, pr.host, &pr.peer.sin_addr) != 1)
		usage();

	srandom((unsigned)getpid() ^ (unsigned)now_ms());
	pr.fd = bound_socket(pr.lport);
	for (size_t i = 0; i < pr.n_also; i++)
		pr.also[i] = bound_socket(also[i]);
	{
		socklen_t sl = sizeof(local);

		getsockname(pr.fd, (struct sockaddr *)&local, &sl);
		pr.lport = ntohs(local.sin_port);
	}

	if (call)
		return normal_call(&pr, now_ms() + wait_ms);

	{
		struct msg m;
		char method[256], callid[1024], cseq[256];
		bool request;

		load(argv[1], &m);
		identify(&m, method, sizeof(method), callid, sizeof(callid),
			 cseq, sizeof(cseq));
		request = strcmp(method, "SIP/2.0") != 0;
		send_msg(&pr, m.buf, m.len);
		printf("final: %u\n",
		       collect(&pr, request ? callid : NULL, cseq, method,
			       now_ms() + wait_ms));
		free(m.buf);
	}
	close(pr.fd);
	return 0;
}
