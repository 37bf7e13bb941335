// SPDX-License-Identifier: BSD-2-Clause
// `natctl map` results as text lines or JSON objects, from one function per result.
#include "natctl/cli/output_map.h"

#include <string.h>

#include "natctl/cli/cli.h"
#include "natctl/base/json.h"
#include "natctl/base/text.h"

static void json_warnings(struct json_writer *w, const struct map_result *r)
{
	json_begin_array(w, "warnings");
	for (size_t i = 0; i < r->n_warnings; i++)
		json_string(w, NULL, r->warnings[i]);
	json_end_array(w);
}

static void json_errors(struct json_writer *w, const struct map_result *r)
{
	json_begin_array(w, "errors");
	for (size_t i = 0; i < r->n_errors; i++) {
		json_begin_object(w, NULL);
		json_string(w, "method", map_method_name(r->errors[i].method));
		json_string(w, "error", r->errors[i].text);
		json_end_object(w);
	}
	json_end_array(w);
}

/* "external": {"address": null, "port": 8080} when only the port is known. */
static void json_external(struct json_writer *w, const struct endpoint *e)
{
	char ip[IP_STRLEN];
	if (!e->port && !endpoint_is_set(e)) {
		json_null(w, "external");
		return;
	}
	json_begin_object(w, "external");
	json_string(w, "address", endpoint_is_set(e) ? endpoint_format_ip(e, ip) : NULL);
	json_uint(w, "port", e->port);
	json_end_object(w);
}

static void json_methods(struct json_writer *w, const char *key, unsigned bits)
{
	json_begin_array(w, key);
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (bits & MAP_BIT(m))
			json_string(w, NULL, map_method_name((enum map_method)m));
	json_end_array(w);
}

/* The stable keys every mapping object has, success or not. */
static void json_mapping(struct json_writer *w, const char *event, const struct map_result *r,
			 const char *error)
{
	char gw[IP_STRLEN];
	json_string(w, "event", event);
	json_string(w, "method", r->method != MAP_NONE ? map_method_name(r->method) : NULL);
	json_string(w, "gateway",
		    endpoint_is_set(&r->gateway) ? endpoint_format_ip(&r->gateway, gw) : NULL);
	json_string(w, "transport", map_protocol_name(r->protocol));
	json_endpoint(w, "internal", endpoint_is_set(&r->internal) ? &r->internal : NULL);
	json_external(w, &r->external);
	if (r->method != MAP_NONE && !error)
		json_uint(w, "lifetime", r->lifetime);
	else
		json_null(w, "lifetime");
	json_string(w, "description", r->description[0] ? r->description : NULL);
	json_warnings(w, r);
	json_string(w, "error", error);
	json_errors(w, r);
}

static void event_json(FILE *f, enum map_event e, const struct map_result *r)
{
	struct json_writer w;
	json_init(&w, f);
	json_begin_object(&w, NULL);
	bool failed = e == MAP_EVENT_RENEW_FAILED;
	json_mapping(&w, map_event_name(e), r, failed ? r->error : NULL);
	if (e == MAP_EVENT_DELETED)
		json_methods(&w, "deleted_by", r->deleted_by);
	json_end_object(&w);
	json_finish(&w);
}

static void lifetime_text(uint32_t lifetime, char *out, size_t cap)
{
	if (lifetime)
		snprintf(out, cap, "lifetime %u s", lifetime);
	else
		snprintf(out, cap, "permanent");
}

static void methods_text(unsigned bits, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = '\0';
	for (int m = 0; m < MAP_N_METHODS && len < cap; m++)
		if (bits & MAP_BIT(m))
			len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? ", " : "",
						map_method_name((enum map_method)m));
}

static void event_text(FILE *f, enum map_event e, const struct map_result *r)
{
	char ext[ENDPOINT_STRLEN], in[ENDPOINT_STRLEN], gw[IP_STRLEN], life[32], via[64];
	const char *proto = map_protocol_name(r->protocol);
	endpoint_format(&r->internal, in);
	endpoint_format_ip(&r->gateway, gw);
	if (endpoint_is_set(&r->external))
		endpoint_format(&r->external, ext);
	else
		snprintf(ext, sizeof(ext), "port %u", r->external.port);
	if (e == MAP_EVENT_DELETED) {
		methods_text(r->deleted_by, via, sizeof(via));
		fprintf(f, "deleted %s %s -> %s via %s (gateway %s)\n", proto, ext, in, via, gw);
		return;
	}
	if (e == MAP_EVENT_RENEW_FAILED) {
		fprintf(f, "renew-failed %s %s -> %s via %s: %s\n", proto, ext, in,
			map_method_name(r->method), r->error);
		return;
	}
	lifetime_text(r->lifetime, life, sizeof(life));
	fprintf(f, "%s %s %s -> %s via %s (gateway %s), %s\n", map_event_name(e), proto, ext, in,
		map_method_name(r->method), gw, life);
}

/* In text, warnings go to o->err (JSON carries them). */
static void text_warnings(const struct output *o, const struct map_result *r)
{
	if (o->json)
		return;
	for (size_t i = 0; i < r->n_warnings; i++)
		cli_warn_to(o->err, "map", "%s", r->warnings[i]);
}

