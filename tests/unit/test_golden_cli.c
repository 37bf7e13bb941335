// SPDX-License-Identifier: BSD-2-Clause
// Golden files for what natctl prints when no command ran: the usage-error document.
#include "golden.h"
#include "natctl/cli/output.h"
#include "test.h"

static void golden_usage_failure(void)
{
	for (int json = 0; json <= 1; json++) {
		struct golden g;
		golden_begin(&g, json, false);
		render_usage_failure(&g.out, "unknown command 'frob'; try 'natctl --help'");
		GOLDEN_END(&g, json ? "usage_failure.json" : "usage_failure.txt");
	}
}

const struct test_case golden_cli_cases[] = {
	T(golden_usage_failure),
	{NULL, NULL},
};
