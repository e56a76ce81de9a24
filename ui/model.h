/* The console's picture of the engine, built only from the event stream
 * (DESIGN principle 3: the core knows no terminal).  The panes draw it;
 * the benchmark fills it with hundreds of calls without a socket. */
#ifndef SIPFLOW_UI_MODEL_H
#define SIPFLOW_UI_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <re.h>

struct event;

enum {
	UI_DIGITS = 12,        /* last DTMF digits shown per direction */
	UI_LADDER_MAX = 200,   /* SIP messages kept per call */
	UI_LOG_MAX = 100,      /* event log lines kept per call */
	UI_ONEWAY_S = 2,       /* one side silent this long: a warning */
	UI_CONCEAL_PCT = 50,   /* received audio mostly made up: a warning */
	UI_TICKS_PER_S = 50,   /* the engine's 20 ms frames */
	UI_LINGER_S = 3,       /* a terminated call stays this long */
};

/* One SIP message of a call's ladder. */
struct ui_sipmsg {
	struct le le;
	double t;
	bool tx;               /* we sent it */
	bool retrans;
	char first_line[96];
	char cseq[40];
};

/* One line of a call's event log (DTMF, play, record, errors, state). */
struct ui_logline {
	struct le le;
	double t;
	bool error;
	char text[160];
};

struct ui_inst {
	struct le le;
	char name[32];
	char addr[64];         /* ip:port/transport */
	char aor[128];
	char source[64];       /* the default outgoing audio */
	char reg[24];          /* registration state, "-" when none */
	unsigned calls;        /* calls not yet terminated */
	/* a PBX instance: who is registered with it, newest last */
	bool pbx;
	struct list bindings;  /* struct ui_binding */
	unsigned nbindings;
};

/* One registration at a PBX instance (pbx.reg). */
struct ui_binding {
	struct le le;
	char user[64];
	char contact[256];     /* the registrar refuses longer ones */
	double expires_t;      /* model time it runs out */
};

struct ui_call {
	struct le le;          /* in ui_model.calls, oldest first */
	struct le le_id;       /* in ui_model.by_sipid */
	struct le le_hash;     /* in ui_model.by_id */
	struct ui_inst *inst;
	char id[16];           /* the short call id, "c3" */
	char sip_callid[128];
	bool in;               /* incoming */
	char peer[128];
	char state[16];        /* call_state_name() */
	double state_t;        /* when it entered that state */
	int code;              /* terminated: SIP code and reason */
	char reason[64];
	char bridge[16];       /* a PBX leg: the call's other leg, "c3" */

	/* media.start / media.update */
	char codec[24];
	int pt;
	char local[64], remote[64];
	char mdir[12];

	/* rtp.stats: totals, and rates from the last two samples */
	uint64_t tx_pkts, rx_pkts, tx_bytes, rx_bytes;
	int64_t lost;
	double jitter_ms;
	uint64_t concealed, jb_dropped;
	double conceal_pct;    /* of the receive ticks since the last one */
	double stats_t;
	double tx_pps, rx_pps, tx_kbps, rx_kbps;
	double tx_grew_t, rx_grew_t;   /* last time a counter moved */

	char dtmf_rx[UI_DIGITS + 1], dtmf_tx[UI_DIGITS + 1];
	bool recording;
	double rec_t;          /* when it started (the path is in the log) */
	bool monitored;
	char mon_leg[8];
	/* monitor / monitor.stats: the delay now, its most, the ceiling,
	 * and what was dropped past it */
	int64_t mon_lat_ms, mon_max_ms, mon_ceil_ms, mon_drop_ms;
	bool playing;
	char play_file[128];   /* the file's base name */

	char *sdp_local, *sdp_remote;  /* bodies (mem), or NULL */
	struct list ladder;    /* struct ui_sipmsg, oldest first */
	unsigned ladder_n, ladder_dropped;
	struct list log;       /* struct ui_logline, oldest first */
	unsigned log_n;
	double gone_t;         /* when it terminated, 0 while alive */
};

struct ui_model {
	struct list insts;     /* struct ui_inst, in ua.ready order */
	struct list calls;     /* struct ui_call, oldest first */
	unsigned ninsts, ncalls, nalive;
	struct hash *by_id;    /* calls by short id: every event looks one up */
	struct list by_sipid;  /* calls with a known SIP Call-ID */
	struct list orphans;   /* SIP messages seen before their call */
	unsigned norphans;
	double now;            /* time of the last event or tick */
	char msg[256];         /* the message line: last error or note */
	bool msg_error;
	double msg_t;
	unsigned msg_seq;      /* counts messages: did a command report one? */
	bool dirty;            /* something changed since the last draw */
};

int  ui_model_alloc(struct ui_model **mp);
/* The event bus handler (arg: the model). */
void ui_model_event(const struct event *ev, void *arg);
/* Advance the clock to NOW: drop calls that lingered long enough.  Sets
 * dirty when the picture changed (clocks change every second). */
void ui_model_tick(struct ui_model *m, double now);
/* Show TEXT on the message line. */
void ui_model_message(struct ui_model *m, bool error, const char *fmt, ...);

struct ui_call *ui_model_call(const struct ui_model *m, const char *id);
struct ui_inst *ui_model_inst(const struct ui_model *m, const char *name);
/* "1001 127.0.0.1:5062, 1002 ..." into BUF: a PBX's registrations. */
void ui_inst_bindings(const struct ui_inst *i, char *buf, size_t size);
/* The one-way-audio warning at NOW: NULL, "no rx" (we send, nothing
 * comes back for UI_ONEWAY_S), "no tx" (the reverse) or "concealed"
 * (packets come, but more than UI_CONCEAL_PCT of what was played in the
 * last second was silence made up for missing frames). */
const char *ui_call_oneway(const struct ui_call *c, double now);
bool ui_call_alive(const struct ui_call *c);
/* What the engine calls INST's current call: its newest call alive. */
struct ui_call *ui_model_current_call(const struct ui_model *m,
				      const char *inst);

#endif
