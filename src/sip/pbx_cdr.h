/* Call detail records: one line per call through the PBX, as CSV (RFC
 * 4180: a header line, CRLF line ends, fields quoted when they hold a
 * comma, a quote or a line break) and as a `cdr` event. */
#ifndef SIPFLOW_PBX_CDR_H
#define SIPFLOW_PBX_CDR_H

#include <stdint.h>
#include <re.h>

struct cdr {
	uint64_t start_ms, answer_ms, end_ms;   /* realtime; answer 0: none */
	const char *caller, *callee;
	const char *disposition;   /* ANSWERED, NO ANSWER, BUSY, FAILED */
	uint16_t code;             /* the SIP code it ended with */
	const char *reason;
	const char *side;          /* caller, callee, pbx */
	const char *codec_a, *codec_b;
	const char *recording;     /* paths, ";"-separated, or "" */
	const char *sip_callid;
	const char *leg_a, *leg_b;
};

/* The CSV header line and one record, each with its CRLF. */
int pbx_cdr_header(struct re_printf *pf, void *unused);
int pbx_cdr_csv(struct re_printf *pf, const struct cdr *c);
/* One RFC 4180 field. */
int pbx_csv_field(struct re_printf *pf, const char *s);
/* "2026-12-03T18:30:00.123Z", or "" for 0. */
void pbx_cdr_time(char *buf, size_t size, uint64_t ms);
/* Seconds between two realtime ms values, 0 when either is 0. */
double pbx_cdr_seconds(uint64_t from, uint64_t to);
/* The disposition of a call answered or not, whose callee's leg was
 * PLACED or not (the PBX refused it first), ended with CODE. */
const char *pbx_cdr_disposition(bool answered, bool placed, uint16_t code);
/* Append C to PATH (the header first when the file is new or empty):
 * 0 or an errno. */
int pbx_cdr_append(const char *path, const struct cdr *c);

#endif