void render_map_event(const struct output *o, enum map_event e, const struct map_result *r)
{
	if (o->json)
		event_json(o->f, e, r);
	else
		event_text(o->f, e, r);
	fflush(o->f); /* with --keep, a reader waits for each line */
	text_warnings(o, r);
	if (e == MAP_EVENT_RENEW_FAILED && !o->json)
		cli_error_to(o->err, "map", "renewal failed: %s", r->error);
}

void render_map_failure(const struct output *o, const char *event, const struct map_result *r)
{
	cli_error_to(o->err, "map", "%s", r->error[0] ? r->error : "failed");
	if (!o->json)
		return; /* stdout carries only results */
	struct json_writer w;
	json_init(&w, o->f);
	json_begin_object(&w, NULL);
	json_mapping(&w, event, r, r->error[0] ? r->error : "failed");
	json_end_object(&w);
	json_finish(&w);
	fflush(o->f);
}

static void list_json(FILE *f, const struct map_list *l, const struct map_result *r)
{
	char gw[IP_STRLEN];
	struct json_writer w;
	json_init(&w, f);
	json_begin_object(&w, NULL);
	json_begin_array(&w, "mappings");
	for (size_t i = 0; i < l->n; i++) {
		const struct map_entry *e = &l->entries[i];
		json_begin_object(&w, NULL);
		json_string(&w, "method", "upnp");
		json_string(&w, "gateway", endpoint_format_ip(&l->gateway, gw));
		json_string(&w, "transport", map_protocol_name(e->protocol));
		json_endpoint(&w, "internal", endpoint_is_set(&e->internal) ? &e->internal : NULL);
		json_external(&w, &e->external);
		json_uint(&w, "lifetime", e->lifetime);
		json_string(&w, "description", e->description);
		json_bool(&w, "enabled", e->enabled);
		json_string(&w, "remote_host", e->remote_host[0] ? e->remote_host : NULL);
		json_begin_array(&w, "warnings");
		json_end_array(&w);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_bool(&w, "truncated", l->truncated);
	json_warnings(&w, r);
	json_string(&w, "error", r->ok ? NULL : r->error);
	json_end_object(&w);
	json_finish(&w);
}

static void list_text(FILE *f, const struct map_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct map_entry *e = &l->entries[i];
		char ext[ENDPOINT_STRLEN], in[ENDPOINT_STRLEN], life[32], desc[MAP_DESC_MAX];
		if (endpoint_is_set(&e->external))
			endpoint_format(&e->external, ext);
		else
			snprintf(ext, sizeof(ext), "port %u", e->external.port);
		lifetime_text(e->lifetime, life, sizeof(life));
		text_sanitize(desc, sizeof(desc), e->description); /* from the network */
		fprintf(f, "%s %s -> %s %s%s \"%s\"\n", map_protocol_name(e->protocol), ext,
			endpoint_format(&e->internal, in), life, e->enabled ? "" : " disabled",
			desc);
	}
}

void render_map_list(const struct output *o, const struct map_list *l, const struct map_result *r)
{
	if (!r->ok)
		cli_error_to(o->err, "map", "%s", r->error);
	else if (l->truncated)
		cli_warn_to(
			o->err, "map",
			"the listing stopped early (deadline or gateway error): it may be incomplete");
	if (o->json)
		list_json(o->f, l, r);
	else if (r->ok)
		list_text(o->f, l);
}

void render_map_external(const struct output *o, const struct map_external *x,
			 const struct map_result *r)
{
	char ip[IP_STRLEN];
	if (!r->ok)
		cli_error_to(o->err, "map", "%s", r->error);
	if (!o->json) {
		text_warnings(o, r);
		for (size_t i = 0; i < x->n; i++) {
			bool known = endpoint_is_set(&x->rows[i].address);
			fprintf(o->f, "%-6s %s%s%s%s\n", map_method_name(x->rows[i].method),
				known ? endpoint_format_ip(&x->rows[i].address, ip) : "unknown",
				x->rows[i].note[0] ? " (" : "", x->rows[i].note,
				x->rows[i].note[0] ? ")" : "");
		}
		return;
	}
	struct json_writer w;
	json_init(&w, o->f);
	json_begin_object(&w, NULL);
	json_string(&w, "gateway",
		    endpoint_is_set(&r->gateway) ? endpoint_format_ip(&r->gateway, ip) : NULL);
	json_begin_array(&w, "addresses");
	for (size_t i = 0; i < x->n; i++) {
		json_begin_object(&w, NULL);
		json_string(&w, "method", map_method_name(x->rows[i].method));
		json_string(&w, "address",
			    endpoint_is_set(&x->rows[i].address)
				    ? endpoint_format_ip(&x->rows[i].address, ip)
				    : NULL);
		json_string(&w, "note", x->rows[i].note[0] ? x->rows[i].note : NULL);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_warnings(&w, r);
	json_string(&w, "error", r->ok ? NULL : r->error);
	json_errors(&w, r);
	json_end_object(&w);
	json_finish(&w);
}
