/* SPDX-License-Identifier: BSD-2-Clause */
/* `natctl probe`'s result: every source's findings and the diagnosis, filled by the probe and rendered by output_probe.c. */
#ifndef NATCTL_PROBE_H
#define NATCTL_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/base/trace.h"
#include "natctl/probe/diagnose.h"
#include "natctl/stun/nat_types.h"

struct probe_result {
	struct probe_facts facts;
	/* What each method told beyond its address (map_method_facts() says which). */
	struct map_method_info info[MAP_N_METHODS];
	bool stun_ran;
	struct nat_report stun;
	struct diagnosis diag;
	int64_t elapsed_us;
	char error[16 + 3 * MAP_TEXT_MAX]; /* "cannot run: ..."; "" when it ran */
};

struct probe_options {
	const struct endpoint *stun_servers; /* IPv4; none: no STUN */
	size_t n_stun;
	bool test_mapping;       /* make, report and delete a short-lived mapping per method */
	const char *ifname;      /* NULL: the default route's */
	struct endpoint gateway; /* unset: the default gateway */
	int64_t start_us, deadline;
	const struct trace *trace;
};

/*
 * Runs every source at once in one poll loop, then the diagnosis. Returns 0,
 * or -1 when it could not run at all (no route, no such interface) with the
 * reason in r->error.
 */
int probe_run(const struct probe_options *o, struct probe_result *r);

#endif
