/* DTMF three ways: RFC 4733 telephone-events, in-band tones and SIP INFO.
 * The sender is one queue per stream, stepped by the stream's 20 ms tick,
 * so digits keep their order and timing whatever the method.  The
 * receiver reports each digit once even when it arrives both as an
 * RFC 4733 event and as a tone in the audio. */
#ifndef SIPFLOW_DTMF_H
#define SIPFLOW_DTMF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dtmf_method { DTMF_RFC4733, DTMF_INBAND, DTMF_INFO };

enum {
	DTMF_DURATION_MS = 100,
	DTMF_GAP_MS = 100,
	DTMF_QUEUE = 128,        /* digits waiting to be sent */
	DTMF_DEDUP_MS = 500,     /* one digit, two methods: reported once */
	DTMF_EVENT_TIMEOUT_MS = 300,  /* an event whose end packets were lost */
};

int  dtmf_method_parse(enum dtmf_method *m, const char *str);
const char *dtmf_method_name(enum dtmf_method m);
/* 0-9 * # A-D (a-d accepted), at least one. */
bool dtmf_digits_valid(const char *s);
/* RFC 4733 event code of DIGIT, or -1. */
int  dtmf_digit_code(char digit);
/* The digit of an RFC 4733 event code, or 0 for codes that are not. */
char dtmf_code_digit(int code);

/* ---- sending ---- */

struct dtmf_digit {
	char digit;
	enum dtmf_method method;
	uint16_t dur_ms, gap_ms;
};

struct dtmf_tx {
	struct dtmf_digit q[DTMF_QUEUE];
	unsigned head, count;

	bool active;             /* a digit is in its tone or gap */
	struct dtmf_digit cur;
	uint32_t pos_ms;         /* since the digit started */
	uint32_t ev_ts;          /* RTP timestamp of the event's start */
	unsigned ends;           /* RFC 4733 end packets sent */
	double ph1, ph2;         /* in-band oscillator phases */
};

/* What this 20 ms frame carries. */
enum dtmf_out {
	DTMF_OUT_AUDIO,   /* the normal audio */
	DTMF_OUT_TONE,    /* PCM holds the in-band tone: send it as audio */
	DTMF_OUT_EVENT,   /* send the RFC 4733 packet instead of audio */
};

struct dtmf_frame {
	uint8_t payload[4];
	bool marker;
	uint32_t ts;             /* RTP timestamp for the event packet */
	const struct dtmf_digit *started;  /* a digit begins in this frame */
};

/* Queue DIGITS.  ENOSPC when they do not fit (nothing queued). */
int  dtmf_tx_queue(struct dtmf_tx *tx, const char *digits,
		   enum dtmf_method m, uint32_t dur_ms, uint32_t gap_ms);
/* Step one frame of N samples at SRATE whose audio timestamp is TS. */
enum dtmf_out dtmf_tx_frame(struct dtmf_tx *tx, uint32_t srate,
			    uint32_t ts, int16_t *pcm, size_t n,
			    struct dtmf_frame *f);
bool dtmf_tx_busy(const struct dtmf_tx *tx);
void dtmf_tx_clear(struct dtmf_tx *tx);

/* ---- receiving ---- */

typedef void (dtmf_rx_h)(char digit, enum dtmf_method m, uint32_t dur_ms,
			 void *arg);

struct dtmf_dec;

struct dtmf_rx {
	dtmf_rx_h *h;
	void *arg;
	struct dtmf_dec *dec;    /* librem's in-band detector */
	uint32_t srate;

	/* The RFC 4733 event in progress (one per RTP timestamp). */
	bool ev_active;
	bool ev_seen;            /* ev_ts is valid */
	bool ev_dup;             /* already reported in-band */
	uint32_t ev_ts;
	char ev_digit;
	uint32_t ev_dur;         /* samples */
	uint64_t ev_last_ns;

	/* The last digit reported, for the once-only rule. */
	char last_digit;
	enum dtmf_method last_method;
	uint64_t last_ns;
	uint64_t now_ns;         /* of the audio being probed */
};

/* Set up the receiver; INBAND enables the in-band detector at SRATE. */
int  dtmf_rx_init(struct dtmf_rx *rx, uint32_t srate, bool inband,
		  dtmf_rx_h *h, void *arg);
void dtmf_rx_close(struct dtmf_rx *rx);
/* An RFC 4733 payload with RTP timestamp TS, received at NOW (ns). */
void dtmf_rx_event(struct dtmf_rx *rx, const uint8_t *p, size_t len,
		   uint32_t ts, uint64_t now);
/* Decoded received audio, for in-band detection. */
void dtmf_rx_audio(struct dtmf_rx *rx, const int16_t *pcm, size_t n,
		   uint64_t now);
/* Finish an event whose end packets never came. */
void dtmf_rx_poll(struct dtmf_rx *rx, uint64_t now);
/* A digit from SIP INFO. */
void dtmf_rx_info(struct dtmf_rx *rx, char digit, uint32_t dur_ms,
		  uint64_t now);

/* ---- SIP INFO bodies ---- */

#define DTMF_INFO_CTYPE "application/dtmf-relay"

/* "Signal=5\r\nDuration=100\r\n" */
int  dtmf_info_body(char *buf, size_t sz, char digit, uint32_t dur_ms);
/* Parse an application/dtmf-relay or application/dtmf body.  EINVAL for
 * a body without a valid digit; ENOTSUP for another content type. */
int  dtmf_info_parse(const char *ctype, const char *body, size_t len,
		     char *digit, uint32_t *dur_ms);

#endif
