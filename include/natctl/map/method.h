/* SPDX-License-Identifier: BSD-2-Clause */
/* The seam between the port-mapping controller and its methods: a table of operations per method, event-driven in the one poll loop. */
#ifndef NATCTL_MAP_METHOD_H
#define NATCTL_MAP_METHOD_H

#include <stdbool.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/base/trace.h"
#include "natctl/map/epoch.h"
#include "natctl/map/map_types.h"
#include "natctl/net/loop.h"
#include "natctl/net/request.h"

/* The most loop clients one method registers at once. */
#define MAP_METHOD_LOOPS 2

/* What every method of one portmap shares; the controller owns it. */
struct map_env {
	const struct map_params *p; /* what is asked now */
	const struct trace *trace;
	struct endpoint local;         /* this host's address toward the gateway */
	char source_why[MAP_TEXT_MAX]; /* IPv6: why local is this address */
	struct endpoint gateway;
	bool have_gateway;
	char gateway_why[MAP_TEXT_MAX]; /* why there is none */
	/* Where UPnP searches for its IGD: over IPv4 for both families (for
	 * -6, this host's IPv4 address toward the IPv4 default gateway; unset
	 * if it has none), and the IPv4 gateway whose answers come first. */
	struct endpoint search_local;
	struct endpoint search_gateway;
	bool have_search_gateway;
	/* Called when a method sees the gateway lose its state (RFC 6886 §3.6,
	 * RFC 6887 §8.5): every mapping must be made again. */
	void (*restarted)(void *ctx, enum map_method m);
	void *ctx;
};

struct map_run;         /* one operation in progress; the controller's */
struct map_cache_entry; /* what the gateway cache holds (map/map_cache.h) */
struct map_adapter;     /* one method's own state, the adapter's */

/*
 * One row of the method table. The controller calls probe_start for every
 * selected method at once, then after each loop wakeup probe_update while
 * it probes, op_update whenever the operation it started is no longer busy.
 * The adapter answers with the map_run_* calls below.
 */
struct map_method_ops {
	enum map_method id;
	bool permanent;          /* has permanent mappings (lifetime 0) */
	bool third_party;        /* maps for another host of the LAN (--internal) */
	bool lists;              /* can list the gateway's mappings (MAP_OP_LIST) */
	const char *no_external; /* why it reports no external address by itself, or NULL */
	const char *peer;        /* who it waits for ("an IGD"); NULL: the gateway */

	/* Opens its client; NULL when memory ran out. */
	struct map_adapter *(*open)(const struct map_env *env);
	void (*close)(struct map_adapter *m);
	/* Asks, with no side effect, whether the gateway speaks it. */
	void (*probe_start)(struct map_adapter *m, struct map_run *run);
	void (*probe_update)(struct map_adapter *m, struct map_run *run, int64_t now);
	/* A warm start: asks as probe_start does, but from what the gateway
	 * cache holds of an earlier discovery, falling back to the full one
	 * itself when that fails; NULL: probe_start (its discovery is one
	 * request anyway). */
	void (*warm_start)(struct map_adapter *m, struct map_run *run,
			   const struct map_cache_entry *e);
	/* What this run's discovery learnt beyond "it answered", into e for
	 * the cache; false when that cannot be kept. NULL: nothing more. */
	bool (*learn)(const struct map_adapter *m, struct map_cache_entry *e);
	/* Starts run's operation: ADD, DELETE or LIST. */
	void (*op_start)(struct map_adapter *m, struct map_run *run);
	bool (*op_busy)(const struct map_adapter *m);
	/* The step in flight ended: report, or start the next step. */
	void (*op_update)(struct map_adapter *m, struct map_run *run);
	void (*cancel)(struct map_adapter *m);
	/* The loop clients that drive it: at most MAP_METHOD_LOOPS. */
	size_t (*loops)(struct map_adapter *m, struct loop_client *out);
	void (*info)(const struct map_adapter *m, struct map_method_info *out);
	/* UPnP 501, NAT-PMP 3, PCP NO_RESOURCES...: a refusal typical of a
	 * gateway behind another NAT. */
	bool (*double_nat_symptom)(int code);
	/* While probing: the gateway has answered something, but the discovery
	 * is not done (an IGD's description still coming); NULL: never. At the
	 * deadline that is a timeout, not silence. */
	bool (*heard)(const struct map_adapter *m);
	/* LIST: the entries the last listing read (lists only). */
	int (*list)(const struct map_adapter *m, struct map_list *l);
	/* --keep: listens for the gateway's announcements of a restart; the
	 * loop client (at most one) is done once *wake. NULL: it has none. */
	size_t (*watch)(struct map_adapter *m, const bool *wake, struct loop_client *out);
	/* What came for the step still in flight at the deadline ("3 answers
	 * dropped (the last: ...)"), or "" if nothing did. NULL: it cannot say. */
	void (*unfinished)(const struct map_adapter *m, char *out, size_t cap);
	/* A lane of a batch (portmap_batch): lane, just opened, takes what from
	 * learnt in its discovery (the IGD, the external address, the PCP
	 * key) and shares from's epoch, so that a restart any lane sees is
	 * seen once. false when from has nothing to work with. NULL: no
	 * lanes; the batch then goes through the adapter, one job at a time. */
	bool (*adopt)(struct map_adapter *lane, struct map_adapter *from);
};

