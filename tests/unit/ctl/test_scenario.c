/* sipflow-scenario(5): line parsing with columns, file loading, expect
 * arguments and durations. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <re.h>
#include "base/util.h"
#include "sip/conf.h"
#include "ctl/cmd.h"
#include "ctl/expect.h"
#include "ctl/scenario.h"

static int setup(void **state)
{
	struct conf *c = NULL;

	if (conf_default(&c))
		return -1;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	mem_deref(*state);
	return 0;
}

static int parse(struct scn_step *st, const char *line, void **state,
		 char *err, size_t errsz)
{
	err[0] = '\0';
	return scenario_parse_line(st, line, *state, err, errsz);
}

/* LINE must fail with "COL: " then a message containing WORD. */
static void bad(void **state, const char *line, unsigned col,
		const char *word)
{
	struct scn_step st;
	char err[300], prefix[16];

	if (parse(&st, line, state, err, sizeof(err)) != EINVAL)
		fail_msg("'%s' was accepted", line);

	snprintf(prefix, sizeof(prefix), "%u: ", col);
	if (strncmp(err, prefix, strlen(prefix)))
		fail_msg("'%s': want column %u, got \"%s\"", line, col, err);
	if (word && !strstr(err, word))
		fail_msg("'%s': \"%s\" not in \"%s\"", line, word, err);
}

static void test_call(void **state)
{
	struct scn_step st;
	char err[300];

	assert_int_equal(parse(&st, "alice: call bob", state, err,
			       sizeof(err)), 0);
	assert_string_equal(st.inst, "alice");
	assert_non_null(st.cmd);
	assert_ptr_equal(st.cmd, cmd_find("call"));
	assert_string_equal(st.args, "bob");
	assert_string_equal(st.text, "alice: call bob");

	/* Blanks around the parts, tabs, and a trailing comment. */
	assert_int_equal(parse(&st, "  bob :\tanswer   # 200 OK\n", state,
			       err, sizeof(err)), 0);
	assert_string_equal(st.inst, "bob");
	assert_ptr_equal(st.cmd, cmd_find("answer"));
	assert_string_equal(st.args, "");
	assert_string_equal(st.text, "bob :\tanswer");

	assert_int_equal(parse(&st, "alice: call bob  # comment", state,
			       err, sizeof(err)), 0);
	assert_string_equal(st.args, "bob");
	assert_string_equal(st.text, "alice: call bob");

	/* A sip: URI keeps its colons. */
	assert_int_equal(parse(&st, "alice: call sip:9@127.0.0.1:5080",
			       state, err, sizeof(err)), 0);
	assert_string_equal(st.inst, "alice");
	assert_string_equal(st.args, "sip:9@127.0.0.1:5080");
}

/* INSTANCE/CALL names a call; call ... as NAME gives one; the mid-call
 * verbs check their arguments as the scenario loads. */
static void test_call_refs(void **state)
{
	struct scn_step st;
	char err[300];

	assert_int_equal(parse(&st, "bob/c2: hold", state, err,
			       sizeof(err)), 0);
	assert_string_equal(st.inst, "bob");
	assert_string_equal(st.call, "c2");
	assert_ptr_equal(st.cmd, cmd_find("hold"));

	assert_int_equal(parse(&st, " bob / #2 : expect held 3s", state,
			       err, sizeof(err)), 0);
	assert_string_equal(st.inst, "bob");
	assert_string_equal(st.call, "#2");
	assert_int_equal(st.exp.state, CALL_HELD);

	assert_int_equal(parse(&st, "alice: hangup", state, err,
			       sizeof(err)), 0);
	assert_string_equal(st.call, "");

	assert_int_equal(parse(&st, "bob: call carol as consult", state,
			       err, sizeof(err)), 0);
	assert_string_equal(st.args, "carol as consult");
	assert_int_equal(parse(&st, "bob/consult: transfer --attended",
			       state, err, sizeof(err)), 0);
	assert_int_equal(parse(&st, "bob: transfer --attended #1", state,
			       err, sizeof(err)), 0);
	assert_int_equal(parse(&st, "bob: transfer sip:x@127.0.0.1:5099",
			       state, err, sizeof(err)), 0);
	assert_int_equal(parse(&st, "bob: transfer --accept", state, err,
			       sizeof(err)), 0);
	assert_int_equal(parse(&st, "alice: expect transfer_failed 603 2s",
			       state, err, sizeof(err)), 0);
	assert_int_equal(st.exp.kind, EXPECT_XFER);
	assert_string_equal(st.exp.reg, "transfer_failed");
	assert_int_equal(st.exp.code, 603);
	assert_int_equal(parse(&st, "alice: expect referred", state, err,
			       sizeof(err)), 0);
	assert_int_equal(st.exp.code, -1);

	bad(state, "bob/: hold", 5, "a call after '/'");
	bad(state, "bob/c1: call alice", 9, "acts on the instance");
	bad(state, "bob/c1: wait 1s", 9, "leave out /c1");
	bad(state, "bob: call carol as c7", 20, "cannot name a call");
	bad(state, "bob: call carol as #2", 20, "cannot name a call");
	bad(state, "bob: call carol as 7up", 20, "cannot name a call");
	bad(state, "bob: call carol like x", 17, "TARGET [as NAME]");
	bad(state, "bob: transfer --attended c1 c2", 6, "transfer takes");
	bad(state, "bob: transfer --maybe", 15, "TARGET, --attended");
	bad(state, "bob: expect referred 603", 22, "unexpected");
	bad(state, "bob/c1: expect registered", 16, "leave out /c1");
	bad(state, "bob/abcdefghijklmnopqrstuvwxyz0123456789: hold", 5,
	    "longer than 31");
}

