/* Recording file names: a template of {fields} expanded for each call.
 * The naming rules live here, apart from the audio path. */
#ifndef SIPFLOW_RECNAME_H
#define SIPFLOW_RECNAME_H

#include <stddef.h>
#include <time.h>

#define REC_TEMPLATE_DEFAULT "{instance}_{callid}_{date}_{time}.wav"

/* What a file name template may use.  Every field is sanitized on
 * expansion: only [A-Za-z0-9._+@-] survive, anything else becomes '_', and
 * a name never starts with '.', so no value can leave the record dir. */
struct rec_fields {
	const char *instance;   /* {instance} */
	const char *callid;     /* {callid}: the SIP Call-ID */
	const char *call;       /* {call}: sipflow's short id, e.g. c3 */
	const char *peer;       /* {peer}: the peer's user part or URI */
	const char *dir;        /* {dir}: in | out */
	time_t when;            /* {date} YYYYMMDD, {time} HHMMSS (local) */
};

/* Check a template: known fields only, no '/', ends in ".wav".
 * EINVAL with the reason in ERR. */
int rec_template_check(const char *tmpl, char *err, size_t errsz);
/* Expand TMPL into BUF (a bare file name, no directory).  Too long a
 * name is cut to 200 bytes, or to SZ - 1, by shortening what precedes
 * ".wav"; ENAMETOOLONG only if SZ cannot hold "_.wav". */
int rec_name_expand(char *buf, size_t sz, const char *tmpl,
		    const struct rec_fields *f);

#endif
