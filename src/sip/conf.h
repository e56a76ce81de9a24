/* sipflow.conf(5): a [general] section and one section per instance. */
#ifndef SIPFLOW_CONF_H
#define SIPFLOW_CONF_H

#include <stdbool.h>
#include <stdint.h>
#include <re.h>
#include "media/codec.h"
#include "media/dtmf.h"
#include "media/recorder.h"
#include "media/source.h"
#include "account.h"
#include "midcall.h"
#include "pbx_conf.h"

enum answer_mode { ANSWER_MANUAL, ANSWER_AUTO, ANSWER_REJECT };

struct answer_policy {
	enum answer_mode mode;
	uint32_t delay_ms;    /* ANSWER_AUTO: ring this long first */
	uint16_t code;        /* ANSWER_REJECT */
};

struct inst_conf {
	struct le le;
	unsigned line;        /* where its section starts (0: built in) */
	char name[32];
	char user[64];
	char display[64];
	char addr[64];
	uint16_t port;        /* 0: port base + index */
	enum sip_transp transport;
	char tls_cert[256];   /* PEM: certificate and key; "": self-signed */
	struct codec_list codecs;
	struct answer_policy answer;
	struct source_spec source;
	bool record;                 /* record every call */
	int record_mode;             /* enum rec_mode; -1: from [general] */
	enum dtmf_method dtmf;       /* how `dtmf` sends by default */
	uint32_t dtmf_duration_ms, dtmf_gap_ms;
	bool dtmf_detect;            /* in-band detection on received audio */
	uint16_t rtp_min, rtp_max;   /* 0: from [general] */
	int64_t rtp_timeout_ms;      /* -1: from [general] */
	struct account account;      /* registrar, credentials, proxy */
	struct midcall midcall;      /* hold style, REFER policy */
	struct pbx_conf pbx;         /* mode = pbx and its keys */
};

struct conf {
	char path[256];
	char record_dir[256];
	char record_template[256];
	enum rec_mode record_mode;
	uint16_t rtp_min, rtp_max;
	uint64_t rtp_timeout_ms;
	unsigned monitor_max_ms;     /* the monitor's latency ceiling */
	uint16_t port_base;
	struct list instances;       /* struct inst_conf */
};

/* Parse FILE.  On a bad line returns EINVAL and writes "FILE:LINE: what"
 * into ERR. */
int conf_load(struct conf **cp, const char *path, char *err, size_t errsz);
/* Built-in default: alice (1001, tone 440 Hz) and bob (1002, 660 Hz). */
int conf_default(struct conf **cp);
/* Give instances without a port one from PORT_BASE, in order. */
void conf_assign_ports(struct conf *c, uint16_t port_base);
struct inst_conf *conf_instance(const struct conf *c, const char *name);

int answer_policy_parse(struct answer_policy *ap, const char *s);
int answer_policy_print(struct re_printf *pf, const struct answer_policy *ap);
int port_range_parse(uint16_t *lo, uint16_t *hi, const char *s);

#endif