static void test_blank_and_comment(void **state)
{
	struct scn_step st;
	char err[300];

	assert_int_equal(parse(&st, "", state, err, sizeof(err)), ENODATA);
	assert_int_equal(parse(&st, "   \t\n", state, err, sizeof(err)),
			 ENODATA);
	assert_int_equal(parse(&st, "# x", state, err, sizeof(err)),
			 ENODATA);
	assert_int_equal(parse(&st, "#alice: call bob", state, err,
			       sizeof(err)), ENODATA);
	assert_int_equal(parse(&st, "   # indented", state, err,
			       sizeof(err)), ENODATA);
	assert_string_equal(err, "");
}

static void test_expect_lines(void **state)
{
	struct scn_step st;
	char err[300];

	assert_int_equal(parse(&st, "bob: expect terminated 486 5s", state,
			       err, sizeof(err)), 0);
	assert_ptr_equal(st.cmd, cmd_find("expect"));
	assert_int_equal(st.exp.kind, EXPECT_STATE);
	assert_int_equal(st.exp.state, CALL_TERMINATED);
	assert_int_equal(st.exp.code, 486);
	assert_int_equal(st.exp.timeout_ms, 5000);

	/* "12#" ends in '#' but is digits, not a comment. */
	assert_int_equal(parse(&st, "bob: expect dtmf 12# 3s", state, err,
			       sizeof(err)), 0);
	assert_int_equal(st.exp.kind, EXPECT_DTMF);
	assert_string_equal(st.exp.digits, "12#");
	assert_int_equal(st.exp.timeout_ms, 3000);

	assert_int_equal(parse(&st, "bob: expect dtmf 12#", state, err,
			       sizeof(err)), 0);
	assert_string_equal(st.exp.digits, "12#");
	assert_int_equal(st.exp.timeout_ms, EXPECT_DEFAULT_TIMEOUT_MS);

	assert_int_equal(parse(&st, "bob: expect incoming", state, err,
			       sizeof(err)), 0);
	assert_int_equal(st.exp.state, CALL_INCOMING);
	assert_int_equal(st.exp.code, -1);
	assert_int_equal(st.exp.timeout_ms, 10000);

	assert_int_equal(parse(&st, "alice: expect established 2.5s", state,
			       err, sizeof(err)), 0);
	assert_int_equal(st.exp.state, CALL_ESTABLISHED);
	assert_int_equal(st.exp.timeout_ms, 2500);
}

static void test_wait_and_reject(void **state)
{
	struct scn_step st;
	char err[300];

	assert_int_equal(parse(&st, "alice: wait 500ms", state, err,
			       sizeof(err)), 0);
	assert_ptr_equal(st.cmd, cmd_find("wait"));
	assert_int_equal(st.wait_ms, 500);

	assert_int_equal(parse(&st, "alice: wait 2", state, err,
			       sizeof(err)), 0);
	assert_int_equal(st.wait_ms, 2000);

	assert_int_equal(parse(&st, "bob: reject 603", state, err,
			       sizeof(err)), 0);
	assert_ptr_equal(st.cmd, cmd_find("reject"));
	assert_string_equal(st.args, "603");

	/* The code is optional (486). */
	assert_int_equal(parse(&st, "bob: reject", state, err,
			       sizeof(err)), 0);
	assert_string_equal(st.args, "");
}

