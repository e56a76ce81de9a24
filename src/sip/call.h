/* A call: one INVITE dialog (libre sipsess) and its audio stream. */
#ifndef SIPFLOW_CALL_H
#define SIPFLOW_CALL_H

#include <stdbool.h>
#include <stdint.h>
#include <re.h>

struct instance;
struct call;
struct codec_list;

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
/* ... and name it LABEL for scenario lines (NULL: no name). */
int  call_connect_as(struct call **cp, struct instance *inst, const char *uri,
		     const char *label, char *err, size_t errsz);
/* An INVITE outside any dialog arrived (sipsess connect handler). */
void call_incoming(struct instance *inst, const struct sip_msg *msg);

/* ---- for a B2BUA (the PBX): a call another object drives ---- */

/* Called after every call.state the call emits, terminated included. */
typedef void (call_watch_h)(struct call *call, void *arg);

/* What call_place() needs beyond the target URI.  NULL fields: the
 * instance's own (From, display name, codecs in preference order). */
struct call_prm {
	const char *uri;
	const char *from;          /* From URI */
	const char *display;
	const struct codec_list *codecs;
	const char *hdrs;          /* extra header lines, each ending CRLF */
	const char *label;         /* a name for scenario lines */
	call_watch_h *watch;
	void *arg;
};

/* Take the INVITE in MSG as a new incoming call (100 Trying, offer
 * checked) without the instance's answer policy: the watcher answers.
 * *CP is NULL when the call already ended (a 488 to its offer). */
int  call_take(struct call **cp, struct instance *inst,
	       const struct sip_msg *msg, call_watch_h *watch, void *arg);
/* Place a call as PRM says. */
int  call_place(struct call **cp, struct instance *inst,
		const struct call_prm *prm, char *err, size_t errsz);
void call_set_watch(struct call *call, call_watch_h *watch, void *arg);
/* The codec we would answer the peer's offer with, or NULL. */
const struct codec *call_offered_codec(const struct call *call);
/* How a terminated call ended: code, reason, "local" or "remote". */
uint16_t call_end_code(const struct call *call);
const char *call_end_reason(const struct call *call);
const char *call_end_by(const struct call *call);
/* Who holds: we hold the peer (our offer said so), the peer holds us. */
bool call_local_hold(const struct call *call);
bool call_remote_hold(const struct call *call);
/* Established or held, by either side. */
bool call_is_up(const struct call *call);
/* Our re-INVITE awaits its answer. */
bool call_modify_busy(const struct call *call);
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
/* A mixed recording and a stereo one (NAME-stereo.wav) at once. */
int  call_record_both(struct call *call, char *err, size_t errsz);
int  call_dtmf(struct call *call, const char *digits, int method,
	       uint32_t dur_ms, uint32_t gap_ms, char *err, size_t errsz);
/* Hear LEG (enum mon_leg; -1 toggles rx) of this call on the local audio
 * device, instead of any other call.  A device that cannot open is an
 * `error` event, not a failure. */
int  call_monitor(struct call *call, int leg, char *err, size_t errsz);
/* An INFO in the dialog: DTMF or 415. */
void call_info_received(struct call *call, struct sip *sip,
			const struct sip_msg *msg);

/* Mid-call (call_hold.c): a re-INVITE that holds the peer (as the
 * instance's hold style says) or resumes it. */
int  call_hold(struct call *call, bool hold, char *err, size_t errsz);
/* Transfer (call_transfer.c): REFER the peer to URI (blind), or, with
 * CONSULT, to CONSULT's peer with Replaces (attended). */
int  call_transfer(struct call *call, const char *uri, struct call *consult,
		   char *err, size_t errsz);
/* refer = ask (call_refer.c): the operator's answer to the peer's
 * REFER. */
int  call_refer_decide(struct call *call, bool accept, char *err,
		       size_t errsz);
/* The session after it is up (call_modify.c): an UPDATE in the dialog,
 * the call a request belongs to, a response the instance received. */
void call_update_received(struct call *call, const struct sip_msg *msg);
/* Would the offer in MSG (a re-INVITE) negotiate?  False with the reason
 * in WHY when nothing in it matches our codecs. */
bool call_offer_acceptable(const struct call *call, const struct sip_msg *msg,
			   char *why, size_t whysz);
/* 488 with RFC 3261's Warning 305 to the offer in MSG; the call goes on
 * as it was.  WHY, when not NULL, goes into an `error` event. */
void call_refuse_offer(struct call *call, const struct sip_msg *msg,
		       const char *why);
struct call *call_of_dialog(const struct list *calls,
			    const struct sip_msg *msg);
void call_response_seen(struct instance *inst, const struct sip_msg *msg);

/* A name for scenario lines (`call bob as NAME`); EEXIST when a call of
 * the instance that is up has it. */
int  call_set_label(struct call *call, const char *label);
const char *call_label(const struct call *call);
/* N for the instance's Nth call (from 1), which "#N" names. */
unsigned call_ordinal(const struct call *call);

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
