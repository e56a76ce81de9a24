#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <re.h>
#include "base/event.h"
#include "sip/app.h"
#include "sip/conf.h"
#include "bench_util.h"

int bench_conf(struct conf **cp, uint16_t port, const char *rtp_ports)
{
	char path[] = "/tmp/sipflow-bench.XXXXXX", err[256];
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
	fprintf(f, "[general]\nrtp_ports = %s\nrtp_timeout = 0\n"
		"[a]\nuser = 1\nport = %u\nsource = tone:440\n"
		"[b]\nuser = 2\nport = %u\nsource = tone:660\n"
		"answer = auto\n", rtp_ports, port, port + 1U);
	fclose(f);
	e = conf_load(cp, path, err, sizeof(err));
	if (e)
		fprintf(stderr, "bench: %s\n", err);
	unlink(path);
	return e;
}

long bench_rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "VmRSS:", 6))
			kb = strtol(line + 6, NULL, 10);
	}
	if (f)
		fclose(f);
	return kb;
}

int bench_start(struct app **ap, struct conf **cp, struct evsub **subp,
		uint16_t port, const char *rtp_ports,
		void (*h)(const struct event *ev, void *arg))
{
	char err[256] = "";
	int e;

	if (libre_init())
		return EIO;
	app_raise_fd_limit();

	e = bench_conf(cp, port, rtp_ports);
	if (!e)
		e = app_alloc(ap, *cp);
	if (!e)
		e = evbus_subscribe(subp, (*ap)->env.bus, h, NULL);
	if (!e)
		e = app_start(*ap, err, sizeof(err));
	if (e)
		fprintf(stderr, "bench: start: %s (%s)\n", err, strerror(e));
	return e;
}