static void test_errors(void **state)
{
	/* Columns are 1-based into the line as written. */
	bad(state, "carol: call bob", 1, "unknown instance 'carol'");
	bad(state, "   carol: call bob", 4, "carol");
	bad(state, "alice: fly bob", 8, "unknown verb 'fly'");
	bad(state, "alice:   fly", 10, "fly");
	bad(state, "alice: reject 200", 15, "'200'");
	bad(state, "alice: reject 486 now", 8, "reject takes");
	bad(state, "bob: expect flying", 13, "unknown event 'flying'");
	bad(state, "bob: expect flying 5s", 13, "flying");
	bad(state, "bob: expect established 486 5s", 25,
	    "unexpected '486'");
	bad(state, "bob: expect terminated 999 5s", 24, "999");
	bad(state, "bob: expect dtmf 12x 5s", 18, "DIGITS");
	bad(state, "bob: expect dtmf", 13, "DIGITS");
	bad(state, "bob: expect terminated 486 bad", 28, "not a timeout");
	/* Too many words: the message is the verb's synopsis. */
	bad(state, "bob: expect terminated 486 5s extra", 6,
	    "expect takes EVENT [ARG] [TIMEOUT]");
	bad(state, "alice: wait soon", 13, "'soon' is not a duration");
	bad(state, "alice: wait -1s", 13, "duration");
	bad(state, "alice call bob", 1, "INSTANCE: VERB");
	bad(state, ": call bob", 1, "INSTANCE: VERB");
	bad(state, "  alice call bob", 3, "INSTANCE: VERB");
	bad(state, "alice: call", 8, "call takes TARGET");
	bad(state, "alice:", 7, "unknown verb ''");
	bad(state, "alice: answer now", 8, "answer takes no arguments");
}

static void test_no_conf(void **state)
{
	struct scn_step st;
	char err[300] = "";

	(void)state;
	/* Without a conf (no instances known yet) any name is taken. */
	assert_int_equal(scenario_parse_line(&st, "zed: hangup", NULL, err,
					     sizeof(err)), 0);
	assert_string_equal(st.inst, "zed");
}

static void test_long_line(void **state)
{
	struct scn_step st;
	char line[600], err[300];

	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	memcpy(line, "alice: call ", 12);
	assert_int_equal(parse(&st, line, state, err, sizeof(err)), EINVAL);
	assert_non_null(strstr(err, "too long"));
}

