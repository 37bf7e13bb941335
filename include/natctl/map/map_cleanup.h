/* SPDX-License-Identifier: BSD-2-Clause */
/* natctl's own mappings: known from its state or by its UPnP description, listed beside the gateway's table, deleted by --cleanup. */
#ifndef NATCTL_MAP_CLEANUP_H
#define NATCTL_MAP_CLEANUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/map/map_types.h"
#include "natctl/map/portmap.h"
#include "natctl/map/state.h"

/* The UPnP description natctl gave before it added the host's name; a
 * mapping described so that points at this host is natctl's too. */
#define MAP_TAG_PLAIN "natctl"

/* Whether a UPnP mapping is natctl's from this host: described with tag
 * (or MAP_TAG_PLAIN) and pointing at self. */
bool map_is_ours(const struct map_entry *e, const char *tag, const struct endpoint *self);

/*
 * --list: marks the UPnP entries of l that are natctl's (by tag, or
 * recorded), then adds natctl's own PCP and NAT-PMP mappings on l's
 * gateway from recorded[n] (their lifetime: what is left of it at
 * wall-clock second now), for the methods in `methods`. 0 or -ENOMEM.
 */
int map_list_add_ours(struct map_list *l, const struct state_mapping *recorded, size_t n,
		      unsigned methods, const char *tag, const struct endpoint *self, int64_t now);

/* What --cleanup found and did. */
struct map_cleanup {
	struct map_result *results; /* one per mapping of natctl's found for this gateway */
	size_t n;
	size_t left;               /* still there: their deletion failed */
	struct map_result summary; /* gateway, warnings; the error when something is left */
};

/*
 * Deletes, all at once, natctl's mappings on this portmap's gateway:
 * those recorded[n] (its state) made for this host through the methods
 * in p->methods, and the UPnP mappings described with tag (or
 * MAP_TAG_PLAIN) that point at this host. One that is no longer there
 * counts as deleted. Recorded mappings of other gateways or hosts are
 * left alone, with a warning. 0 when nothing of natctl's is left, -1 if
 * something is (or memory ran out).
 */
int map_cleanup(struct portmap *pm, const struct state_mapping *recorded, size_t n, const char *tag,
		int64_t deadline, struct map_cleanup *out);
void map_cleanup_free(struct map_cleanup *c);

#endif
