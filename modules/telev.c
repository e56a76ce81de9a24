/* telephone-event (RFC 4733): negotiated like a codec, carries DTMF. */
#include <re.h>
#include "media/codec.h"

const struct codec codec_telev = {
	.name = "telephone-event", .srate = 8000, .ch = 1, .pt = -1,
	.dyn_pt = 101, .fmtp = "0-16", .telev = true,
};