/* A temporary file holding TEXT. */
static void tmp_write(char *path, size_t sz, const char *text)
{
	int fd;
	size_t len = strlen(text);

	snprintf(path, sz, "/tmp/sipflow-test-scn-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* Load TEXT from a temporary file, removed before any assertion. */
static int load(struct scenario **sp, const char *text, char *path,
		size_t pathsz, void **state, char *err, size_t errsz)
{
	int e;

	tmp_write(path, pathsz, text);
	err[0] = '\0';
	*sp = NULL;
	e = scenario_load(sp, path, *state, err, errsz);
	unlink(path);
	return e;
}

static void test_load_good(void **state)
{
	struct scenario *s = NULL;
	struct scn_step *st;
	char path[64], err[400] = "";
	struct le *le;

	static const char text[] =
		"# basic call\n"
		"alice: call bob          # a name\n"
		"bob:   expect incoming 5s\n"
		"\n"
		"bob:   answer\n"
		"alice: expect established 5s\n"
		"alice: wait 1.5s\n"
		"alice: hangup\n"
		"bob:   expect terminated 5s\n";

	assert_int_equal(load(&s, text, path, sizeof(path), state, err,
			      sizeof(err)), 0);

	assert_string_equal(s->path, path);
	assert_int_equal(list_count(&s->steps), 7);

	/* Steps keep their file line numbers and parsed arguments. */
	le = s->steps.head;
	st = le->data;
	assert_int_equal(st->line, 2);
	assert_string_equal(st->inst, "alice");
	assert_string_equal(st->args, "bob");

	le = le->next;
	st = le->data;
	assert_int_equal(st->line, 3);
	assert_int_equal(st->exp.state, CALL_INCOMING);
	assert_int_equal(st->exp.timeout_ms, 5000);

	le = le->next;
	st = le->data;
	assert_int_equal(st->line, 5);
	assert_ptr_equal(st->cmd, cmd_find("answer"));

	le = le->next->next;
	st = le->data;
	assert_int_equal(st->line, 7);
	assert_int_equal(st->wait_ms, 1500);

	st = s->steps.tail->data;
	assert_int_equal(st->line, 9);
	assert_int_equal(st->exp.state, CALL_TERMINATED);
	assert_int_equal(st->exp.code, -1);

	mem_deref(s);
}

static void test_load_bad_line(void **state)
{
	struct scenario *s = NULL;
	char path[64], err[400] = "", want[128];

	static const char text[] =
		"alice: call bob\n"
		"bob: answer\n"
		"alice: fly away\n"
		"alice: hangup\n";

	assert_int_equal(load(&s, text, path, sizeof(path), state, err,
			      sizeof(err)), EINVAL);
	assert_null(s);

	snprintf(want, sizeof(want), "%s:3:8: unknown verb 'fly'", path);
	assert_string_equal(err, want);
}

static void test_load_bad_instance(void **state)
{
	struct scenario *s = NULL;
	char path[64], err[400] = "", want[128];

	static const char text[] =
		"\n"
		"# two lines in\n"
		"  mallory: call bob\n";

	assert_int_equal(load(&s, text, path, sizeof(path), state, err,
			      sizeof(err)), EINVAL);
	assert_null(s);

	snprintf(want, sizeof(want), "%s:3:3: unknown instance 'mallory'",
		 path);
	assert_string_equal(err, want);
}

static void test_load_empty_and_missing(void **state)
{
	struct scenario *s = NULL;
	char path[64], err[400] = "";

	assert_int_equal(load(&s, "# nothing\n\n", path, sizeof(path),
			      state, err, sizeof(err)), EINVAL);
	assert_null(s);
	assert_non_null(strstr(err, "no scenario lines"));

	err[0] = '\0';
	assert_int_equal(scenario_load(&s, "/nonexistent/x.scn", *state,
				       err, sizeof(err)), ENOENT);
	assert_non_null(strstr(err, "/nonexistent/x.scn"));
}

static void test_expect_parse(void **state)
{
	struct expect e;
	char err[200];
	size_t col = 99;

	(void)state;

	assert_int_equal(expect_parse(&e, "ringing", err, sizeof(err), &col),
			 0);
	assert_int_equal(e.kind, EXPECT_STATE);
	assert_int_equal(e.state, CALL_RINGING);
	assert_int_equal(e.timeout_ms, 10000);
	assert_int_equal(e.code, -1);

	assert_int_equal(expect_parse(&e, "terminated 30s", err, sizeof(err),
				      &col), 0);
	assert_int_equal(e.code, -1);
	assert_int_equal(e.timeout_ms, 30000);

	assert_int_equal(expect_parse(&e, "dtmf *0#AD 500ms", err,
				      sizeof(err), &col), 0);
	assert_string_equal(e.digits, "*0#AD");
	assert_int_equal(e.timeout_ms, 500);

	assert_int_equal(expect_parse(&e, "remote_held 1m", err, sizeof(err),
				      &col), 0);
	assert_int_equal(e.state, CALL_REMOTE_HELD);
	assert_int_equal(e.timeout_ms, 60000);

	assert_int_equal(expect_parse(&e, "", err, sizeof(err), &col),
			 EINVAL);
	assert_int_equal(expect_parse(&e, "held later", err, sizeof(err),
				      &col), EINVAL);
	assert_int_equal(col, 5);
	assert_int_equal(expect_parse(&e, "terminated 486 5s 6s", err,
				      sizeof(err), &col), EINVAL);

	/* registration states; only reg_failed takes a code */
	assert_int_equal(expect_parse(&e, "registered 5s", err, sizeof(err),
				      &col), 0);
	assert_int_equal(e.kind, EXPECT_REG);
	assert_string_equal(e.reg, "registered");
	assert_int_equal(e.timeout_ms, 5000);
	assert_int_equal(expect_parse(&e, "reg_failed 401", err, sizeof(err),
				      &col), 0);
	assert_string_equal(e.reg, "failed");
	assert_int_equal(e.code, 401);
	assert_int_equal(expect_parse(&e, "unregistered", err, sizeof(err),
				      &col), 0);
	assert_string_equal(e.reg, "unregistered");
	assert_int_equal(e.code, -1);
	assert_int_equal(expect_parse(&e, "registered 200", err, sizeof(err),
				      &col), EINVAL);
	assert_int_equal(col, 11);
}

/* "terminated [CODE]" (cmd.c's help): a bare code is the code, not a
 * timeout of that many seconds. */
static void test_expect_bare_code(void **state)
{
	struct expect e;
	char err[200] = "";
	size_t col;

	(void)state;

	assert_int_equal(expect_parse(&e, "terminated 486", err, sizeof(err),
				      &col), 0);
	assert_int_equal(e.code, 486);
	assert_int_equal(e.timeout_ms, EXPECT_DEFAULT_TIMEOUT_MS);
}

/* All-digit DTMF with no timeout is DIGITS, not a duration. */
static void test_expect_dtmf_digits_only(void **state)
{
	struct expect e;
	char err[200] = "";
	size_t col;

	(void)state;

	assert_int_equal(expect_parse(&e, "dtmf 1234", err, sizeof(err),
				      &col), 0);
	assert_string_equal(e.digits, "1234");
	assert_int_equal(e.timeout_ms, EXPECT_DEFAULT_TIMEOUT_MS);
}

/* An indented comment need not have a blank after the '#'. */
static void test_indented_comment(void **state)
{
	struct scn_step st;
	char err[300];


	assert_int_equal(parse(&st, "   #comment", state, err, sizeof(err)),
			 ENODATA);
}

static void test_duration(void **state)
{
	uint64_t ms = 12345;

	(void)state;

	assert_int_equal(duration_parse(&ms, "5s"), 0);
	assert_int_equal(ms, 5000);
	assert_int_equal(duration_parse(&ms, "500ms"), 0);
	assert_int_equal(ms, 500);
	assert_int_equal(duration_parse(&ms, "1.5s"), 0);
	assert_int_equal(ms, 1500);
	assert_int_equal(duration_parse(&ms, "2m"), 0);
	assert_int_equal(ms, 120000);
	assert_int_equal(duration_parse(&ms, "3"), 0);
	assert_int_equal(ms, 3000);
	assert_int_equal(duration_parse(&ms, "0"), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(duration_parse(&ms, "0.0004s"), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(duration_parse(&ms, "2.5ms"), 0);
	assert_int_equal(ms, 3);

	/* Failures leave the output alone. */
	ms = 777;
	assert_int_equal(duration_parse(&ms, "x"), EINVAL);
	assert_int_equal(duration_parse(&ms, "-1"), EINVAL);
	assert_int_equal(duration_parse(&ms, ""), EINVAL);
	assert_int_equal(duration_parse(&ms, "5 s"), EINVAL);
	assert_int_equal(duration_parse(&ms, "5h"), EINVAL);
	assert_int_equal(duration_parse(&ms, "5sec"), EINVAL);
	assert_int_equal(duration_parse(&ms, "s"), EINVAL);
	assert_int_equal(duration_parse(&ms, "inf"), EINVAL);
	assert_int_equal(duration_parse(&ms, "1e10"), EINVAL);
	assert_int_equal(duration_parse(&ms, NULL), EINVAL);
	assert_int_equal(ms, 777);
}

/* A duration is a decimal number (sipflow-scenario(5)), but strtod()
 * also reads "nan", which passes both range checks and is then converted
 * to an integer (undefined behaviour), and hexadecimal. */
static void test_duration_not_decimal(void **state)
{
	uint64_t ms = 777;

	(void)state;

	assert_int_equal(duration_parse(&ms, "nan"), EINVAL);
	assert_int_equal(duration_parse(&ms, "0x10"), EINVAL);
	assert_int_equal(ms, 777);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_call_refs, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_blank_and_comment,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_expect_lines, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_wait_and_reject, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test(test_no_conf),
		cmocka_unit_test_setup_teardown(test_long_line, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_load_good, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_load_bad_line, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_load_bad_instance, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_load_empty_and_missing,
						setup, teardown),
		cmocka_unit_test(test_expect_parse),
		cmocka_unit_test(test_expect_bare_code),
		cmocka_unit_test(test_expect_dtmf_digits_only),
		cmocka_unit_test_setup_teardown(test_indented_comment, setup,
						teardown),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_duration_not_decimal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
