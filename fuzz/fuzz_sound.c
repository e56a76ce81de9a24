/* A sound file to play or use as a source: anything libsndfile opens,
 * decoded and resampled to 8 kHz. */
#include <unistd.h>
#include <re.h>
#include "fuzz.h"
#include "media/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct clip *c = NULL;
	char path[64], err[512];
	int fd;

	fuzz_libre_init();
	if (fuzz_file(data, size, path, sizeof(path), &fd))
		return 0;
	if (!clip_load(&c, path, 8000, err, sizeof(err)))
		mem_deref(c);
	close(fd);
	return 0;
}
