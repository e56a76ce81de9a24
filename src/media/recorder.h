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

/* stereo: left = received, right = sent.  mixed: mono saturating sum.
 * separate: two mono files, NAME-rx.wav and NAME-tx.wav. */
enum rec_mode { REC_STEREO, REC_MIXED, REC_SEPARATE };

int rec_mode_parse(enum rec_mode *mode, const char *str);
const char *rec_mode_name(enum rec_mode mode);

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
