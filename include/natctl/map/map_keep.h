/* SPDX-License-Identifier: BSD-2-Clause */
/* `map --keep`: hold mappings in the foreground, renew them, map them again after a gateway restart, and delete them when a signal comes. */
#ifndef NATCTL_MAP_KEEP_H
#define NATCTL_MAP_KEEP_H

#include <stddef.h>
#include <stdint.h>

#include "natctl/map/map_check.h"
#include "natctl/map/map_hook.h"
#include "natctl/map/map_types.h"
#include "natctl/map/portmap.h"
#include "natctl/map/state.h"
#include "natctl/net/sigwatch.h"

/* Called for every event; the command renders it. */
typedef void (*map_event_fn)(void *ctx, enum map_event e, const struct map_result *r);

/* After a failed renewal natctl tries again after 2 s, then twice as long
 * each time up to a minute, never past the old lease's end (then: lost). */
#define MAP_RETRY_MIN_US (2 * 1000 * 1000)
#define MAP_RETRY_MAX_US (60 * 1000 * 1000)

struct map_keep_options {
	int64_t timeout_us; /* each renewal, re-mapping and the deletion */
	struct sigwatch *sw;
	bool *wake; /* the sigwatch's: a signal, a restart or a hook ends a wait */
	/* --check (one mapping): a mapping made again is checked again; NULL: no. */
	const struct map_check_options *check;
	struct map_hook *hook;         /* --on-change, or NULL */
	const struct state_dir *state; /* where the live mappings are recorded; NULL: nowhere */
	bool any;                      /* --any: another external port is welcome */
	uint32_t lifetime;             /* asked at each renewal (--lifetime) */
	unsigned methods;              /* a lost mapping is made again through these */
	map_event_fn emit;
	void *ctx;
};

/*
 * Keeps the mappings of held[n] that are ok (the others were reported
 * failed) until a terminating signal: emits mapped for each, renews each
 * at half its lifetime (RFC 6886 §3.3, RFC 6887 §11.2.1), every due one
 * at once (portmap_batch). When a NAT-PMP or PCP answer or announcement,
 * or the IGD's SSDP NOTIFY, shows the gateway restarted, its method is
 * discovered again (the external address read again) and its mappings
 * made again at once. Emits renewed, remapped (after a restart, after it
 * was lost, or to another port under --any), address-changed (another
 * external address), renew-failed (retried with backoff), lost (its lease
 * ran out unrenewed; natctl keeps trying to map it again through every
 * method) and, at the end, deleted or failed for each. Runs the hook on
 * mapped, remapped, address-changed and lost, and reports hook-failed.
 * Returns 0 if every deletion succeeded, -1 if not.
 */
int map_keep(struct portmap *pm, struct map_result *held, size_t n,
	     const struct map_keep_options *o);

#endif
