// SPDX-License-Identifier: BSD-2-Clause
// A doubling retransmission schedule for NAT-PMP and PCP requests.
#include "natctl/net/retransmit.h"

void retransmit_start(struct retransmit *r, int64_t initial_us)
{
	r->sends = 0;
	r->first_us = 0;
	r->next_us = 0;
	r->interval_us = initial_us;
}

bool retransmit_due(const struct retransmit *r, int64_t now)
{
	return now >= r->next_us;
}

void retransmit_sent(struct retransmit *r, int64_t now)
{
	if (r->sends++ == 0)
		r->first_us = now;
	r->next_us = now + r->interval_us;
	r->interval_us *= 2;
}
