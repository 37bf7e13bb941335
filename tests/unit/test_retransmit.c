// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for the doubling retransmission schedule of NAT-PMP and PCP.
#include "natctl/net/retransmit.h"
#include "test.h"

/* RFC 6886 §3.1: 250 ms, then doubling: sends at 0, 250, 750, 1750 ms. */
static void retransmit_doubles_from_initial(void)
{
	struct retransmit r;
	retransmit_start(&r, 250000);
	CHECK(retransmit_due(&r, 0));
	static const int64_t at[] = {1000, 251000, 751000, 1751000};
	for (size_t i = 0; i < 4; i++) {
		CHECK(retransmit_due(&r, at[i]));
		CHECK(!retransmit_due(&r, at[i] - 1) || i == 0);
		retransmit_sent(&r, at[i]);
		CHECK_EQ_INT(r.sends, i + 1);
		CHECK_EQ_INT(r.first_us, 1000);
		CHECK_EQ_INT(r.next_us, at[i] + (250000 << i));
	}
	retransmit_start(&r, 250000); /* a new request starts over */
	CHECK_EQ_INT(r.sends, 0);
	CHECK_EQ_INT(r.interval_us, 250000);
}

const struct test_case retransmit_cases[] = {
	T(retransmit_doubles_from_initial),
	{NULL, NULL},
};
