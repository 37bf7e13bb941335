// SPDX-License-Identifier: BSD-2-Clause
// Runs the unit tests: all of them, one by name, or lists their names.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

static const struct test_case *const suites[] = {
	buf_cases,          addr_cases,        stun_cases,          json_cases,
	cli_cases,          stun_client_cases, nat_verdict_cases,   diagnose_cases,
	pcp_cases,          ssdp_cases,        gateway_cases,       retransmit_cases,
	text_cases,         stun_error_cases,  golden_stun_cases,   golden_probe_cases,
	golden_map_cases,   portmap_cases,     map_errors_cases,    failure_cases,
	golden_cli_cases,   http_cases,        upnp_cases,          worker_cases,
	stun_check_cases,   state_cases,       nat_discovery_cases, net_cases,
	announce_cases,     sigwatch_cases,    golden_set_cases,    map_cache_cases,
	upnp_pinhole_cases,
};

/* The harness's own tally; this binary is not natctl and runs one case at a time. */
static unsigned failures;

void test_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "  %s:%d: check failed: %s\n", file, line, what);
	failures++;
}

void test_fail_strings(const char *file, int line, const char *a_text, const char *b_text,
		       const char *a, const char *b)
{
	fprintf(stderr, "  %s:%d: check failed: %s == %s (\"%s\" != \"%s\")\n", file, line, a_text,
		b_text, a ? a : "(null)", b ? b : "(null)");
	failures++;
}

static bool run_case(const struct test_case *tc)
{
	unsigned before = failures;
	tc->fn();
	bool ok = failures == before;
	printf("%s %s\n", ok ? "ok  " : "FAIL", tc->name);
	return ok;
}

int main(int argc, char **argv)
{
	unsigned passed = 0, failed = 0, matched = 0;
	bool list = argc > 1 && strcmp(argv[1], "--list") == 0;
	for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		for (const struct test_case *tc = suites[s]; tc->name; tc++) {
			if (list) {
				puts(tc->name);
				continue;
			}
			if (argc > 1 && strcmp(argv[1], tc->name) != 0)
				continue;
			matched++;
			if (run_case(tc))
				passed++;
			else
				failed++;
		}
	}
	if (list)
		return 0;
	if (argc > 1 && matched == 0) {
		fprintf(stderr, "no test named '%s'\n", argv[1]);
		return 2;
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
