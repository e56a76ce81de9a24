/* SDP as peers write it, made fit for libre's decoder. */
#ifndef SIPFLOW_SDPCLEAN_H
#define SIPFLOW_SDPCLEAN_H

#include <stddef.h>
#include <stdint.h>

struct mbuf;

/* Copy the SDP text P/LEN into *MBP without the attribute lines libre
 * 1.1.0 refuses the whole SDP for: an rtpmap without a clock rate
 * ("a=rtpmap:31 LPC", RFC 4475's own bodies), an fmtp without
 * parameters, an rtcp without a port.  *DROPPED counts them; WHY gets the
 * first, with its line number.  0 or ENOMEM. */
int sdp_clean(struct mbuf **mbp, const uint8_t *p, size_t len,
	      unsigned *dropped, char *why, size_t whysz);

#endif
