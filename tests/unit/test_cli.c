// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for the checked number parsers.
#include "natctl/cli/cli.h"
#include "test.h"

static void cli_parse_port_table(void)
{
	static const struct {
		const char *in;
		int ok;
		unsigned want;
	} rows[] = {
		{"1", 1, 1},
		{"8080", 1, 8080},
		{"65535", 1, 65535},
		{"0", 0, 0},
		{"65536", 0, 0},
		{"-1", 0, 0},
		{"+80", 0, 0},
		{"80x", 0, 0},
		{"", 0, 0},
		{" 80", 0, 0},
		{"99999999999999999999", 0, 0},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint16_t port = 0;
		int rc = parse_port(rows[i].in, &port);
		CHECK_EQ_INT(rc == 0, rows[i].ok);
		if (rows[i].ok)
			CHECK_EQ_INT(port, rows[i].want);
	}
}

static void cli_parse_seconds_table(void)
{
	static const struct {
		const char *in;
		int ok;
		long long us;
	} rows[] = {
		{"3", 1, 3000000},
		{"1.5", 1, 1500000},
		{".25", 1, 250000},
		{"0.001", 1, 1000},
		{"3600", 1, 3600000000LL},
		{"0", 0, 0},
		{"3601", 0, 0},
		{"-1", 0, 0},
		{"nan", 0, 0},
		{"inf", 0, 0},
		{"1e3", 1, 1000000000LL},
		{"2s", 0, 0},
		{"", 0, 0},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int64_t us = 0;
		int rc = parse_seconds(rows[i].in, 0.001, 3600, &us);
		CHECK_EQ_INT(rc == 0, rows[i].ok);
		if (rows[i].ok)
			CHECK_EQ_INT(us, rows[i].us);
	}
}

const struct test_case cli_cases[] = {
	T(cli_parse_port_table),
	T(cli_parse_seconds_table),
	{NULL, NULL},
};
