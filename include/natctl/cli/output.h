/* SPDX-License-Identifier: BSD-2-Clause */
/* The only layer that writes results to stdout: one render function per result, text or JSON, the same document shape whether it succeeded or not. */
#ifndef NATCTL_OUTPUT_H
#define NATCTL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "natctl/base/failure.h"
#include "natctl/base/json.h"
#include "natctl/stun/nat_types.h"

/* Every top-level JSON document starts with "schema": this, bumped on any
 * incompatible change (man/schema/ describes each document). */
#define OUTPUT_SCHEMA 1

struct output {
	FILE *f;   /* the result: text or one JSON document (stdout) */
	FILE *err; /* one-line errors and warnings that go with it (stderr) */
	bool json;
	bool verbose;
	bool quiet; /* -q: nothing on f unless the command failed (JSON only), no warnings */
	bool color; /* text may be coloured (probe) */
};

/*
 * Rules every renderer keeps. A failure (an error text and its class) is
 * one "natctl: CMD: <error>" line on o->err; in text the result stream
 * then stays empty, in JSON it carries the whole document with "error"
 * and "error_code". Warnings go to o->err in text, into "warnings" in
 * JSON, and nowhere with -q.
 */

/* `natctl stun --address-only` and `--tcp`. */
void render_stun_public(const struct output *o, const struct stun_public_result *r);
struct path_report;
/* `natctl stun --path`. */
void render_stun_path(const struct output *o, const struct path_report *r);
/* `natctl stun` (behaviour discovery). */
void render_nat_report(const struct output *o, const struct nat_report *r);
/* The `natctl stun` object without "schema", as a member of a larger document (probe). */
void json_nat_report(struct json_writer *w, const char *key, const struct nat_report *r);
/* "port-restricted cone NAT", "open internet (no NAT)", ... */
const char *nat_classic_text(const struct nat_report *r);

struct probe_result;
/* `natctl probe`. */
void render_probe(const struct output *o, const struct probe_result *r);

/* When no command ran (none named, or an unknown one): the error, and in
 * JSON {"schema", "error", "error_code"}. */
void render_usage_failure(const struct output *o, const char *error);

/* ---- shared pieces for the renderers ---- */

/* Whether the result stream gets anything: JSON always, unless -q on
 * success; text only on success, and not with -q. */
bool output_wants_result(const struct output *o, bool failed);
/* "natctl: CMD: text" on o->err (NULL command: "natctl: text"). */
void output_error(const struct output *o, const char *command, const char *text);
/* "natctl: CMD: warning: text" on o->err, unless -q. */
void output_warning(const struct output *o, const char *command, const char *text);

/* {"schema": N, opens a top-level document. */
void json_document_begin(struct json_writer *w, FILE *f);
/* "error": text or null, "error_code": the failure's token or null. */
void json_failure(struct json_writer *w, const char *error, enum failure failure);
/* {"address", "port"}: the address null when only the port is known, the
 * whole endpoint null when neither is. */
void json_endpoint(struct json_writer *w, const char *key, const struct endpoint *e);
/* An address alone: "192.0.2.1" or null. */
void json_ip(struct json_writer *w, const char *key, const struct endpoint *e);
/* true, false, or null for unknown. */
void json_tri(struct json_writer *w, const char *key, enum nat_tri v);
/* Milliseconds with three decimals; null when negative. */
void json_ms(struct json_writer *w, const char *key, int64_t us);
/* "yes", "no", "unknown". */
const char *tri_text(enum nat_tri v);

#endif
