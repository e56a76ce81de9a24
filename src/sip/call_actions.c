/* What an operator does inside a call: play a file, record, send and
 * take DTMF (in the stream, or by SIP INFO), listen locally.  The stream
 * does the audio work; this file turns commands into it and says
 * clearly what went wrong. */
#include <string.h>
#include <time.h>
#include <re.h>
#include "base/event.h"
#include "base/util.h"
#include "media/dtmf.h"
#include "media/monitor.h"
#include "media/recname.h"
#include "media/recorder.h"
#include "media/stream.h"
#include "call.h"
#include "call_int.h"
#include "conf.h"
#include "ua.h"

static struct ua_env *env_of(const struct call *call)
{
	return call->inst->env;
}

int call_play(struct call *call, const char *file, char *err, size_t errsz)
{
	char why[384];
	int e;

	e = stream_play(call_stream(call), env_of(call)->loader, file, why,
			sizeof(why));
	if (e) {
		re_snprintf(err, errsz, "cannot play %s", why);
		call_error(call, "play", "cannot play %s", why);
	}
	return e;
}

int call_play_stop(struct call *call, char *err, size_t errsz)
{
	if (!stream_play_stop(call_stream(call))) {
		re_snprintf(err, errsz, "%s is not playing anything",
			    call_id(call));
		return EALREADY;
	}
	return 0;
}

/* Open a recording of CALL in mode M, its name from the template with
 * SUFFIX (e.g. "-stereo") before ".wav". */
static int open_recording(struct call *call, enum rec_mode m,
			  const char *suffix, struct recording **recp,
			  char *err, size_t errsz)
{
	struct instance *inst = call_instance(call);
	struct ua_env *env = inst->env;
	const struct conf *conf = env->conf;
	struct rec_fields f;
	char name[256];
	size_t len;
	int e;

	memset(&f, 0, sizeof(f));
	f.instance = inst->name;
	f.callid = call_sip_callid(call);
	f.call = call_id(call);
	f.peer = call_peer(call);
	f.dir = call_dir(call) == CALL_OUT ? "out" : "in";
	f.when = time(NULL);

	e = rec_name_expand(name, sizeof(name), conf->record_template, &f);
	len = strlen(name);
	if (!e && suffix && len > 4 &&
	    len + strlen(suffix) < sizeof(name)) {
		/* the template ends in ".wav" (rec_template_check) */
		name[len - 4] = '\0';
		re_snprintf(name + len - 4, sizeof(name) - (len - 4),
			    "%s.wav", suffix);
	}
	if (!e)
		e = recording_open(recp, env->recw, conf->record_dir, name, m,
				   stream_srate(call_stream(call)), err, errsz);
	else
		re_snprintf(err, errsz, "cannot name the recording: %m", e);
	if (e)
		call_error(call, "record", "%s", err);
	return e;
}

int call_record(struct call *call, bool start, int mode, char *err,
		size_t errsz)
{
	struct instance *inst = call_instance(call);
	const struct conf *conf = inst->env->conf;
	struct recording *rec;
	enum rec_mode m;
	int e;

	if (!start) {
		if (!stream_record_stop(call_stream(call), "stopped")) {
			re_snprintf(err, errsz, "%s is not recording",
				    call_id(call));
			return EALREADY;
		}
		return 0;
	}

	if (mode >= 0)
		m = (enum rec_mode)mode;
	else if (inst->cfg->record_mode >= 0)
		m = (enum rec_mode)inst->cfg->record_mode;
	else
		m = conf->record_mode;

	e = open_recording(call, m, NULL, &rec, err, errsz);
	if (e)
		return e;
	stream_record(call_stream(call), rec, rec_mode_name(m));
	mem_deref(rec);
	return 0;
}

int call_record_both(struct call *call, char *err, size_t errsz)
{
	struct recording *rec;
	int e;

	e = call_record(call, true, REC_MIXED, err, errsz);
	if (e)
		return e;
	e = open_recording(call, REC_STEREO, "-stereo", &rec, err, errsz);
	if (e)
		return e;
	stream_record_also(call_stream(call), rec, rec_mode_name(REC_STEREO));
	mem_deref(rec);
	return 0;
}

