/* Inside a call: the structure and what the call files share.  Only
 * src/sip/call*.c include this; everyone else uses call.h. */
#ifndef SIPFLOW_CALL_INT_H
#define SIPFLOW_CALL_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <re.h>
#include "base/event.h"
#include "call.h"

struct media_choice;

struct call {
	struct le le;               /* in instance->calls */
	struct instance *inst;
	char id[16];
	enum call_state state;
	enum call_dir dir;
	char *peer;
	char *sip_callid;
	char *rtag;                 /* remote tag once the dialog exists */

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

	struct tmr tmr_answer;      /* answer = auto:DELAY */
	struct tmr tmr_free;
};

/* An `error` event about this call. */
#define call_error(call, what, ...)                                      \
	evbus_error(call_bus(call), (call)->inst->name, (call)->id, what, \
		    __VA_ARGS__)

/* call.c: the state machine */
struct evbus *call_bus(const struct call *call);
void call_emit_state(const struct call *call);
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
/* What the peer's latest SDP means for our state while established. */
void call_update_hold_state(struct call *call);

/* call_answer.c: what answer = ... says to do with a new call, and the
 * reason phrase we send with CODE */
void call_answer_policy(struct call *call);
const char *call_reason_phrase(uint16_t code);

/* call_actions.c: DTMF by SIP INFO, both ways */
void call_info_handler(struct sip *sip, const struct sip_msg *msg,
		       void *arg);
void call_send_info_digit(char digit, uint32_t dur_ms, void *arg);

#endif
