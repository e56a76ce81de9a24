/* Digest authentication as a server does it (RFC 2617 with RFC 3261
 * 22.4): nonces the PBX signs itself, so it keeps no state per
 * challenge and a nonce it did not make, or an old one, is told apart. */
#ifndef SIPFLOW_PBX_AUTH_H
#define SIPFLOW_PBX_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <re.h>

enum { PBX_NONCE_TTL_S = 300 };

enum nonce_state { NONCE_OK, NONCE_STALE, NONCE_BAD };

/* A nonce for time NOW (seconds) and the client at SRC (its IP: a nonce
 * seen on the wire is no use from elsewhere), signed with SECRET, into
 * BUF (>= 25). */
void pbx_nonce_make(char *buf, size_t size, const uint8_t secret[16],
		    const struct sa *src, uint64_t now);
enum nonce_state pbx_nonce_check(const struct pl *nonce,
				 const uint8_t secret[16],
				 const struct sa *src, uint64_t now);

#endif
