/* SPDX-License-Identifier: BSD-2-Clause */
/* `map --keep`: hold a mapping in the foreground, renew it, and delete it when a signal comes. */
#ifndef NATCTL_MAP_KEEP_H
#define NATCTL_MAP_KEEP_H

#include <stdint.h>

#include "natctl/map/map_check.h"
#include "natctl/map/map_types.h"
#include "natctl/map/portmap.h"
#include "natctl/net/sigwatch.h"

/* Called for every event; the command renders it. */
typedef void (*map_event_fn)(void *ctx, enum map_event e, const struct map_result *r);

/* After a failed renewal, natctl tries again after half the time left, within these bounds. */
#define MAP_RETRY_MIN_US (2 * 1000 * 1000)
#define MAP_RETRY_MAX_US (60 * 1000 * 1000)

/*
 * Keeps r's mapping until SIGINT, SIGTERM or SIGHUP (sw must be open):
 * renews it at half its lifetime (RFC 6886 §3.3, RFC 6887 §11.2.1), and at
 * once when a NAT-PMP or PCP answer or unsolicited announcement shows the
 * gateway restarted. Each operation gets timeout_us. Emits renewed,
 * remapped (after a restart, or after it was lost), address-changed (the
 * external address or port is not the one before), renew-failed, lost
 * (once its lifetime ran out unrenewed; it keeps trying) and deleted.
 * With check (--check), a remapped or address-changed mapping is checked
 * before its event, within the same timeout as the renewal; one proven
 * unreachable is kept, its event says so. Then deletes the mapping.
 * Returns 0 if the deletion succeeded, -1 if not.
 */
int map_keep(struct portmap *pm, struct map_result *r, int64_t timeout_us, struct sigwatch *sw,
	     bool *wake, const struct map_check_options *check, map_event_fn emit, void *ctx);

#endif
