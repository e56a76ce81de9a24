/* The name table every user-typed enum goes through: exact and
 * case-blind matching, unknown and missing names, values outside the
 * table, and the tables the engine really uses. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <cmocka.h>
#include "base/names.h"
#include "media/dtmf.h"
#include "media/monitor.h"
#include "media/recorder.h"
#include "sip/call.h"

static const char *const colours[] = {"red", "green", "blue"};

static void test_exact(void **state)
{
	const struct name_table t = NAME_TABLE(colours, false);
	int v = -1;
	(void)state;

	assert_int_equal(t.n, 3);
	assert_int_equal(name_parse(&t, "green", &v), 0);
	assert_int_equal(v, 1);
	v = 7;
	assert_int_equal(name_parse(&t, "GREEN", &v), EINVAL);
	assert_int_equal(name_parse(&t, "gree", &v), EINVAL);
	assert_int_equal(name_parse(&t, "", &v), EINVAL);
	assert_int_equal(name_parse(&t, NULL, &v), EINVAL);
	assert_int_equal(v, 7);   /* untouched on failure */
}

static void test_nocase(void **state)
{
	const struct name_table t = NAME_TABLE(colours, true);
	int v = -1;
	(void)state;

	assert_int_equal(name_parse(&t, "BLUE", &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(name_parse(&t, "Red", &v), 0);
	assert_int_equal(v, 0);
}

static void test_name_of(void **state)
{
	const struct name_table t = NAME_TABLE(colours, false);
	(void)state;

	assert_string_equal(name_of(&t, 0), "red");
	assert_string_equal(name_of(&t, 2), "blue");
	assert_string_equal(name_of(&t, 3), "?");
	assert_string_equal(name_of(&t, -1), "?");
}

/* The engine's own tables round-trip every value. */
static void test_engine_tables(void **state)
{
	enum call_state st;
	enum rec_mode rm;
	enum mon_leg leg;
	enum dtmf_method dm;
	(void)state;

	for (int i = CALL_CALLING; i <= CALL_TERMINATED; i++) {
		assert_int_equal(call_state_parse(&st,
				 call_state_name((enum call_state)i)), 0);
		assert_int_equal(st, i);
	}
	assert_int_equal(rec_mode_parse(&rm, "separate"), 0);
	assert_int_equal(rm, REC_SEPARATE);
	assert_string_equal(rec_mode_name(REC_MIXED), "mixed");
	assert_int_equal(rec_mode_parse(&rm, "Stereo"), EINVAL);
	assert_int_equal(mon_leg_parse(&leg, "both"), 0);
	assert_int_equal(leg, MON_BOTH);
	assert_string_equal(mon_leg_name(MON_TX), "tx");
	/* DTMF methods have always been case-blind */
	assert_int_equal(dtmf_method_parse(&dm, "INFO"), 0);
	assert_int_equal(dm, DTMF_INFO);
	assert_string_equal(dtmf_method_name(DTMF_INBAND), "inband");
	assert_int_equal(call_state_parse(&st, "hold"), EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_nocase),
		cmocka_unit_test(test_name_of),
		cmocka_unit_test(test_engine_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
