/* What the fuzz targets share.  Each fuzz_*.c is one libFuzzer target
 * (LLVMFuzzerTestOneInput); linked with replay.c instead of libFuzzer it
 * is a plain program that runs saved inputs, which is how the suite
 * replays the corpora and every past finding without a fuzzing engine. */
#ifndef SIPFLOW_FUZZ_H
#define SIPFLOW_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional, once before the first input. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The input as a file the code under test can open by name: an
 * anonymous memory file, so nothing touches the disk.  Close FD after. */
int fuzz_file(const uint8_t *data, size_t size, char *path, size_t sz,
	      int *fd);
/* libre and the engine's globals, once. */
void fuzz_libre_init(void);

#endif
