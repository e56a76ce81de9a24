/* A call: one INVITE dialog (libre sipsess) and its audio stream. */
#ifndef SIPFLOW_CALL_H
#define SIPFLOW_CALL_H

#include <stdbool.h>
#include <stdint.h>
#include <re.h>

struct instance;
struct call;

enum call_state {
	CALL_CALLING,        /* INVITE sent */
	CALL_INCOMING,       /* INVITE received, 100 Trying sent */
	CALL_RINGING,        /* 180 sent or received */
	CALL_EARLY,          /* early media (18x with SDP) */
	CALL_ESTABLISHED,
	CALL_HELD,           /* we put the peer on hold */
	CALL_REMOTE_HELD,    /* the peer put us on hold */
	CALL_TERMINATED,
};

enum call_dir { CALL_OUT, CALL_IN };

const char *call_state_name(enum call_state st);
int  call_state_parse(enum call_state *st, const char *name);

/* Place a call to URI (already resolved). */
int  call_connect(struct call **cp, struct instance *inst, const char *uri,
		  char *err, size_t errsz);
/* An INVITE outside any dialog arrived (sipsess connect handler). */
void call_incoming(struct instance *inst, const struct sip_msg *msg);
/* A 2xx that belongs to none of libre's dialogs: a second fork. */
bool call_fork_response(struct instance *inst, const struct sip_msg *msg);

/* Operator and scenario actions.  Each returns 0 or an errno, with a
 * one-line reason in ERR. */
int  call_ring(struct call *call, char *err, size_t errsz);
int  call_progress(struct call *call, char *err, size_t errsz);
int  call_answer(struct call *call, char *err, size_t errsz);
int  call_reject(struct call *call, uint16_t code, char *err, size_t errsz);
int  call_hangup(struct call *call, char *err, size_t errsz);

/* Inside a call (call_media.c).  MODE and METHOD -1: the instance's
 * default; DUR_MS 0 and GAP_MS UINT32_MAX: the configured ones. */
int  call_play(struct call *call, const char *file, char *err, size_t errsz);
int  call_play_stop(struct call *call, char *err, size_t errsz);
int  call_record(struct call *call, bool start, int mode, char *err,
		 size_t errsz);
int  call_dtmf(struct call *call, const char *digits, int method,
	       uint32_t dur_ms, uint32_t gap_ms, char *err, size_t errsz);
/* Hear LEG (enum mon_leg; -1 toggles rx) of this call on the local audio
 * device, instead of any other call.  A device that cannot open is an
 * `error` event, not a failure. */
int  call_monitor(struct call *call, int leg, char *err, size_t errsz);
/* An INFO in the dialog: DTMF or 415. */
void call_info_received(struct call *call, struct sip *sip,
			const struct sip_msg *msg);

/* Once a second: statistics and the RTP timeout. */
void call_second(struct call *call, uint64_t now);

const char *call_id(const struct call *call);
struct instance *call_instance(const struct call *call);
const char *call_sip_callid(const struct call *call);
const char *call_peer(const struct call *call);
enum call_dir call_dir(const struct call *call);
enum call_state call_state(const struct call *call);
struct stream *call_stream(const struct call *call);

#endif
