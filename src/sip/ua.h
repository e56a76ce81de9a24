/* A user agent as its calls see it: the engine's shared services and the
 * instance's own SIP stack, addresses and settings.  instance.c fills it
 * in and owns its life; the call files read it and never include
 * instance.h or app.h, so the include graph has no circle. */
#ifndef SIPFLOW_UA_H
#define SIPFLOW_UA_H

#include <stdbool.h>
#include <stdint.h>
#include <re.h>

struct conf;
struct inst_conf;
struct evbus;
struct sched;
struct recwriter;
struct loader;
struct monitor;
struct clip;
struct instance;
struct pbx;

/* The methods a user agent takes (OPTIONS, refusals, every INVITE and
 * its answers) and the extension it supports (RFC 3891 Replaces). */
#define UA_ALLOW "INVITE, ACK, CANCEL, BYE, INFO, OPTIONS, REFER, NOTIFY, " \
	"UPDATE"
#define UA_CAPS "Allow: " UA_ALLOW "\r\nSupported: replaces\r\n"

/* Make sure INST can send to URI: the transport it names is added when
 * missing (instance_transport_for, which the calls may not include). */
typedef int (ua_transport_h)(struct instance *inst, const char *uri,
			     char *err, size_t errsz);

/* What all instances share.  The app owns it and everything in it. */
struct ua_env {
	struct conf *conf;
	struct evbus *bus;
	struct sched *sched;       /* 20 ms pacing of every stream */
	struct recwriter *recw;    /* the recording writer thread */
	struct loader *loader;     /* decodes sound files off the loop */
	struct monitor *monitor;   /* local listening, opened on first use */
	const char *audio_device;  /* --audio-device, or NULL: default */
	unsigned call_seq;         /* the last short call id given, c<N> */
	ua_transport_h *transport_for;  /* NULL: the instance's own only */
	const struct list *instances;   /* every instance (a PBX routes to
					 * them by number) */
};

/* An instance has closed its stack for good (after instance_close). */
typedef void (instance_closed_h)(void *arg);

/* An instance: one SIP user agent with its own `struct sip` stack and
 * socket (libre-notes §2: a shared stack sends from the wrong port). */
struct instance {
	struct le le;
	struct ua_env *env;
	struct inst_conf *cfg;      /* referenced from the app's conf */
	const char *name;           /* == cfg->name */
	struct sa laddr;            /* SIP address and port */
	char aor[160];              /* sip:user@ip:port */
	struct sip *sip;
	struct tls *tls;            /* for TLS, main or added */
	unsigned extra_transports;  /* 1 << enum sip_transp, added to call */
	struct sipsess_sock *sock;
	struct sipevent_sock *evsock; /* REFER subscriptions, NOTIFY */
	struct sip_lsnr *lsnr_fork;
	struct sip_lsnr *lsnr_req;  /* requests no session took */
	struct sip_lsnr *lsnr_gate; /* requests RFC 3261 refuses */
	struct list calls;          /* struct call, oldest first */
	unsigned ncalls;            /* calls so far: a call's #N */
	struct sipreg *reg;         /* while registering or registered */
	struct pbx *pbx;            /* mode = pbx: registrar and B2BUA */
	struct list pings;          /* OPTIONS awaiting their answer */
	struct tmr tmr_reg;
	unsigned reg_auth_tries;    /* credentials given since the last 2xx */
	struct clip *source;        /* default outgoing audio at 8 kHz */
	uint16_t rtp_min, rtp_max;
	uint64_t rtp_timeout_ms;
	uint32_t recent[256];       /* keys of recent SIP messages */
	unsigned recent_pos;
	struct sip *sip_closing;    /* the stack while it finishes */
	struct tmr tmr_close;
	instance_closed_h *closedh;
	void *closed_arg;
	bool closing;               /* takes no new calls */
	bool exit_seen;
	bool freeing;               /* in the destructor */
	bool closed;
};

#endif
