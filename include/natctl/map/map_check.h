/* SPDX-License-Identifier: BSD-2-Clause */
/* map --check: a mapping proven reachable from outside by a STUN answer that can only come in through it (RFC 5780 RESPONSE-PORT). */
#ifndef NATCTL_MAP_CHECK_H
#define NATCTL_MAP_CHECK_H

#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/base/trace.h"
#include "natctl/map/map_types.h"
#include "natctl/map/portmap.h"

/* A companion mapping lives this long if, against every effort, it is not deleted. */
#define MAP_CHECK_COMPANION_LIFETIME 60
/* Deleting the companion may run this far past the deadline: one is never left behind. */
#define MAP_CHECK_CLEANUP_US (1000 * 1000)

struct map_check_options {
	struct endpoint server; /* an RFC 5780 STUN server, resolved; unset: none */
	const char *no_server;  /* why there is none, when unset */
	/* The how-manyth check of this run (--keep checks again): each asks
	 * another of the server's addresses to answer, so that none meets the
	 * NAT's memory of an earlier answer. */
	unsigned round;
	int64_t deadline;
	const struct trace *trace;
};

/*
 * Checks r's mapping, which pm made, and fills r->check. A UDP mapping of
 * this host is checked on its own port; when the port is in use, and for
 * TCP, through a companion UDP mapping of a free port by the same method,
 * deleted right after (then the result is about the path, and says so). A
 * mapping for another host cannot be checked from here: unknown, with the
 * reason. When the check proves the mapping unreachable, r->failure is
 * FAILURE_UNREACHABLE and r->error says why; the mapping stays.
 */
void map_check(struct portmap *pm, const struct map_check_options *o, struct map_result *r);

/* --check was asked but nothing was checked (no mapping was made): why. */
void map_check_not_run(struct map_result *r, const struct map_check_options *o, const char *why);

#endif
