// SPDX-License-Identifier: BSD-2-Clause
// What every renderer shares: the document frame (schema, error, error_code), endpoints, unknowns, the error and warning lines.
#include "natctl/cli/output.h"

#include <string.h>

bool output_wants_result(const struct output *o, bool failed)
{
	if (o->json)
		return failed || !o->quiet;
	return !failed && !o->quiet;
}

static void diag_line(FILE *f, const char *command, const char *kind, const char *text)
{
	fprintf(f, "natctl: %s%s%s%s\n", command ? command : "", command ? ": " : "", kind, text);
}

void output_error(const struct output *o, const char *command, const char *text)
{
	diag_line(o->err, command, "", text);
}

void output_warning(const struct output *o, const char *command, const char *text)
{
	if (!o->quiet)
		diag_line(o->err, command, "warning: ", text);
}

void json_document_begin(struct json_writer *w, FILE *f)
{
	json_init(w, f);
	json_begin_object(w, NULL);
	json_uint(w, "schema", OUTPUT_SCHEMA);
}

void json_failure(struct json_writer *w, const char *error, enum failure failure)
{
	/* A failure always has its sentence: the class's meaning if nothing better. */
	if (failure != FAILURE_NONE && !(error && error[0]))
		error = failure_meaning(failure);
	json_string(w, "error", failure != FAILURE_NONE ? error : NULL);
	json_string(w, "error_code", failure_token(failure));
}

void json_endpoint(struct json_writer *w, const char *key, const struct endpoint *e)
{
	char ip[IP_STRLEN];
	if (!e || (!endpoint_is_set(e) && !e->port)) {
		json_null(w, key);
		return;
	}
	json_begin_object(w, key);
	json_string(w, "address", endpoint_is_set(e) ? endpoint_format_ip(e, ip) : NULL);
	if (e->port)
		json_uint(w, "port", e->port);
	else
		json_null(w, "port");
	json_end_object(w);
}

void json_ip(struct json_writer *w, const char *key, const struct endpoint *e)
{
	char ip[IP_STRLEN];
	json_string(w, key, e && endpoint_is_set(e) ? endpoint_format_ip(e, ip) : NULL);
}

void json_tri(struct json_writer *w, const char *key, enum nat_tri v)
{
	if (v == NAT_TRI_UNKNOWN)
		json_null(w, key);
	else
		json_bool(w, key, v == NAT_TRI_YES);
}

void json_ms(struct json_writer *w, const char *key, int64_t us)
{
	if (us < 0)
		json_null(w, key);
	else
		json_double(w, key, (double)us / 1000.0, 3);
}

const char *tri_text(enum nat_tri v)
{
	return v == NAT_TRI_YES ? "yes" : v == NAT_TRI_NO ? "no" : "unknown";
}

void render_usage_failure(const struct output *o, const char *error)
{
	output_error(o, NULL, error);
	if (!o->json)
		return;
	struct json_writer w;
	json_document_begin(&w, o->f);
	json_failure(&w, error, FAILURE_USAGE);
	json_end_object(&w);
	json_finish(&w);
}
