/* SPDX-License-Identifier: BSD-2-Clause */
/* Inside the port-mapping controller: the state of one run and of the portmap, shared by map_run.c and portmap.c only (adapters see method.h). */
#ifndef NATCTL_MAP_RUN_H
#define NATCTL_MAP_RUN_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "natctl/map/map_cache.h"
#include "natctl/map/method.h"
#include "natctl/map/portmap.h"

/* When a less preferred method is ready first, the better ones get this
 * long (or as long again as the ready one took, if more) to answer too. */
#define MAP_GRACE_MIN_US (20 * 1000)

/* Where each method stands in one run. */
enum map_mstate {
	MAP_MS_OFF,     /* not selected */
	MAP_MS_PROBING, /* asked whether it is there */
	MAP_MS_PRESENT, /* answered; not used yet */
	MAP_MS_ABSENT,  /* not there (why) */
	MAP_MS_WORKING, /* doing the operation */
	MAP_MS_OK,
	MAP_MS_FAILED,
};

struct map_run {
	struct portmap *pm;
	struct map_result *r;
	enum map_op op;
	/* A method that has not answered at all by window_end (the wait,
	 * map_params.wait_us, or the deadline if sooner) counts as absent; once
	 * a gateway has answered, only the deadline bounds the rest. */
	int64_t start, deadline, window_end;
	enum map_mstate st[MAP_N_METHODS];
	int64_t present_at[MAP_N_METHODS];
	char why[MAP_N_METHODS][MAP_TEXT_MAX];
	int code[MAP_N_METHODS];          /* the last result or error code each method gave */
	enum failure fail[MAP_N_METHODS]; /* what its failure or absence means */
	bool not_found[MAP_N_METHODS];    /* DELETE: the method had no such mapping */
	struct endpoint deleted_internal; /* DELETE: whom the removed mapping pointed at, if known */
	bool finished;
	bool found;       /* DELETE: something was removed */
	bool discovered;  /* the methods were asked (not a renewal): the cache learns from it */
	unsigned skipped; /* MAP_BIT()s the gateway cache says are absent: not asked (yet) */
};

/* The gateway cache for this portmap's gateway (map_warm.c). */
struct map_warm {
	const char *dir; /* NULL: no cache */
	bool keyed;      /* the gateway's MAC is known: the cache may be read and written */
	bool loaded;     /* entry holds this gateway's cached discovery */
	/* -6: the IPv4 gateway's entry, for UPnP's IGD alone (found over IPv4
	 * for pinholes too): read for it, and only its lines written; what
	 * the entry says of PCP is IPv4's, and a -6 run learns none of that. */
	bool upnp_only;
	struct map_cache_entry entry; /* loaded, or the key alone */
};

struct portmap {
	struct map_params p;
	struct map_env env;
	char ifname6[IF_NAMESIZE]; /* IPv6: the interface of the pinhole's address */
	const char *why_ifname6;   /* why that one (for the result's source) */
	const struct map_method_ops *ops[MAP_N_METHODS];
	struct map_adapter *m[MAP_N_METHODS]; /* NULL: not selected */
	struct map_run run;                   /* the operation in progress */
	void (*on_restart)(void *ctx, enum map_method m);
	void *restart_ctx;
	struct map_warm warm;
};

/* ---- the gateway cache (map_warm.c) ---- */

/* Looks the gateway's MAC up in the neighbour table and reads its entry
 * (when p->cache_dir names a cache). */
void map_warm_open(struct portmap *pm);
/* The cache entry with this MAC as the gateway's (map_warm_open's second half). */
void map_warm_key(struct portmap *pm, const uint8_t mac[GATEWAY_MAC_LEN]);
/* The entry to start `methods` from, or NULL for a cold start: only an
 * entry where one of them answered is used. */
const struct map_cache_entry *map_warm_entry(const struct portmap *pm, unsigned methods);
/* After a run with discovery: what it learnt, written when it changed;
 * the entry removed when nothing answered. */
void map_warm_save(struct map_run *run);

/* Starts a run of op for r (discovery window, clock). */
struct map_run *map_run_init(struct portmap *pm, struct map_result *r, enum map_op op,
			     int64_t deadline);
/* Asks every method in `methods` at once whether it is there (no side
 * effects); warm (map_warm_entry's, or NULL) starts them from the gateway
 * cache: the methods it names go straight to what it holds, those it says
 * are absent are asked only if all the others turn out absent too. */
void map_run_start_probes(struct map_run *run, unsigned methods,
			  const struct map_cache_entry *warm);
/* Runs the loop until the run finishes or its deadline passes. */
void map_run_loop(struct map_run *run);
/* Methods still busy at the deadline say so, and stop. */
void map_run_settle(struct map_run *run);
/* The result's errors[] and its one-line error, from every method's why. */
void map_run_compose_errors(struct map_run *run);
bool map_run_any(const struct map_run *run, enum map_mstate st);
/* The result's method, gateway, transport and internal endpoint. */
void map_run_fill_common(struct map_run *run, enum map_method m);
/* A run is over: its result filled in from every method's state. 0 if it succeeded. */
int map_run_conclude(struct map_run *run);
/* op through r->method alone, no discovery (a renewal, a deletion); for
 * ADD the external port asked is r's. r becomes the result. */
int map_run_direct(struct portmap *pm, int64_t deadline, struct map_result *r, enum map_op op);

#endif
