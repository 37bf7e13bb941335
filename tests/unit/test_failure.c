// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for the failure table: tokens, exit statuses, and which of two failures a result reports.
#include <errno.h>
#include <string.h>

#include "natctl/base/failure.h"
#include "test.h"

/* The statuses natctl(1) promises: 2 usage, 3 nothing answered, 4 refused, 5 reserved. */
static void failure_exit_statuses(void)
{
	CHECK_EQ_INT(failure_exit(FAILURE_NONE), 0);
	CHECK_EQ_INT(failure_exit(FAILURE_USAGE), 2);
	CHECK_EQ_INT(failure_exit(FAILURE_NO_ANSWER), 3);
	CHECK_EQ_INT(failure_exit(FAILURE_REFUSED), 4);
	CHECK_EQ_INT(failure_exit(FAILURE_CONFLICT), 4);
	CHECK_EQ_INT(failure_exit(FAILURE_DOUBLE_NAT), 4);
	CHECK_EQ_INT(failure_exit(FAILURE_TIMEOUT), 1);
	CHECK_EQ_INT(failure_exit(FAILURE_NO_ROUTE), 1);
	CHECK_EQ_INT(failure_exit(FAILURE_UNREACHABLE), 5);
	CHECK(failure_documented(FAILURE_UNREACHABLE)); /* map --check */
	CHECK(failure_documented(FAILURE_NO_ROUTE));
}

/* Every class has its own token and a meaning; none is empty or repeated. */
static void failure_tokens_unique(void)
{
	CHECK(failure_token(FAILURE_NONE) == NULL);
	CHECK_EQ_STR(failure_token(FAILURE_NO_ANSWER), "no-answer");
	for (int a = 1; a < FAILURE_COUNT; a++) {
		CHECK(failure_token((enum failure)a) && failure_token((enum failure)a)[0]);
		CHECK(failure_meaning((enum failure)a) != NULL);
		for (int b = a + 1; b < FAILURE_COUNT; b++)
			CHECK(strcmp(failure_token((enum failure)a),
				     failure_token((enum failure)b)));
	}
}

static void failure_of_errno_table(void)
{
	CHECK_EQ_INT(failure_of_errno(-ENETUNREACH), FAILURE_NO_ROUTE);
	CHECK_EQ_INT(failure_of_errno(EHOSTUNREACH), FAILURE_NO_ROUTE);
	CHECK_EQ_INT(failure_of_errno(-ECONNREFUSED), FAILURE_NO_ANSWER);
	CHECK_EQ_INT(failure_of_errno(-EADDRINUSE), FAILURE_SYSTEM);
}

/* A refusal says more than silence, silence more than a missing route. */
static void failure_merge_order(void)
{
	CHECK_EQ_INT(failure_merge(FAILURE_NONE, FAILURE_NO_ANSWER), FAILURE_NO_ANSWER);
	CHECK_EQ_INT(failure_merge(FAILURE_NO_ANSWER, FAILURE_NONE), FAILURE_NO_ANSWER);
	CHECK_EQ_INT(failure_merge(FAILURE_NO_ANSWER, FAILURE_CONFLICT), FAILURE_CONFLICT);
	CHECK_EQ_INT(failure_merge(FAILURE_CONFLICT, FAILURE_DOUBLE_NAT), FAILURE_DOUBLE_NAT);
	CHECK_EQ_INT(failure_merge(FAILURE_NO_ROUTE, FAILURE_NO_ANSWER), FAILURE_NO_ANSWER);
	CHECK_EQ_INT(failure_merge(FAILURE_UNSUPPORTED, FAILURE_NO_ANSWER), FAILURE_UNSUPPORTED);
	CHECK_EQ_INT(failure_merge(FAILURE_TIMEOUT, FAILURE_NO_ANSWER), FAILURE_TIMEOUT);
}

const struct test_case failure_cases[] = {
	T(failure_exit_statuses),
	T(failure_tokens_unique),
	T(failure_of_errno_table),
	T(failure_merge_order),
	{NULL, NULL},
};
