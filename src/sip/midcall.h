/* What an instance does during a call: how it holds, what it does with a
 * REFER, whether a transfer that worked ends our leg (the [INSTANCE]
 * keys hold, refer and transfer_hangup of sipflow.conf(5)). */
#ifndef SIPFLOW_MIDCALL_H
#define SIPFLOW_MIDCALL_H

#include <stdbool.h>
#include <stddef.h>

enum hold_style {
	HOLD_SENDONLY,   /* a=sendonly: the peer hears us, we hear nothing */
	HOLD_INACTIVE,   /* a=inactive: silence both ways */
	HOLD_ZERO,       /* RFC 2543: c=0.0.0.0, for old peers */
};

enum refer_policy {
	REFER_ACCEPT,    /* 202, then call the Refer-To target */
	REFER_REJECT,    /* 603 Decline */
	REFER_ASK,       /* 202, then the operator says yes or no */
};

struct midcall {
	enum hold_style hold;
	enum refer_policy refer;
	bool transfer_hangup;    /* end our leg when the transfer worked */
};

void midcall_init(struct midcall *m);

/* KEY = VAL for a mid-call key: 0, EINVAL with ERR set, or ENOENT when
 * KEY is none of them. */
int midcall_key(struct midcall *m, const char *key, const char *val,
		char *err, size_t errsz);

const char *hold_style_name(enum hold_style s);
const char *refer_policy_name(enum refer_policy p);

#endif
