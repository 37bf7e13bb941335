// SPDX-License-Identifier: BSD-2-Clause
// How many NAT layers the path shows: pure rules over the hops and the public address.
#include <stdio.h>

#include "natctl/stun/path_types.h"

/* Addresses the internet routes; TEST-NET ranges count, as the test network uses them. */
static bool is_public(enum addr_class c)
{
	return c == ADDR_CLASS_GLOBAL || c == ADDR_CLASS_DOCUMENTATION;
}

int path_nat_layers(const struct path_result *p, bool *cgnat, char *why, size_t len)
{
	char ip[IP_STRLEN];
	bool second = false;
	*cgnat = false;
	if (!p->reached) {
		snprintf(why, len, "the STUN server never answered");
		return -1;
	}
	if (endpoint_same_ip(&p->mapped, &p->local)) {
		snprintf(why, len, "0 NAT layers: the server sees this host's own address %s",
			 endpoint_format_ip(&p->local, ip));
		return 0;
	}
	/* The first hop is the gateway, the first NAT; look behind it. */
	for (size_t i = 1; i < p->n_hops; i++) {
		const struct path_hop *h = &p->hops[i];
		if (!h->answered) {
			snprintf(why, len, "hop %zu stayed silent before any public hop", i + 1);
			return -1;
		}
		if (is_public(h->class))
			break;
		*cgnat = *cgnat || h->class == ADDR_CLASS_CGNAT;
		second = second || h->class == ADDR_CLASS_PRIVATE;
	}
	int layers = 1 + second + *cgnat;
	snprintf(why, len, "%d NAT layer%s: the gateway%s%s", layers, layers > 1 ? "s" : "",
		 second ? ", a private hop behind it" : "",
		 *cgnat ? ", a hop in 100.64.0.0/10 (carrier-grade NAT)" : "");
	return layers;
}

void path_report_fill(struct path_report *r, int64_t waited_us)
{
	char srv[ENDPOINT_STRLEN];
	bool cgnat;
	r->nat_layers = path_nat_layers(&r->path, &cgnat, r->why, sizeof(r->why));
	r->error[0] = '\0';
	r->failure = FAILURE_NONE;
	if (r->path.reached)
		return;
	r->failure = FAILURE_NO_ANSWER;
	snprintf(r->error, sizeof(r->error),
		 "no response from %s within %.1f s at any TTL up to %zu",
		 endpoint_format(&r->path.server, srv), (double)waited_us / 1e6, r->path.n_hops);
}
