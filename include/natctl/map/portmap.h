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
