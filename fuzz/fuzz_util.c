#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <re.h>
#include "fuzz.h"

int fuzz_file(const uint8_t *data, size_t size, char *path, size_t sz,
	      int *fd)
{
	size_t done = 0;

	*fd = memfd_create("sipflow-fuzz", MFD_CLOEXEC);
	if (*fd < 0)
		return errno;
	while (done < size) {
		ssize_t n = write(*fd, data + done, size - done);

		if (n <= 0) {
			close(*fd);
			return EIO;
		}
		done += (size_t)n;
	}
	(void)snprintf(path, sz, "/proc/self/fd/%d", *fd);
	return 0;
}

void fuzz_libre_init(void)
{
	static int done;

	if (done++)
		return;
	if (libre_init()) {
		fprintf(stderr, "libre_init failed\n");
		abort();
	}
}
