/* SPDX-License-Identifier: BSD-2-Clause */
/* Rendering of `natctl map` results (mappings, --keep events, lists, external addresses) as text or JSON. */
#ifndef NATCTL_OUTPUT_MAP_H
#define NATCTL_OUTPUT_MAP_H

#include "natctl/cli/output.h"
#include "natctl/map/map_types.h"

/* `map` and `map --delete`: one mapping document, event e ("mapped",
 * "deleted"), or "failed" whatever e when r->failure is set. */
void render_map_result(const struct output *o, enum map_event e, const struct map_result *r);
/* `map --keep`: one event, a line of text or a JSON object on a line of its
 * own with its "time" (unix_ms, shown as RFC 3339 UTC). Renewals that fail
 * also go to o->err; with -q only such failures are printed. */
void render_map_keep_event(const struct output *o, enum map_event e, const struct map_result *r,
			   int64_t unix_ms);
/* A set of mappings (a range, both transports; operation "map" or
 * "delete") or --cleanup's ("cleanup"): one document with every mapping
 * under "mappings" and summary's gateway, warnings and error; in text one
 * line per mapping, and summary's error on o->err. */
void render_map_set(const struct output *o, const char *operation, const struct map_result *rs,
		    size_t n, const struct map_result *summary);
/* --list and --external, success or not. */
void render_map_list(const struct output *o, const struct map_list *l, const struct map_result *r);
void render_map_external(const struct output *o, const struct map_external *x,
			 const struct map_result *r);

/* --check's object {reachable, method, server, port_checked, companion,
 * reason} under key, or null when it was not asked (map and probe). */
void json_map_check(struct json_writer *w, const char *key, const struct map_check *c);
/* "reachable", "unreachable", "unknown": the check in a word. */
const char *map_check_word(const struct map_check *c);

/* "2026-11-29T23:14:05.123Z" (RFC 3339, UTC, milliseconds) into out (32 bytes). */
void output_rfc3339_ms(int64_t unix_ms, char out[32]);

#endif