int call_dtmf(struct call *call, const char *digits, int method,
	      uint32_t dur_ms, uint32_t gap_ms, char *err, size_t errsz)
{
	const struct inst_conf *cfg = call_instance(call)->cfg;
	struct stream *s = call_stream(call);
	const struct media_choice *mc = stream_choice(s);
	enum dtmf_method m = method >= 0 ? (enum dtmf_method)method :
		cfg->dtmf;
	int e;

	if (!dtmf_digits_valid(digits)) {
		re_snprintf(err, errsz, "'%s' is not DTMF (0-9 * # A-D)",
			    digits);
		return EINVAL;
	}
	if (!mc) {
		re_snprintf(err, errsz, "%s has no media yet", call_id(call));
		return EPROTO;
	}

	/* INFO needs a confirmed dialog: in an early one the peer may
	 * answer 481 and end the call. */
	if (m == DTMF_INFO && call_state(call) != CALL_ESTABLISHED &&
	    call_state(call) != CALL_HELD &&
	    call_state(call) != CALL_REMOTE_HELD) {
		re_snprintf(err, errsz, "DTMF by INFO needs an established "
			    "call (%s is %s)", call_id(call),
			    call_state_name(call_state(call)));
		return EPROTO;
	}

	/* RFC 4733 needs telephone-event in the answer; without it the
	 * digits still reach the peer as tones. */
	if (m == DTMF_RFC4733 && mc->telev_pt < 0) {
		m = DTMF_INBAND;
		call_error(call, "dtmf", "telephone-event was not "
			   "negotiated; sending %s in-band", digits);
	}

	e = stream_dtmf(s, digits, m, dur_ms ? dur_ms : cfg->dtmf_duration_ms,
			gap_ms != UINT32_MAX ? gap_ms : cfg->dtmf_gap_ms);
	if (e == ENOSPC)
		re_snprintf(err, errsz, "too many digits queued");
	else if (e)
		re_snprintf(err, errsz, "cannot send '%s': %m", digits, e);
	return e;
}

int call_monitor(struct call *call, int leg, char *err, size_t errsz)
{
	struct ua_env *env = env_of(call);
	struct stream *s = call_stream(call), *prev;
	char why[256];
	int e;

	/* no leg: a toggle, on with what the peer sends */
	if (leg < 0)
		leg = stream_monitored(s) ? MON_OFF : MON_RX;

	if (leg == MON_OFF) {
		if (!stream_monitored(s)) {
			re_snprintf(err, errsz, "%s is not monitored",
				    call_id(call));
			return EALREADY;
		}
		stream_monitor(s, NULL, MON_OFF);
		return 0;
	}

	if (!env->monitor) {
		e = monitor_alloc(&env->monitor, env->audio_device,
				  env->conf->monitor_max_ms);
		if (e) {
			re_snprintf(err, errsz, "cannot monitor: %m", e);
			return e;
		}
	}

	/* No device is the operator's problem, not the call's: say so and
	 * carry on (a headless run keeps going too). */
	if (monitor_open(env->monitor, why, sizeof(why))) {
		call_error(call, "monitor", "%s", why);
		return 0;
	}

	prev = monitor_owner(env->monitor);
	if (prev && prev != s)
		stream_monitor(prev, NULL, MON_OFF);
	stream_monitor(s, env->monitor, (enum mon_leg)leg);
	return 0;
}

void call_info_received(struct call *call, struct sip *sip,
			const struct sip_msg *msg)
{
	char ctype[128], body[256], digit;
	uint32_t dur;
	size_t len = mbuf_get_left(msg->mb);
	int e;

	re_snprintf(ctype, sizeof(ctype), "%r/%r", &msg->ctyp.type,
		    &msg->ctyp.subtype);
	if (len >= sizeof(body))
		len = sizeof(body) - 1;
	memcpy(body, mbuf_buf(msg->mb), len);
	body[len] = '\0';

	e = dtmf_info_parse(ctype, body, len, &digit, &dur);
	if (e == ENOTSUP) {
		(void)sip_replyf(sip, msg, 415, "Unsupported Media Type",
				 "Accept: " DTMF_INFO_CTYPE
				 ", application/dtmf\r\n"
				 "Content-Length: 0\r\n\r\n");
		return;
	}
	if (e) {
		call_error(call, "dtmf", "INFO %s without a valid "
			   "Signal: '%s'", ctype, body);
		(void)sip_reply(sip, msg, 400, "Bad DTMF Signal");
		return;
	}

	(void)sip_reply(sip, msg, 200, "OK");
	stream_dtmf_info_rx(call_stream(call), digit, dur);
}

/* ---- DTMF by SIP INFO ---- */

void call_info_handler(struct sip *sip, const struct sip_msg *msg,
			 void *arg)
{
	struct call *call = arg;

	if (call->state == CALL_TERMINATED) {
		(void)sip_reply(sip, msg, 481, "Call Does Not Exist");
		return;
	}
	call_info_received(call, sip, msg);
}

static void info_resp_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;

	/* libre only calls this while the session lives, so CALL is too. */
	if (err)
		call_error(call, "dtmf",
			   "INFO failed: %m", err);
	else if (msg && msg->scode >= 300)
		call_error(call, "dtmf",
			   "INFO answered %u %r", msg->scode, &msg->reason);
}

/* The stream's DTMF queue says it is this digit's turn. */
void call_send_info_digit(char digit, uint32_t dur_ms, void *arg)
{
	struct call *call = arg;
	struct mbuf *mb = mbuf_alloc(64);
	int err = mb ? 0 : ENOMEM;

	if (!err)
		err = mbuf_printf(mb, "Signal=%c\r\nDuration=%u\r\n", digit,
				  dur_ms);
	if (!err) {
		mb->pos = 0;
		err = sipsess_info(call->sess, DTMF_INFO_CTYPE, mb,
				   info_resp_handler, call);
	}
	if (err)
		call_error(call, "dtmf",
			   "cannot send INFO for '%c': %m", digit, err);
	mem_deref(mb);
}
