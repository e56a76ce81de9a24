/* A PBX instance's settings (mode = pbx and the keys only it reads, in
 * its [INSTANCE] section of sipflow.conf(5)): the accounts it registers
 * and authenticates, its routing rules, what it records and where its
 * call records go. */
#ifndef SIPFLOW_PBX_CONF_H
#define SIPFLOW_PBX_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <re.h>

enum {
	PBX_MIN_EXPIRES = 60,      /* shorter asks get 423 (RFC 3261 10.3) */
	PBX_MAX_EXPIRES = 3600,    /* longer asks are cut to this */
};

/* What a PBX records of a bridged call (pbx_record). */
enum pbx_rec { PBX_REC_OFF, PBX_REC_MIXED, PBX_REC_STEREO, PBX_REC_BOTH };

/* account = USER:PASSWORD, one line each */
struct pbx_account {
	struct le le;
	char user[64];
	char password[128];
};

/* route = PREFIX URI: a number starting with PREFIX goes to URI, in
 * which {number} is the number dialled and {rest} what follows PREFIX */
struct pbx_route {
	struct le le;
	char prefix[32];
	char uri[160];
};

struct pbx_conf {
	bool on;                   /* mode = pbx */
	struct list accounts;      /* struct pbx_account */
	struct list routes;        /* struct pbx_route, in file order */
	enum pbx_rec record;
	char cdr[256];             /* CSV path, "": none */
	bool cdr_events;           /* a `cdr` event per call as well */
	uint32_t min_expires, max_expires;
};

void pbx_conf_init(struct pbx_conf *pc);
/* Free the lists (the inst_conf's destructor). */
void pbx_conf_reset(struct pbx_conf *pc);
/* KEY = VAL for a PBX key (mode included): 0, EINVAL with ERR set (never
 * quoting a password), or ENOENT when KEY is none of them. */
int pbx_conf_key(struct pbx_conf *pc, const char *key, const char *val,
		 char *err, size_t errsz);
/* The account USER (not NUL-terminated: a pl), or NULL. */
const struct pbx_account *pbx_conf_account(const struct pbx_conf *pc,
					   const struct pl *user);
/* The route with the longest prefix of NUMBER, or NULL. */
const struct pbx_route *pbx_conf_route(const struct pbx_conf *pc,
				       const char *number);
/* ROUTE's URI for NUMBER into BUF; ENAMETOOLONG when it does not fit. */
int pbx_route_uri(const struct pbx_route *r, const char *number, char *buf,
		  size_t size);
const char *pbx_rec_name(enum pbx_rec r);

#endif
