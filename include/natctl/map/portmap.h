/* SPDX-License-Identifier: BSD-2-Clause */
/* Port mappings through every method at once (PCP, NAT-PMP, UPnP IGD): discovery, the choice of method, add, delete, list, external address. */
#ifndef NATCTL_PORTMAP_H
#define NATCTL_PORTMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/base/trace.h"
#include "natctl/map/map_types.h"
#include "natctl/net/loop.h"

struct portmap; /* the controller: one per command run */
struct map_method_ops;

/*
 * Works out the gateway and this host's address, and opens every method
 * p->methods selects. Returns 0, or -1 with r->error set (no route, no such
 * interface); *out is set either way and goes to portmap_close().
 */
int portmap_open(struct portmap **out, const struct map_params *p, const struct trace *trace,
		 struct map_result *r);
/* The same with another method table, indexed by enum map_method (unit tests). */
int portmap_open_with(struct portmap **out, const struct map_params *p, const struct trace *trace,
		      struct map_result *r,
		      const struct map_method_ops *const table[MAP_N_METHODS]);
void portmap_close(struct portmap *pm);
/* Unit tests: keys the gateway cache (p->cache_dir) as if the neighbour
 * table gave the gateway this MAC, and reads its entry. */
void portmap_cache_key(struct portmap *pm, const uint8_t mac[6]);

/* The methods this portmap may use (--via). */
unsigned portmap_methods(const struct portmap *pm);
/* This host's address toward the gateway, and the gateway (unset if none). */
void portmap_endpoints(const struct portmap *pm, struct endpoint *local, struct endpoint *gateway);

/* p->op ADD or DELETE with discovery: every selected method asked at once, the best used. */
int portmap_run(struct portmap *pm, int64_t deadline, struct map_result *r);
/* ADD through method m without discovery: protocol, ports, lifetime and
 * description from what, never another external port. */
int portmap_add_via(struct portmap *pm, enum map_method m, const struct map_params *what,
		    int64_t deadline, struct map_result *r);
/* Renews r's mapping (the same external port) with r->method. */
int portmap_renew(struct portmap *pm, int64_t deadline, struct map_result *r);
/* Deletes r's mapping with r->method. */
int portmap_unmap(struct portmap *pm, int64_t deadline, struct map_result *r);
/*
 * One operation of a batch: make, renew or delete one mapping through one
 * method, without discovery (the portmap's last one is used).
 */
struct map_job {
	enum map_op op; /* MAP_OP_ADD (make, or renew) or MAP_OP_DELETE */
	enum map_method method;
	int protocol;
	uint16_t internal_port, external_port;
	uint32_t lifetime;    /* ADD */
	bool any;             /* ADD: another external port is welcome */
	const uint8_t *nonce; /* DELETE through PCP: the mapping's nonce; NULL: derived */
	bool has_pinhole_id;  /* UPnP, IPv6: renew or delete this UniqueID */
	uint16_t pinhole_id;
};

/* Jobs in flight at once, per method. */
#define PORTMAP_LANES      16
#define PORTMAP_UPNP_LANES 4 /* UPnP: see map_batch.c */

/*
 * Runs n jobs at once under one deadline: each method's jobs through up to
 * PORTMAP_LANES lanes (a client of its own, from the method's last
 * discovery; UPnP SOAP calls in worker processes side by side), one
 * result each in out[i], as portmap_renew() or portmap_unmap() would give
 * it. A method without lanes runs its jobs one by one. Returns how many
 * succeeded.
 */
size_t portmap_batch(struct portmap *pm, const struct map_job *jobs, size_t n, int64_t deadline,
		     struct map_result *out);
/* One mapping of a set (a range of ports, both transports). */
struct map_ask {
	int protocol;
	uint16_t internal_port, external_port;
	bool has_pinhole_id; /* UPnP, IPv6: the pinhole's UniqueID from the state */
	uint16_t pinhole_id;
};

/*
 * p->op ADD or DELETE for each of asks[n] (the portmap's other parameters
 * for all): the first with discovery, as portmap_run() does; the rest at
 * once (portmap_batch) through the method the first one used, or for
 * DELETE through every method that answered. One result each in out[i].
 * Returns how many succeeded.
 */
size_t portmap_run_set(struct portmap *pm, const struct map_ask *asks, size_t n, int64_t deadline,
		       struct map_result *out);

/* Discovery alone: asks the methods in `methods` at once whether they are
 * there, as a mapping would, and keeps what each learnt (its external
 * address, its IGD) for the batches that follow. Returns the MAP_BIT()s of
 * those that answered; r says why the others did not. */
unsigned portmap_discover(struct portmap *pm, unsigned methods, int64_t deadline,
			  struct map_result *r);

/* The table of the methods that can list one (UPnP). */
int portmap_list(struct portmap *pm, int64_t deadline, struct map_list *l, struct map_result *r);
/* The external address by each method that answers. */
int portmap_external(struct portmap *pm, int64_t deadline, struct map_external *x,
		     struct map_result *r);

/* portmap_external in steps, to share one poll loop (probe): start, run
 * the loop clients it gives until done or the deadline, finish. */
#define PORTMAP_LOOPS (2 * MAP_N_METHODS + 1)
void portmap_external_start(struct portmap *pm, int64_t deadline, struct map_result *r);
size_t portmap_loops(struct portmap *pm, struct loop_client out[PORTMAP_LOOPS]);
int portmap_external_finish(struct portmap *pm, struct map_external *x);

/* What the last discovery learnt of method m. */
void portmap_info(const struct portmap *pm, enum map_method m, struct map_method_info *out);

/* Called whenever a method sees the gateway restart (it lost every mapping). */
void portmap_on_restart(struct portmap *pm, void (*fn)(void *ctx, enum map_method m), void *ctx);
/* --keep: loop clients that listen for method m's announcements of a restart
 * (none if it has none); each is done once *wake. */
#define PORTMAP_WATCH_LOOPS 1
size_t portmap_watch(struct portmap *pm, enum map_method m, const bool *wake,
		     struct loop_client out[PORTMAP_WATCH_LOOPS]);

#endif
