/* Listening to a leg on the local audio device (PortAudio).  The re thread
 * hands each 20 ms frame to the monitor, which resamples it to the
 * device's rate if it has to and writes it to a lock-free single-producer
 * single-consumer ring; PortAudio's callback thread only reads from it,
 * so RTP never waits for the device.
 *
 * The ring is an adaptive playout buffer, as in a softphone: playout
 * starts once 60 ms are buffered; a device that stalls (a busy machine, a
 * USB headset, a sound server) finds more waiting when it comes back and
 * plays all of it, so the delay grows instead of audio being lost, up to
 * a ceiling (sipflow.conf's monitor_max_latency) past which the oldest
 * audio goes; an underrun plays silence and makes playout wait 20 ms
 * longer (10 s without one: 20 ms less again, and each new leg starts
 * afresh); a surplus that lasted a whole second is given back by playing
 * 2 % faster until it is gone. */
#ifndef SIPFLOW_MONITOR_H
#define SIPFLOW_MONITOR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum mon_leg { MON_OFF, MON_RX, MON_TX, MON_BOTH };

int  mon_leg_parse(enum mon_leg *leg, const char *str);
const char *mon_leg_name(enum mon_leg leg);

struct monitor;
struct stream;

enum {
	MONITOR_MAX_MS_DEFAULT = 500,
	MONITOR_MAX_MS_MIN = 100,
	MONITOR_MAX_MS_MAX = 5000,
};

/* DEVICE: an output device's name (exact, else the first that contains
 * it), or NULL for the default output.  MAX_MS: the most delay the
 * buffer takes on before it drops audio.  Nothing is opened yet. */
int  monitor_alloc(struct monitor **mp, const char *device, unsigned max_ms);
/* Open and start the device once; on failure an errno and why in ERR
 * (the next call tries again). */
int  monitor_open(struct monitor *m, char *err, size_t errsz);
struct monitor_stats {
	unsigned latency_ms;      /* a frame handed over now: our buffer plus
				   * what PortAudio reports for the device */
	unsigned max_latency_ms;  /* the most it was for this leg */
	unsigned ceiling_ms;
	unsigned feed_late_ms;    /* the longest a frame came after its 20 ms
				   * (the event loop held up), this leg */
	uint64_t underruns;       /* since the device opened */
	uint64_t dropped_ms;      /* past the ceiling, since it opened */
};

/* All zero before the device is open. */
void monitor_stats(const struct monitor *m, struct monitor_stats *st);
/* The rate the device was opened at, 0 before. */
uint32_t monitor_device_rate(const struct monitor *m);

/* The stream it listens to (one at a time), or NULL. */
void monitor_set_owner(struct monitor *m, struct stream *owner);
struct stream *monitor_owner(const struct monitor *m);

/* N samples of each side at SRATE, re thread only.  LEG picks what the
 * operator hears; MON_BOTH is the saturating sum. */
void monitor_put(struct monitor *m, enum mon_leg leg, const int16_t *rx,
		 const int16_t *tx, size_t n, uint32_t srate);

/* Print the output devices, one per line; errno if PortAudio fails. */
int  monitor_list_devices(FILE *f);

#endif
