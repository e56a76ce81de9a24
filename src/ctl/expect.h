/* What a scenario `expect` waits for, and how an event satisfies it. */
#ifndef SIPFLOW_EXPECT_H
#define SIPFLOW_EXPECT_H

#include <stddef.h>
#include <stdint.h>
#include "sip/call.h"

enum { EXPECT_DEFAULT_TIMEOUT_MS = 10000 };

enum expect_kind { EXPECT_STATE, EXPECT_DTMF, EXPECT_REG, EXPECT_XFER };

struct expect {
	enum expect_kind kind;
	enum call_state state;   /* EXPECT_STATE */
	int code;                /* terminated CODE, -1: any */
	char digits[64];         /* EXPECT_DTMF */
	char reg[16];            /* EXPECT_REG: registered, unregistered,
				    failed (code: CODE); EXPECT_XFER:
				    transferred, transfer_failed (code:
				    CODE), referred, replaced */
	uint64_t timeout_ms;
};

/* Parse "EVENT [ARG] [TIMEOUT]".  On error *COL is the 0-based offset of
 * the bad word in ARGS. */
int expect_parse(struct expect *e, const char *args, char *err,
		 size_t errsz, size_t *col);

#endif
