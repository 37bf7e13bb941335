/* SPDX-License-Identifier: BSD-2-Clause */
/* map --keep --on-change: a command run on each change of a held mapping, the mapping in its environment, one at a time beside the renewals. */
#ifndef NATCTL_MAP_HOOK_H
#define NATCTL_MAP_HOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/base/trace.h"
#include "natctl/map/map_types.h"
#include "natctl/net/loop.h"

/* A hook run may take this many times the command's -t, then it is ended. */
#define MAP_HOOK_BOUND_FACTOR 10
/* Events waiting while a hook runs; past this the oldest are dropped (and said so). */
#define MAP_HOOK_QUEUE 64

struct map_hook;

/*
 * The command runs as `/bin/sh -c COMMAND`: the mapping's values reach it
 * only through its environment (NATCTL_EVENT, NATCTL_METHOD,
 * NATCTL_TRANSPORT, NATCTL_INTERNAL_ADDRESS, NATCTL_INTERNAL_PORT,
 * NATCTL_EXTERNAL_ADDRESS, NATCTL_EXTERNAL_PORT, NATCTL_LIFETIME,
 * NATCTL_GATEWAY), never into its text. Each run may take bound_us, then
 * its process group is ended. NULL when memory ran out.
 */
struct map_hook *map_hook_open(const char *command, int64_t bound_us, const struct trace *trace);
/* Lets a run in progress finish (its bound still holds), drops the
 * queued events (they are of a run that ends): at the end of --keep. */
void map_hook_drain(struct map_hook *h);
/* Kills a run still in progress, and frees. */
void map_hook_close(struct map_hook *h);

/* Whether event e runs the hook: mapped, remapped, address-changed, lost. */
bool map_hook_wants(enum map_event e);
/* Queues e of r (when wanted), and starts it if none runs. */
void map_hook_fire(struct map_hook *h, enum map_event e, const struct map_result *r);

/* Its loop client: done while nothing runs, and once *wake; a run that
 * fails sets *wake, so that the wait ends and says so at once. */
struct loop_client map_hook_loop(struct map_hook *h, bool *wake);

/* A run that failed (non-zero status, a signal, the bound, not started):
 * true with *r the mapping it was for and r->error why; once per failure. */
bool map_hook_failure(struct map_hook *h, struct map_result *r);

/* The environment entry "NATCTL_EXTERNAL_PORT=51413" and the others, for r
 * and e, into out (n entries of cap bytes); how many (pure; unit-tested). */
size_t map_hook_environment(enum map_event e, const struct map_result *r, char (*out)[96],
			    size_t n);

#endif
