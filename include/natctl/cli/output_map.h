/* SPDX-License-Identifier: BSD-2-Clause */
/* Rendering of `natctl map` results (mapping events, lists, external addresses) as text or JSON. */
#ifndef NATCTL_OUTPUT_MAP_H
#define NATCTL_OUTPUT_MAP_H

#include "natctl/cli/output.h"
#include "natctl/map/map_types.h"

/* One mapping event: a line of text, or one JSON object (with --keep, one
 * per line); in text, its warnings (and a failed renewal's error) on o->err. */
void render_map_event(const struct output *o, enum map_event e, const struct map_result *r);
/* A failed operation: the error on o->err; JSON also carries it on o->f. */
void render_map_failure(const struct output *o, const char *event, const struct map_result *r);
/* --list and --external, success or not (r->ok); errors and warnings on o->err. */
void render_map_list(const struct output *o, const struct map_list *l, const struct map_result *r);
void render_map_external(const struct output *o, const struct map_external *x,
			 const struct map_result *r);

#endif
