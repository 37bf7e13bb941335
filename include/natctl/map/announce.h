/* SPDX-License-Identifier: BSD-2-Clause */
/* The gateway's unsolicited announcements on 224.0.0.1:5350 (NAT-PMP §3.2.1, PCP §14.1.1), heard by the method they belong to. */
#ifndef NATCTL_ANNOUNCE_H
#define NATCTL_ANNOUNCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/map/epoch.h"
#include "natctl/map/method.h"
#include "natctl/net/loop.h"

struct announce {
	int fd; /* -1 until opened */
	const struct map_env *env;
	enum map_method method;
	struct epoch_track *epoch; /* the method's own */
	/* True, with the epoch, if the datagram is one of this method's announcements. */
	bool (*epoch_of)(const uint8_t *d, size_t n, uint32_t *epoch);
	const bool *wake; /* the loop client is done once this is set */
};

/* Binds 0.0.0.0:5350 and joins 224.0.0.1 on this host's interface; 0 or -errno. */
int announce_open(struct announce *a);
void announce_close(struct announce *a);
/* Reads announcements from the gateway only; a restart reaches map_env_epoch(). */
struct loop_client announce_loop(struct announce *a);

/* A method's watch(): opens a (set up as `how`) the first time, then gives
 * its loop client, done once *wake; 0 clients if the port cannot be had. */
size_t announce_watch(struct announce *a, const struct announce *how, const bool *wake,
		      struct loop_client *out);

#endif
