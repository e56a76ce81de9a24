/* The JSON event stream stays valid JSON for any bytes a peer sends:
 * controls escaped, valid UTF-8 kept, anything else U+FFFD, numbers
 * JSON has (no NaN). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <re.h>
#include "base/event.h"

/* The JSON line the bus writes for an `error` event with DETAIL. */
static char *json_of(const char *detail, double t)
{
	struct evbus *bus = NULL;
	struct evlog *log = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(evbus_alloc(&bus), 0);
	evbus_set_time(bus, t);
	assert_int_equal(evlog_alloc(&log, bus, f), 0);
	evbus_emit(bus, "error", "a\"b", NULL, EVS("what", "x"),
		   EVS("detail", detail), EV_END);
	mem_deref(log);
	mem_deref(bus);
	fclose(f);
	return buf;
}

static void expect_detail(const char *detail, const char *json)
{
	char *line = json_of(detail, 1), want[512];

	snprintf(want, sizeof(want), "{\"t\":1.000,\"ev\":\"error\","
		 "\"ua\":\"a\\\"b\",\"what\":\"x\",\"detail\":\"%s\"}\n",
		 json);
	assert_string_equal(line, want);
	free(line);
}

static void test_controls(void **state)
{
	(void)state;
	expect_detail("\x1b[31mred\x1b[0m", "\\u001b[31mred\\u001b[0m");
	expect_detail("a\r\nb\tc\x7f\x01", "a\\r\\nb\\tc\\u007f\\u0001");
	expect_detail("q\"uo\\te", "q\\\"uo\\\\te");
	expect_detail("sip:1/2", "sip:1/2");
}

static void test_utf8(void **state)
{
	(void)state;
	/* valid: kept as it is */
	expect_detail("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9e",
		      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9e");
	/* a lone byte, a cut sequence, an overlong '/', a surrogate, past
	 * U+10FFFF: each bad byte is one U+FFFD */
	expect_detail("a\xff" "b", "a\\ufffdb");
	expect_detail("\xe2\x82", "\\ufffd\\ufffd");
	expect_detail("\xc0\xaf", "\\ufffd\\ufffd");
	expect_detail("\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd");
	expect_detail("\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd");
}

static void test_numbers(void **state)
{
	struct evbus *bus = NULL;
	struct evlog *log = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	(void)state;

	assert_int_equal(evbus_alloc(&bus), 0);
	evbus_set_time(bus, 0);
	assert_int_equal(evlog_alloc(&log, bus, f), 0);
	evbus_emit(bus, "rtp.stats", "u", "c1", EVD("jitter_ms", NAN),
		   EVD("rx_pkts", INFINITY), EV_END);
	mem_deref(log);
	mem_deref(bus);
	fclose(f);
	assert_non_null(strstr(buf, "\"jitter_ms\":null"));
	assert_non_null(strstr(buf, "\"rx_pkts\":null"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
