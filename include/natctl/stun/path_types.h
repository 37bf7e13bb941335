/* SPDX-License-Identifier: BSD-2-Clause */
/* What natctl learns of the path between this host and the internet, with no I/O behind it: a mapping checked from outside, and the hops and NAT layers on the way out. */
#ifndef NATCTL_PATH_TYPES_H
#define NATCTL_PATH_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/base/failure.h"
#include "natctl/stun/nat_types.h"

#define PATH_REASON_MAX 256

/* map --check: whether inbound traffic really reaches the mapped port (RFC 5780 §7.5). */
struct stun_check_result {
	enum nat_tri reachable;  /* unknown when the server could not tell */
	struct endpoint server;  /* the server asked */
	struct endpoint checked; /* the public address and the external port checked */
	struct endpoint from;    /* where the answer that came in was sent from */
	uint16_t error_code;     /* the server's STUN error, when it refused */
	unsigned sends;          /* how often the check was sent */
	char reason[PATH_REASON_MAX];
};

#define PATH_MAX_HOPS 8

/* One TTL of the way out: who sent ICMP time exceeded for it. */
struct path_hop {
	unsigned ttl;
	bool answered;           /* an ICMP time exceeded came back */
	struct endpoint address; /* its source */
	enum addr_class class;
};

/* The hops toward a STUN server, TTL 1, 2, ... until the server answers. */
struct path_result {
	struct path_hop hops[PATH_MAX_HOPS];
	size_t n_hops; /* the hops before the server */
	bool reached;  /* the server answered at some TTL */
	unsigned reached_ttl;
	struct endpoint server;
	struct endpoint mapped; /* the public address the server saw */
	struct endpoint local;  /* this host's address toward it */
};

/*
 * How many NAT layers stand between this host and the internet, from the
 * path and the public address (pure; unit-tested): 0 when the server sees
 * this host's own address, else the first gateway plus one for a private
 * hop behind it (a second NAT) and one for a hop in 100.64.0.0/10 (a
 * carrier-grade NAT). -1 when the path cannot tell (a hop before the first
 * global one stayed silent, or the server never answered). *cgnat is set
 * when a shared-space hop was seen.
 */
int path_nat_layers(const struct path_result *p, bool *cgnat, char *why, size_t len);

/* `natctl stun --path`: the path, the NAT layers it shows, and why the
 * server's answer is missing when it is. */
struct path_report {
	struct path_result path;
	int nat_layers;              /* -1: the path cannot tell (why) */
	char why[PATH_REASON_MAX];   /* how the layers were counted, or why not */
	char error[PATH_REASON_MAX]; /* "" when the server answered */
	enum failure failure;        /* FAILURE_NO_ANSWER when it did not */
};

/* Fills the layers and, when the server never answered within waited_us,
 * the error (pure; unit-tested). */
void path_report_fill(struct path_report *r, int64_t waited_us);

#endif