/* The adapters, one per row of MAP_METHODS (src/map/method_<name>.c). */
#define MAP_METHOD_DECLARE(id, name, title, facts) \
	extern const struct map_method_ops map_method_##name;
MAP_METHODS(MAP_METHOD_DECLARE)
#undef MAP_METHOD_DECLARE

/* ---- For the adapters: what the run asks ---- */

enum map_op map_run_op(const struct map_run *run);
int64_t map_run_deadline(const struct map_run *run);
/* When a method that has not answered counts as absent. */
int64_t map_run_window_end(const struct map_run *run);

/* ---- and how they answer ---- */

/* Discovery: the method answered, or is not there: what that means for a
 * script (FAILURE_NO_ANSWER for silence, FAILURE_UNSUPPORTED when the
 * gateway answered in another protocol, ...) and why, in words. */
void map_run_present(struct map_run *run, enum map_method m, int64_t now);
void map_run_absent(struct map_run *run, enum map_method m, enum failure why, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The operation failed: its class (refused, conflict, double NAT, timeout,
 * ...), the gateway's code (0 if none), and why. */
void map_run_failed(struct map_run *run, enum map_method m, enum failure why, int code,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* DELETE: the method holds no such mapping (not worth a warning). */
void map_run_not_found(struct map_run *run, enum map_method m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A result or error code worth keeping, while the method stays present. */
void map_run_note(struct map_run *run, enum map_method m, int code, const char *why);
/* DELETE and LIST succeeded. */
void map_run_done(struct map_run *run, enum map_method m);
/* DELETE succeeded, and the mapping removed pointed at internal (--force:
 * another host's), which the result then names. */
void map_run_deleted(struct map_run *run, enum map_method m, const struct endpoint *internal);
/* ADD succeeded: external address (unset if unknown) and port, lifetime
 * granted. Returns the result, for what only the method knows. */
struct map_result *map_run_mapped(struct map_run *run, enum map_method m,
				  const struct endpoint *external, uint32_t lifetime);
/* ADD without --any: the gateway gave another port, which it must take back. */
void map_run_offered(struct map_run *run, enum map_method m, uint16_t offered);
void map_run_warn(struct map_run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * For methods that ask with one request (net/request.h): while probing,
 * reports the method absent when the request failed or the window passed,
 * and returns true once an answer waits to be read. port is the server's.
 */
bool map_run_probe_answered(struct map_run *run, enum map_method m, struct request *rq,
			    uint16_t port, int64_t now);
/* While working: reports a failed request; true if it was answered. */
bool map_run_op_answered(struct map_run *run, enum map_method m, const struct request *rq);

/* For the adapters: the mapping is for another host than this one (--internal). */
bool map_env_for_other_host(const struct map_env *env);
/* How long a gateway's silence lasts before a method counts as absent. */
int64_t map_env_wait_us(const struct map_env *env);
/* The lifetime to ask for: PCP and NAT-PMP have no permanent mapping (0 deletes). */
uint32_t map_env_wire_lifetime(const struct map_env *env);
/* Records an epoch the gateway reported; tells the controller when it restarted. */
bool map_env_epoch(const struct map_env *env, enum map_method m, struct epoch_track *t,
		   uint32_t epoch, int64_t now);

#endif
