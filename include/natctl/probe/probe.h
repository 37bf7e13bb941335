/* SPDX-License-Identifier: BSD-2-Clause */
/* `natctl probe`'s result: every source's findings and the diagnosis, filled by the probe and rendered by output_probe.c. */
#ifndef NATCTL_PROBE_H
#define NATCTL_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/base/failure.h"
#include "natctl/base/trace.h"
#include "natctl/probe/diagnose.h"
#include "natctl/stun/nat_types.h"

struct probe_result {
	struct probe_facts facts;
	/* What each method told beyond its address (map_method_facts() says which). */
	struct map_method_info info[MAP_N_METHODS];
	/* The STUN discovery; when it could not run (no server resolved), only
	 * its error and failure are set. */
	struct nat_report stun;
	/* The discovery over IPv6 (facts.ipv6.stun points here when it ran). */
	struct nat_report stun6;
	/* The hops toward the first STUN server (facts.path points here when
	 * it was probed). */
	struct path_result path;
	enum failure gateway_failure; /* why no method answered; FAILURE_NONE if one did */
	enum failure method_failure[MAP_N_METHODS]; /* why each absent one is (IPv4's discovery) */
	/* PCP asked over IPv6 (at the IPv6 default router, from the stable
	 * global address): whether it answered, and why not. */
	enum nat_tri pcp6;
	char pcp6_why[MAP_TEXT_MAX];
	struct diagnosis diag;
	int64_t elapsed_us;
	/* "" when it produced a diagnosis; else why not ("cannot run: no route
	 * ...", "nothing answered ..."), and the class of that. */
	char error[16 + 3 * MAP_TEXT_MAX];
	enum failure failure;
};

struct probe_options {
	const struct endpoint *stun_servers; /* IPv4; none: no STUN */
	size_t n_stun;
	/* With no server: why (a name that did not resolve), and its class. */
	const char *stun_error;
	enum failure stun_failure;
	bool ipv6; /* look at IPv6 too: the address, pinholes, STUN over IPv6 (not with -4) */
	const struct endpoint *stun6_servers; /* IPv6; none: no STUN over IPv6 */
	size_t n_stun6;
	const char *stun6_error; /* with none: why */
	enum failure stun6_failure;
	bool test_mapping;  /* make, check, report and delete a short-lived mapping per method */
	const char *ifname; /* NULL: the default route's */
	struct endpoint gateway; /* unset: the default gateway */
	int64_t wait_us;         /* silence before a gateway protocol is absent; 0: the default */
	const char *cache_dir;   /* the gateway cache's directory; NULL: no cache */
	int64_t start_us, deadline;
	const struct trace *trace;
};

struct probe; /* one probe run */

/*
 * Finds the gateway and this host's address toward it; nothing is sent.
 * Returns 0, or -1 when the probe cannot run at all (no route, no such
 * interface), with r filled as a failed result; *out goes to probe_close()
 * either way.
 */
int probe_open(struct probe **out, const struct probe_options *o, struct probe_result *r);

/*
 * Runs every source at once in one poll loop (the STUN servers of o, which
 * may be resolved after probe_open), then the diagnosis. r->failure is
 * FAILURE_NONE when there is a diagnosis, and a failure when nothing at
 * all answered.
 */
void probe_run(struct probe *p, const struct probe_options *o, struct probe_result *r);
void probe_close(struct probe *p);

#endif
