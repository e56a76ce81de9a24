/* Audio sources for a stream's outgoing audio: silence, a tone, or a file.
 * Clips are decoded and resampled once, then shared by every stream that
 * plays them; a player is one stream's cursor into a clip. */
#ifndef SIPFLOW_SOURCE_H
#define SIPFLOW_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum source_kind { SOURCE_SILENCE, SOURCE_TONE, SOURCE_FILE };

struct source_spec {
	enum source_kind kind;
	unsigned hz;          /* SOURCE_TONE */
	char path[256];       /* SOURCE_FILE */
};

/* Parse "silence", "tone:440" or "file:PATH".  EINVAL on bad input. */
int source_spec_parse(struct source_spec *spec, const char *str);
/* The spec as the config writes it ("tone:440"). */
void source_spec_print(char *buf, size_t sz, const struct source_spec *spec);

/* Mono 16-bit PCM at a fixed rate. */
struct clip {
	int16_t *samples;
	size_t n;
	uint32_t srate;
	char *name;
};

/* Find sound NAME: a path as given, else NAME or NAME.wav in
 * $SIPFLOW_SOUNDS, ./sounds and the installed sounds directory.  PATH gets
 * the file found (or NAME).  ENOENT when there is none. */
int sound_find(char *path, size_t sz, const char *name);

/* Decode any file libsndfile reads to mono at SRATE (libsamplerate's
 * best sinc converter when the rates differ).  On failure returns an errno
 * and writes why into ERR. */
int clip_load(struct clip **cp, const char *name, uint32_t srate,
	      char *err, size_t errsz);
/* One second of a sine at HZ (an integer frequency loops seamlessly). */
int clip_tone(struct clip **cp, unsigned hz, uint32_t srate);
int clip_from_spec(struct clip **cp, const struct source_spec *spec,
		   uint32_t srate, char *err, size_t errsz);

struct player {
	struct clip *clip;    /* referenced; NULL plays silence */
	size_t pos;
	bool loop;
};

void player_set(struct player *p, struct clip *clip, bool loop);
void player_clear(struct player *p);
/* Fill N samples; returns false when a non-looping clip has ended (the
 * rest of OUT is silence). */
bool player_read(struct player *p, int16_t *out, size_t n);

#endif
