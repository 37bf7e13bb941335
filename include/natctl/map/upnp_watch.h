/* SPDX-License-Identifier: BSD-2-Clause */
/* map --keep through UPnP: the IGD's SSDP NOTIFYs, heard from its own address, tell when it rebooted (a new BOOTID.UPNP.ORG, or back after ssdp:byebye). */
#ifndef NATCTL_UPNP_WATCH_H
#define NATCTL_UPNP_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "natctl/map/announce.h"
#include "natctl/map/method.h"
#include "natctl/map/ssdp.h"
#include "natctl/net/loop.h"

struct upnp_watch {
	int fd; /* -1 until opened */
	const struct map_env *env;
	struct endpoint igd; /* whose NOTIFYs count: the host of the IGD's LOCATION */
	bool have_bootid;
	uint32_t bootid; /* the IGD's, from its search answer or its last NOTIFY */
	bool left;       /* it said ssdp:byebye */
	const bool *wake;
	/* A NOTIFY is unauthenticated, as an announcement is: one is a reason
	 * to map again at most once per ANNOUNCE_MIN_INTERVAL_US. */
	struct announce_limit limit;
};

/* What one NOTIFY from the IGD means: true when it came back from a
 * reboot (a BOOTID other than the one known, or alive after byebye);
 * updates w's BOOTID and left (pure; unit-tested). */
bool upnp_watch_rebooted(struct upnp_watch *w, const struct ssdp_notify *n);

/*
 * The method's watch(): the first time, binds 0.0.0.0:1900 (shared with
 * any other SSDP listener) and joins 239.255.255.250 on this host's
 * interface, knowing the IGD at igd and its BOOTID if bootid_known; then
 * gives its loop client, done once *wake. 0 clients if the port cannot be
 * had: then only renewals notice a reboot.
 */
size_t upnp_watch_start(struct upnp_watch *w, const struct map_env *env, const struct endpoint *igd,
			bool bootid_known, uint32_t bootid, const bool *wake,
			struct loop_client *out);
void upnp_watch_close(struct upnp_watch *w);

#endif
