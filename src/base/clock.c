// SPDX-License-Identifier: BSD-2-Clause
// Monotonic clock and poll timeouts.
#include "natctl/base/clock.h"

#include <limits.h>
#include <time.h>

int64_t clock_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * USEC_PER_SEC + ts.tv_nsec / 1000;
}

int64_t clock_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int clock_poll_timeout_ms(int64_t at, int64_t now)
{
	if (at == CLOCK_NEVER)
		return -1;
	if (at <= now)
		return 0;
	int64_t ms = (at - now + USEC_PER_MSEC - 1) / USEC_PER_MSEC;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}
