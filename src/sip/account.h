/* An instance's account at a PBX: registrar, credentials, outbound proxy
 * (the [INSTANCE] keys of sipflow.conf(5) that say where it registers). */
#ifndef SIPFLOW_ACCOUNT_H
#define SIPFLOW_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { ACCOUNT_DEFAULT_EXPIRES = 3600 };

struct account {
	char registrar[256];     /* "": no registration */
	char aor[256];           /* "": sip:USER@registrar's host */
	char auth_user[64];      /* "": the instance's user */
	char password[128];
	bool has_password;
	char realm[128];         /* "": answer any realm's challenge */
	uint32_t expires;        /* asked for, in seconds */
	char outbound[256];      /* outbound proxy URI, "": none */
	bool register_at_start;
};

void account_init(struct account *a);

/* KEY = VAL for an account key: 0, EINVAL with ERR set (never quoting a
 * password), or ENOENT when KEY is no account key. */
int account_key(struct account *a, const char *key, const char *val,
		char *err, size_t errsz);

/* The AOR to register and call from; USER is the instance's. */
void account_aor(const struct account *a, const char *user, char *buf,
		 size_t size);

#endif
