/* SPDX-License-Identifier: BSD-2-Clause */
/* Monotonic time in microseconds and deadline arithmetic for poll(). */
#ifndef NATCTL_CLOCK_H
#define NATCTL_CLOCK_H

#include <stdint.h>

#define CLOCK_NEVER   INT64_MAX
#define USEC_PER_MSEC 1000
#define USEC_PER_SEC  1000000

/* CLOCK_MONOTONIC, so wall-clock steps never stretch or cut a deadline. */
int64_t clock_now_us(void);

/* Wall-clock time (CLOCK_REALTIME) in ms since the Unix epoch: for
 * timestamps people read, never for deadlines. */
int64_t clock_wall_ms(void);

/* poll() timeout in ms until `at` (rounded up, so we never wake early and spin); 0 if past. */
int clock_poll_timeout_ms(int64_t at, int64_t now);

static inline int64_t clock_min(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

#endif
