/* Call recordings.  The re thread hands each 20 ms frame pair (what we
 * received, what we sent) to a recording; one writer thread per app
 * drains every recording's lock-free ring to libsndfile, so a slow disk
 * never delays RTP.  WAV headers are rewritten with every write, so a
 * killed process leaves a playable file missing at most the last second. */
#ifndef SIPFLOW_RECORDER_H
#define SIPFLOW_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* stereo: left = received, right = sent.  mixed: mono saturating sum.
 * separate: two mono files, NAME-rx.wav and NAME-tx.wav. */
enum rec_mode { REC_STEREO, REC_MIXED, REC_SEPARATE };

int rec_mode_parse(enum rec_mode *mode, const char *str);
const char *rec_mode_name(enum rec_mode mode);

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

struct recwriter;
struct recording;

/* Called on the re thread when a recording failed in the writer (disk
 * full, I/O error): ID is recording_id(), ERR the errno.  At most once per
 * recording; its files are closed by then and later puts are ignored.
 * The writer thread blocks all signals, so a file size limit arrives here
 * as EFBIG rather than as a fatal SIGXFSZ. */
typedef void (recwriter_err_h)(unsigned id, int err, void *arg);

/* Start the writer thread.  Freeing it drains and closes every file
 * still open, then joins the thread. */
int recwriter_alloc(struct recwriter **wp, recwriter_err_h *errh, void *arg);

/* Create the file(s) NAME in DIR (created if missing) and register the
 * recording with the writer.  A name already taken gets "-2", "-3"...
 * before ".wav" (files are created with O_EXCL), so two recordings never
 * share a file.  On error returns an errno with the reason in ERR.
 * NULL or "" DIR is the working directory.  This creates the files and
 * writes their headers, so it runs on the re thread but does touch disk. */
int recording_open(struct recording **rp, struct recwriter *w,
		   const char *dir, const char *name, enum rec_mode mode,
		   uint32_t srate, char *err, size_t errsz);

/* Append N samples of each side (re thread only).  NULL means silence
 * for that side.  If the ring is full the frame is dropped and counted. */
void recording_put(struct recording *r, const int16_t *rx,
		   const int16_t *tx, size_t n);

unsigned recording_id(const struct recording *r);
/* The file's path; for REC_SEPARATE, IDX 0 is -rx and 1 is -tx. */
const char *recording_path(const struct recording *r, unsigned idx);
/* Seconds of audio handed to the writer so far (dropped frames and those
 * put after a disk error are not counted). */
double recording_seconds(const struct recording *r);
/* Frames dropped because the writer fell behind. */
uint64_t recording_dropped(const struct recording *r);

/* mem_deref(recording) ends it: the writer writes what is queued, closes
 * the file(s) and frees its side.  Safe at any point of call teardown. */

#endif
