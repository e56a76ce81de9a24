/* Inside a call: the structure and what the call files share.  Only
 * src/sip/call*.c include this; everyone else uses call.h. */
#ifndef SIPFLOW_CALL_INT_H
#define SIPFLOW_CALL_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <re.h>
#include "base/event.h"
#include "call.h"

#include "media/sdpneg.h"

struct call {
	struct le le;               /* in instance->calls */
	struct instance *inst;
	char id[16];
	unsigned ordinal;           /* the instance's Nth call: "#N" */
	enum call_state state;
	enum call_dir dir;
	char *peer;
	char *sip_callid;
	char *rtag;                 /* remote tag once the dialog exists */
	char *ltag;                 /* our tag, likewise */
	char *rcontact;             /* the peer's Contact URI */
	char *label;                /* `call ... as NAME`, or NULL */

	struct sipsess *sess;
	/* An incoming INVITE before we hand it to sipsess: our own server
	 * transaction answers 100, absorbs retransmissions and sees CANCEL
	 * (sipsess_accept cannot send a bare 100). */
	struct sip_strans *st;
	const struct sip_msg *inv;
	bool offerless;             /* the INVITE had no SDP */
	bool sdp_sent;              /* an sdp.local event named the call */

	struct sdp_session *sdp;
	struct sdp_media *sdpm;
	struct stream *strm;

	/* hold (call_hold.c): what we asked for, what the peer did */
	bool local_hold;            /* our latest offer holds the peer */
	bool remote_hold;           /* the peer's SDP holds us */
	bool shown_local, shown_remote; /* what call.state said last */
	bool modify_pending;        /* our re-INVITE awaits its answer */
	bool modify_hold;           /* what that re-INVITE asks for */
	uint32_t modify_cseq;       /* ... its CSeq (or a retry's, higher) */
	uint32_t modify_lseq;       /* after a challenge: libre's CSeq then */
	uint16_t modify_code;       /* ... and the challenge's code */
	struct tmr tmr_modify;      /* challenge check, or asking again */
	struct media_choice mc_peer; /* negotiated, before our hold */

	/* transfer (call_transfer.c, call_refer.c) */
	struct sipsub *xfer_sub;    /* our REFER and its NOTIFYs */
	bool xfer_final;            /* its final NOTIFY (or failure) came */
	struct sipnot *xfer_not;    /* NOTIFY the transferor of this call */
	struct sipnot *refer_asked; /* refer = ask: 202 sent, awaiting yes */
	char *refer_to;             /* ... and where it asks us to go */
	char *refer_by;             /* ... and who asks */

	/* who follows the call (a PBX bridge), and how it ended */
	call_watch_h *watch;
	void *watch_arg;
	uint16_t end_code;
	char end_reason[96];
	const char *end_by;         /* "local", "remote", NULL: not ended */

	struct tmr tmr_answer;      /* answer = auto:DELAY */
	struct tmr tmr_free;
};

/* An `error` event about this call. */
#define call_error(call, what, ...)                                      \
	evbus_error(call_bus(call), (call)->inst->name, (call)->id, what, \
		    __VA_ARGS__)

/* call.c: the state machine */
struct evbus *call_bus(const struct call *call);
void call_emit_state(struct call *call);
void call_set_state(struct call *call, enum call_state st);
/* Enter `terminated` once; the object goes on the next loop turn. */
void call_terminate(struct call *call, uint16_t code, const char *reason,
		    const char *by);
/* Hand the INVITE from our transaction to a sipsess, replying SCODE. */
int  call_accept_session(struct call *call, uint16_t scode,
			 struct mbuf *desc);

/* call_sdp.c: offer/answer and media start */
int  call_encode_sdp(struct call *call, struct mbuf **mbp, bool offer);
/* Decode the peer's SDP in MB (an offer when OFFER) and choose the media
 * into MC.  ENOENT, with the reason emitted as an error, when nothing
 * matches. */
int  call_remote_sdp(struct call *call, struct mbuf *mb, bool offer,
		     struct media_choice *mc);
int  call_start_media(struct call *call, const struct media_choice *mc);
/* Our own offer's choice, when we answered an offer already decoded. */
int  call_start_local_media(struct call *call);
/* Apply an answer or early-media SDP in MB; false when it was unusable. */
bool call_apply_remote_answer(struct call *call, struct mbuf *mb);

/* call_answer.c: what answer = ... says to do with a new call, and the
 * reason phrase we send with CODE */
void call_answer_policy(struct call *call);
const char *call_reason_phrase(uint16_t code);

/* call_hold.c: direction and hold state */
/* Our direction, and the peer's c=0.0.0.0, applied to MC before the
 * stream takes it. */
void call_hold_filter(const struct call *call, struct media_choice *mc);
/* An answer in MSG: when it is the 2xx to our re-INVITE, the hold it
 * asked for holds (the caller settles the state). */
void call_modify_answered(struct call *call, const struct sip_msg *msg);
/* A final response >= 300 to an INVITE in the call's dialog (libre tells
 * the session nothing of a refused re-INVITE; the trace brings it). */
void call_modify_response(struct call *call, const struct sip_msg *msg);
/* The peer's re-INVITE is answered while ours waits for libre's retry. */
void call_modify_overtaken(struct call *call);
/* What the peer's latest SDP (an OFFER, or an answer) means for the
 * hold states while the call is up. */
void call_update_hold_state(struct call *call, bool offer);
/* call_modify.c: an offer from the peer after the call is up */
int  call_offer_received(struct call *call, const struct sip_msg *msg,
			 struct mbuf **descp);
/* Place a call with extra header lines HDRS (each ending in CRLF) and
 * LABEL (both may be NULL). */
int  call_connect_with(struct call **cp, struct instance *inst,
		       const char *uri, const char *hdrs, const char *label,
		       char *err, size_t errsz);
/* Tell the watcher, if any, that the call moved. */
void call_notify_watch(struct call *call);

/* call_transfer.c, call_refer.c */
void call_refer_handler(struct sip *sip, const struct sip_msg *msg,
			void *arg);
/* An INVITE with Replaces (RFC 3891): *OLDP is the call of ours that is
 * up and that it names.  0, or the code to refuse the INVITE with (400
 * malformed, 481 no such dialog, 486 early-only for a confirmed one). */
uint16_t call_replaces(struct call *call, const struct sip_msg *msg,
		       struct call **oldp);
/* CALL (answered) takes OLD's place: OLD ends with BYE. */
void call_replace(struct call *call, struct call *old);
/* A call we placed for a REFER moved: tell the transferor. */
void call_refer_progress(struct call *call, uint16_t code,
			 const char *reason);
void call_transfer_close(struct call *call);
void call_transfer_accepted(struct call *call, uint16_t code);
/* A `transfer` event about CALL (CODE 0: none; the others may be NULL). */
void call_emit_transfer(const struct call *call, const char *role,
			const char *state, uint16_t code, const char *reason,
			const char *target, const char *other);

/* call_actions.c: DTMF by SIP INFO, both ways */
void call_info_handler(struct sip *sip, const struct sip_msg *msg,
		       void *arg);
void call_send_info_digit(char digit, uint32_t dur_ms, void *arg);

#endif
