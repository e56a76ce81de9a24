/* CDR lines.  The file is opened, appended to and closed per call, so a
 * killed process loses no finished call and another program may rotate
 * the file between calls. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <re.h>
#include "pbx_cdr.h"

static const char *const columns[] = {
	"start", "answer", "end", "caller", "callee", "disposition",
	"duration", "billsec", "code", "reason", "hangup_side",
	"codec_caller", "codec_callee", "recording", "sip_callid",
	"leg_caller", "leg_callee",
};

int pbx_csv_field(struct re_printf *pf, const char *s)
{
	int err = 0;

	if (!s)
		s = "";
	if (!strpbrk(s, ",\"\r\n"))
		return re_hprintf(pf, "%s", s);
	err |= re_hprintf(pf, "\"");
	for (const char *p = s; *p; p++)
		err |= re_hprintf(pf, *p == '"' ? "\"\"" : "%c", *p);
	err |= re_hprintf(pf, "\"");
	return err;
}

int pbx_cdr_header(struct re_printf *pf, void *unused)
{
	int err = 0;
	(void)unused;

	for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
		err |= re_hprintf(pf, "%s%s", i ? "," : "", columns[i]);
	return err | re_hprintf(pf, "\r\n");
}

void pbx_cdr_time(char *buf, size_t size, uint64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char s[32];

	if (!ms || !gmtime_r(&t, &tm)) {
		if (size)
			buf[0] = '\0';
		return;
	}
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	re_snprintf(buf, size, "%s.%03uZ", s, (unsigned)(ms % 1000));
}

double pbx_cdr_seconds(uint64_t from, uint64_t to)
{
	return from && to > from ? (double)(to - from) / 1000.0 : 0.0;
}

const char *pbx_cdr_disposition(bool answered, bool placed, uint16_t code)
{
	if (answered)
		return "ANSWERED";
	if (!placed)
		return "FAILED";   /* refused before any callee was tried */
	if (code == 486 || code == 600)
		return "BUSY";
	if (code == 487 || code == 408 || code == 480 || code == 603)
		return "NO ANSWER";
	return "FAILED";
}

int pbx_cdr_csv(struct re_printf *pf, const struct cdr *c)
{
	char start[40], answer[40], end[40];
	int err = 0;

	pbx_cdr_time(start, sizeof(start), c->start_ms);
	pbx_cdr_time(answer, sizeof(answer), c->answer_ms);
	pbx_cdr_time(end, sizeof(end), c->end_ms);

	err |= re_hprintf(pf, "%s,%s,%s,", start, answer, end);
	err |= pbx_csv_field(pf, c->caller);
	err |= re_hprintf(pf, ",");
	err |= pbx_csv_field(pf, c->callee);
	err |= re_hprintf(pf, ",%s,%.3f,%.3f,%u,", c->disposition,
			  pbx_cdr_seconds(c->start_ms, c->end_ms),
			  pbx_cdr_seconds(c->answer_ms, c->end_ms), c->code);
	err |= pbx_csv_field(pf, c->reason);
	err |= re_hprintf(pf, ",%s,", c->side);
	err |= pbx_csv_field(pf, c->codec_a);
	err |= re_hprintf(pf, ",");
	err |= pbx_csv_field(pf, c->codec_b);
	err |= re_hprintf(pf, ",");
	err |= pbx_csv_field(pf, c->recording);
	err |= re_hprintf(pf, ",");
	err |= pbx_csv_field(pf, c->sip_callid);
	err |= re_hprintf(pf, ",%s,%s\r\n", c->leg_a ? c->leg_a : "",
			  c->leg_b ? c->leg_b : "");
	return err;
}

int pbx_cdr_append(const char *path, const struct cdr *c)
{
	char *line = NULL, *head = NULL;
	off_t size;
	int fd, err = 0;
	ssize_t n;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno;

	err = re_sdprintf(&line, "%H", pbx_cdr_csv, c);
	size = lseek(fd, 0, SEEK_END);
	if (!err && size == 0)
		err = re_sdprintf(&head, "%H", pbx_cdr_header, NULL);
	if (!err && head) {
		n = write(fd, head, strlen(head));
		if (n != (ssize_t)strlen(head))
			err = n < 0 ? errno : EIO;
	}
	if (!err) {
		/* one write: a record is never split by another writer */
		n = write(fd, line, strlen(line));
		if (n != (ssize_t)strlen(line))
			err = n < 0 ? errno : EIO;
	}
	if (close(fd) && !err)
		err = errno;
	mem_deref(line);
	mem_deref(head);
	return err;
}
