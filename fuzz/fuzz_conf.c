/* sipflow.conf(5) as a user or a script might write it, and worse. */
#include <unistd.h>
#include <re.h>
#include "fuzz.h"
#include "sip/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf *c = NULL;
	char path[64], err[512];
	int fd;

	fuzz_libre_init();
	if (fuzz_file(data, size, path, sizeof(path), &fd))
		return 0;
	if (!conf_load(&c, path, err, sizeof(err)))
		conf_assign_ports(c, 5060);
	mem_deref(c);
	close(fd);
	return 0;
}
