/* An instance: one SIP user agent with its own `struct sip` stack and
 * socket (libre-notes §2: a shared stack sends from the wrong port). */
#ifndef SIPFLOW_INSTANCE_H
#define SIPFLOW_INSTANCE_H

#include <re.h>

struct app;
struct inst_conf;
struct clip;
struct call;

struct instance {
	struct le le;
	struct app *app;
	struct inst_conf *cfg;      /* referenced from the app's conf */
	const char *name;           /* == cfg->name */
	struct sa laddr;            /* SIP address and port */
	char aor[160];              /* sip:user@ip:port */
	struct sip *sip;
	struct sipsess_sock *sock;
	struct sip_lsnr *lsnr_fork;
	struct list calls;          /* struct call, oldest first */
	struct clip *source;        /* default outgoing audio at 8 kHz */
	uint16_t rtp_min, rtp_max;
	uint64_t rtp_timeout_ms;
	uint32_t recent[256];       /* keys of recent SIP messages */
	unsigned recent_pos;
	struct sip *sip_closing;    /* the stack while it finishes */
	struct tmr tmr_close;
	bool closing;
	bool exit_seen;
	bool closed;
};

int  instance_alloc(struct instance **ip, struct app *app,
		    struct inst_conf *cfg, char *err, size_t errsz);
/* The call commands act on: the newest call not yet terminated. */
struct call *instance_current_call(const struct instance *inst);
/* The call with short id ID ("c3"), or NULL. */
struct call *instance_call(const struct instance *inst, const char *id);
/* Hang up all calls, let their BYE/CANCEL transactions finish, then
 * report to app_instance_closed(). */
void instance_close(struct instance *inst);

#endif
