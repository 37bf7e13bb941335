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
	FILE *f;   /* the result: text or one JSON document */
	FILE *err; /* the one-line error that goes with a failed result */
	bool json;
	bool verbose;
};

/* One line on why no public address came back, e.g. "no response from 198.51.100.10:3478 within 3 s". */
void stun_public_failure_text(const struct stun_public_result *r, int64_t waited_us, char *out,
			      size_t len);

/* `natctl stun` (address only); error is NULL on success. */
void render_stun_public(const struct output *o, const struct stun_public_result *r,
			const char *error);

/* "no response from 198.51.100.10:3478 within 3 s", for a report with no verdict. */
void nat_report_failure_text(const struct nat_report *r, int64_t waited_us, char *out, size_t len);

/* `natctl stun` (behaviour discovery); error is NULL when a verdict was reached. */
void render_nat_report(const struct output *o, const struct nat_report *r, const char *error);

/* The `natctl stun` object, as a member of a larger document (probe). */
void json_nat_report(struct json_writer *w, const char *key, const struct nat_report *r,
		     const char *error);
/* "port-restricted cone NAT", "open internet (no NAT)", ... */
const char *nat_classic_text(const struct nat_report *r);

struct probe_result;
/* `natctl probe`; color (text only) when stdout is a terminal and NO_COLOR is unset;
 * error when it could not run (JSON carries it, text prints nothing). */
void render_probe(const struct output *o, const struct probe_result *r, bool color,
		  const char *error);

/* Shared pieces for renderers. */
void json_endpoint(struct json_writer *w, const char *key, const struct endpoint *e);
void json_endpoint_string(struct json_writer *w, const char *key, const struct endpoint *e);
void json_tri(struct json_writer *w, const char *key, enum nat_tri v);
void json_ms(struct json_writer *w, const char *key, int64_t us); /* null when negative */

#endif
