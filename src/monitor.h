/* Listening to a leg on the local audio device (PortAudio).  The re thread
 * hands each 20 ms frame to the monitor, which resamples it to the
 * device's rate if it has to and writes it to a lock-free single-producer
 * single-consumer ring; PortAudio's callback thread only reads from it
 * (silence on underrun, the oldest audio dropped on overrun), so RTP never
 * waits for the device. */
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

/* DEVICE: an output device's name (exact, else the first that contains
 * it), or NULL for the default output.  Nothing is opened yet. */
int  monitor_alloc(struct monitor **mp, const char *device);
/* Open and start the device once; on failure an errno and why in ERR
 * (the next call tries again). */
int  monitor_open(struct monitor *m, char *err, size_t errsz);
/* From a frame handed over to the device's output: our buffer plus what
 * PortAudio reports for the device; 0 before it is open. */
unsigned monitor_latency_ms(const struct monitor *m);
/* Underruns of the callback and audio dropped since the device opened. */
void monitor_stats(const struct monitor *m, uint64_t *underruns,
		   uint64_t *dropped_ms);
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
