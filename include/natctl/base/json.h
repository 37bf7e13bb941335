/* SPDX-License-Identifier: BSD-2-Clause */
/* A streaming JSON writer that cannot emit invalid JSON: it tracks nesting and commas and escapes per RFC 8259. */
#ifndef NATCTL_JSON_H
#define NATCTL_JSON_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json_writer {
	FILE *f;
	int depth;
	bool has_items[JSON_MAX_DEPTH]; /* a comma is due before the next item */
	bool err;                       /* misuse (too deep, unbalanced); output stops */
};

void json_init(struct json_writer *w, FILE *f);

/* `key` names the member inside an object; pass NULL at the top and inside arrays. */
void json_begin_object(struct json_writer *w, const char *key);
void json_end_object(struct json_writer *w);
void json_begin_array(struct json_writer *w, const char *key);
void json_end_array(struct json_writer *w);

void json_string(struct json_writer *w, const char *key, const char *value); /* NULL: null */
void json_int(struct json_writer *w, const char *key, long long value);
void json_uint(struct json_writer *w, const char *key, unsigned long long value);
void json_bool(struct json_writer *w, const char *key, bool value);
void json_null(struct json_writer *w, const char *key);
/* Fixed decimals; NaN and infinities become null, never "nan". */
void json_double(struct json_writer *w, const char *key, double value, int decimals);

/* Ends the document with a newline; returns 0, or -1 if the writer was misused. */
int json_finish(struct json_writer *w);

#endif
