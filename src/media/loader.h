/* Decoding and resampling a long sound file takes tens of milliseconds
 * per second of audio; it runs on a short-lived thread per file so the
 * event loop (and RTP pacing) never waits for it. */
#ifndef SIPFLOW_LOADER_H
#define SIPFLOW_LOADER_H

#include <stddef.h>
#include <stdint.h>

struct clip;
struct loader;
struct load_job;

/* On the re thread: CLIP (referenced for the handler; take a ref to
 * keep it) or ERR with WHY. */
typedef void (load_done_h)(int err, struct clip *clip, const char *why,
			   void *arg);

int  loader_alloc(struct loader **lp);
/* Check NAME opens as audio now (errno and WHY if not), then decode it
 * at SRATE in the background and call H.  *JOBP lets the caller cancel. */
int  loader_load(struct load_job **jobp, struct loader *l, const char *name,
		 uint32_t srate, load_done_h *h, void *arg,
		 char *why, size_t whysz);
/* H will not be called.  Safe with NULL. */
void load_job_cancel(struct load_job *job);

#endif
