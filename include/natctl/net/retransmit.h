/* SPDX-License-Identifier: BSD-2-Clause */
/* A doubling retransmission schedule for one request at a time (RFC 6886 §3.1, RFC 6887 §8.1.1), cut by the caller's deadline. */
#ifndef NATCTL_RETRANSMIT_H
#define NATCTL_RETRANSMIT_H

#include <stdbool.h>
#include <stdint.h>

struct retransmit {
	unsigned sends;
	int64_t first_us;    /* the first send, for the round-trip time */
	int64_t next_us;     /* when the next send is due */
	int64_t interval_us; /* the wait after the next send */
};

/* A new request: the first send is due at once, then after initial_us, doubling. */
void retransmit_start(struct retransmit *r, int64_t initial_us);
bool retransmit_due(const struct retransmit *r, int64_t now);
/* Records a send made at now and schedules the next. */
void retransmit_sent(struct retransmit *r, int64_t now);

#endif
