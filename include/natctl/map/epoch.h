/* SPDX-License-Identifier: BSD-2-Clause */
/* Gateway epoch checks (RFC 6886 §3.6, RFC 6887 §8.5): tells when a NAT-PMP or PCP server lost its mappings. */
#ifndef NATCTL_EPOCH_H
#define NATCTL_EPOCH_H

#include <stdbool.h>
#include <stdint.h>

/* The last epoch a server reported, and when (our monotonic clock). */
struct epoch_track {
	bool seen;
	uint32_t server;   /* seconds since the server's epoch began */
	int64_t client_us; /* when we received it */
};

/*
 * Records a newly received epoch. Returns true if it is consistent with the
 * previous one, false if the server evidently restarted (or reset its
 * state), in which case every mapping must be renewed at once. The first
 * epoch seen is always valid.
 */
bool epoch_observe(struct epoch_track *t, uint32_t server_epoch, int64_t now_us);

/* The same test without recording anything: for an epoch that came from
 * anyone who can send from the gateway's address, not in answer to us. */
bool epoch_consistent(const struct epoch_track *t, uint32_t server_epoch, int64_t now_us);

#endif
