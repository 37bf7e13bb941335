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

/*
 * An announcement is unauthenticated: anyone on the LAN can send one from
 * the gateway's address. One that shows an inconsistent epoch is a hint to
 * check, by renewing at once; hints come at most once per this interval,
 * so a flood of spoofed ones cannot make a renewal storm. A real restart
 * is announced again and again (RFC 6886 §3.2.1), and the renewal's own
 * answer carries the epoch that counts.
 */
#define ANNOUNCE_MIN_INTERVAL_US (10 * 1000 * 1000)

enum announce_verdict {
	ANNOUNCE_CONSISTENT, /* nothing to do */
	ANNOUNCE_RESTART,    /* inconsistent: renew now */
	ANNOUNCE_SUPPRESSED, /* inconsistent, but one was acted on less than the interval ago */
};

struct announce_limit {
	bool acted;
	int64_t last_us;     /* when the last one was acted on */
	unsigned suppressed; /* inconsistent ones ignored since */
};

/* A hint of a restart may be acted on now (true), or one was less than the
 * interval ago (false, counted): for any unauthenticated hint (SSDP too). */
bool announce_allow(struct announce_limit *l, int64_t now_us);
/* Judges one announcement's epoch against the method's track (left as it
 * is: only answers to our own requests move it). */
enum announce_verdict announce_judge(struct announce_limit *l, const struct epoch_track *t,
				     uint32_t epoch, int64_t now_us);

struct announce {
	int fd; /* -1 until opened */
	const struct map_env *env;
	enum map_method method;
	struct epoch_track *epoch; /* the method's own */
	/* True, with the epoch, if the datagram is one of this method's announcements. */
	bool (*epoch_of)(const uint8_t *d, size_t n, uint32_t *epoch);
	const bool *wake; /* the loop client is done once this is set */
	struct announce_limit limit;
};

/* Binds 0.0.0.0:5350 and joins 224.0.0.1 on this host's interface; 0 or -errno. */
int announce_open(struct announce *a);
void announce_close(struct announce *a);
/* Reads announcements from the gateway only; one that shows a restart
 * reaches the controller's restarted(), at most once per interval. */
struct loop_client announce_loop(struct announce *a);

/* A method's watch(): opens a (set up as `how`) the first time, then gives
 * its loop client, done once *wake; 0 clients if the port cannot be had. */
size_t announce_watch(struct announce *a, const struct announce *how, const bool *wake,
		      struct loop_client *out);

#endif
