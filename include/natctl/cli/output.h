/* SPDX-License-Identifier: BSD-2-Clause */
/* The only layer that writes results to stdout: one render function per result, text or JSON. */
#ifndef NATCTL_OUTPUT_H
#define NATCTL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "natctl/base/json.h"
#include "natctl/stun/nat_types.h"

struct output {
	FILE *f;   /* the result: text or one JSON document (stdout) */
	FILE *err; /* one-line errors and warnings that go with it (stderr) */
	bool json;
	bool verbose;
};

/* `natctl stun` (address only). With r->error set, "natctl: stun: <error>"
 * goes to o->err and the text result is empty; JSON carries the error. */
void render_stun_public(const struct output *o, const struct stun_public_result *r);

/* `natctl stun` (behaviour discovery), with r->error as render_stun_public's. */
void render_nat_report(const struct output *o, const struct nat_report *r);

/* The `natctl stun` object, as a member of a larger document (probe). */
void json_nat_report(struct json_writer *w, const char *key, const struct nat_report *r);
/* "port-restricted cone NAT", "open internet (no NAT)", ... */
const char *nat_classic_text(const struct nat_report *r);

struct probe_result;
/* `natctl probe`; color (text only) when stdout is a terminal and NO_COLOR is
 * unset. When it could not run (r->error), the error goes to o->err and only
 * JSON prints the document. */
void render_probe(const struct output *o, const struct probe_result *r, bool color);

/* Shared pieces for renderers. */
void json_endpoint(struct json_writer *w, const char *key, const struct endpoint *e);
void json_endpoint_string(struct json_writer *w, const char *key, const struct endpoint *e);
void json_tri(struct json_writer *w, const char *key, enum nat_tri v);
void json_ms(struct json_writer *w, const char *key, int64_t us); /* null when negative */

#endif
