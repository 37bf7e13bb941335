// SPDX-License-Identifier: BSD-2-Clause
// `natctl map` results as text lines or JSON documents, from one function per result.
#include "natctl/cli/output_map.h"

#include <string.h>
#include <time.h>

#include "natctl/base/json.h"
#include "natctl/base/text.h"

static void json_warnings(struct json_writer *w, const struct map_result *r)
{
	json_begin_array(w, "warnings");
	for (size_t i = 0; i < r->n_warnings; i++)
		json_string(w, NULL, r->warnings[i]);
	json_end_array(w);
}

/* Every method's failure or absence: its words, its class, the gateway's code. */
static void json_errors(struct json_writer *w, const struct map_result *r)
{
	json_begin_array(w, "errors");
	for (size_t i = 0; i < r->n_errors; i++) {
		const struct map_method_error *e = &r->errors[i];
		json_begin_object(w, NULL);
		json_string(w, "method", map_method_name(e->method));
		json_string(w, "error", e->text);
		json_string(w, "error_code", failure_token(e->failure));
		if (e->code)
			json_int(w, "code", e->code);
		else
			json_null(w, "code");
		json_end_object(w);
	}
	json_end_array(w);
}

static void json_methods(struct json_writer *w, const char *key, unsigned bits)
{
	json_begin_array(w, key);
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (bits & MAP_BIT(m))
			json_string(w, NULL, map_method_name((enum map_method)m));
	json_end_array(w);
}

/* The tail every map document ends with. */
static void json_outcome(struct json_writer *w, const struct map_result *r)
{
	json_warnings(w, r);
	json_errors(w, r);
	json_failure(w, r->error, r->failure);
}

void json_map_check(struct json_writer *w, const char *key, const struct map_check *c)
{
	if (!c->asked) {
		json_null(w, key);
		return;
	}
	json_begin_object(w, key);
	json_tri(w, "reachable", c->reachable);
	json_string(w, "method", MAP_CHECK_METHOD);
	json_endpoint(w, "server", &c->server);
	json_endpoint(w, "port_checked", &c->port_checked);
	json_bool(w, "companion", c->companion);
	json_string(w, "reason", c->reason[0] ? c->reason : NULL);
	json_end_object(w);
}

const char *map_check_word(const struct map_check *c)
{
	return c->reachable == NAT_TRI_YES  ? "reachable"
	       : c->reachable == NAT_TRI_NO ? "unreachable"
					    : "unknown";
}

/* A mapping proven unreachable is the one failure with a mapping made: its
 * document is the mapping's, with the error. */
static bool mapping_failed(const struct map_result *r)
{
	return r->failure != FAILURE_NONE && r->failure != FAILURE_UNREACHABLE;
}

/* An IPv6 pinhole says so, and why its internal address is this one; an
 * IPv4 mapping has neither key (its documents are as they were). */
static void json_family(struct json_writer *w, const struct map_result *r)
{
	if (r->family != AF_INET6 && r->internal.family != AF_INET6)
		return;
	json_string(w, "family", "ipv6");
	json_string(w, "source", r->source[0] ? r->source : NULL);
	/* A UPnP pinhole is renewed and deleted by its UniqueID. */
	if (r->has_pinhole_id)
		json_uint(w, "unique_id", r->pinhole_id);
}

/* The keys of a mapping, success or not; lifetime and method are null on failure. */
static void json_mapping(struct json_writer *w, const char *event, const struct map_result *r)
{
	bool failed = mapping_failed(r);
	json_string(w, "event", event);
	/* A renewal that failed still names the method that holds the mapping. */
	json_string(w, "method", r->method != MAP_NONE ? map_method_name(r->method) : NULL);
	json_ip(w, "gateway", &r->gateway);
	json_string(w, "transport", map_protocol_name(r->protocol));
	json_endpoint(w, "internal", &r->internal);
	json_endpoint(w, "external", &r->external);
	json_family(w, r);
	if (!failed && r->method != MAP_NONE)
		json_uint(w, "lifetime", r->lifetime);
	else
		json_null(w, "lifetime");
	json_string(w, "description", r->description[0] ? r->description : NULL);
	json_methods(w, "deleted_by", failed ? 0 : r->deleted_by);
	json_map_check(w, "check", &r->check);
	json_outcome(w, r);
}

static void mapping_json(FILE *f, const char *event, const struct map_result *r, const char *time)
{
	struct json_writer w;
	json_document_begin(&w, f);
	if (time)
		json_string(&w, "time", time);
	json_mapping(&w, event, r);
	json_end_object(&w);
	json_finish(&w);
	fflush(f); /* with --keep, a reader waits for each line */
}

/* 0 is a permanent UPnP lease; the longest there is (NAT-PMP and PCP's answer to
 * --lifetime 0) is said as such, not as a number that looks like an error. */
static void lifetime_text(uint32_t lifetime, char *out, size_t cap)
{
	if (lifetime == 0)
		snprintf(out, cap, "permanent");
	else if (lifetime == MAP_LONGEST_LIFETIME)
		snprintf(out, cap, "lifetime unlimited (%u s, the longest there is)", lifetime);
	else
		snprintf(out, cap, "lifetime %u s", lifetime);
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

static bool is_failure_event(enum map_event e)
{
	return e == MAP_EVENT_RENEW_FAILED || e == MAP_EVENT_LOST || e == MAP_EVENT_FAILED ||
	       e == MAP_EVENT_HOOK_FAILED;
}

/* A mapping of a set: made or deleted, or failed. */
static const char *set_event_name(const char *operation, const struct map_result *r)
{
	if (r->failure != FAILURE_NONE && r->failure != FAILURE_UNREACHABLE)
		return "failed";
	return strcmp(operation, "map") == 0 ? "mapped" : "deleted";
}

static enum map_event map_event_by_name(const char *name)
{
	return strcmp(name, "mapped") == 0    ? MAP_EVENT_MAPPED
	       : strcmp(name, "deleted") == 0 ? MAP_EVENT_DELETED
					      : MAP_EVENT_FAILED;
}

static void event_text(FILE *f, enum map_event e, const struct map_result *r)
{
	char ext[ENDPOINT_STRLEN], in[ENDPOINT_STRLEN], gw[IP_STRLEN], life[64], via[64];
	const char *proto = map_protocol_name(r->protocol);
	endpoint_format(&r->internal, in);
	endpoint_format_ip(&r->gateway, gw);
	if (endpoint_is_set(&r->external))
		endpoint_format(&r->external, ext);
	else
		snprintf(ext, sizeof(ext), "port %u", r->external.port);
	/* --cleanup: gone before natctl asked (a warning says so) */
	if (e == MAP_EVENT_DELETED && !r->deleted_by) {
		fprintf(f, "deleted %s %s -> %s via %s (gateway %s)\n", proto, ext, in,
			map_method_name(r->method), gw);
		return;
	}
	if (e == MAP_EVENT_DELETED) {
		methods_text(r->deleted_by, via, sizeof(via));
		fprintf(f, "deleted %s %s -> %s via %s (gateway %s)\n", proto, ext, in, via, gw);
		return;
	}
	if (is_failure_event(e)) {
		fprintf(f, "%s %s %s -> %s via %s: %s\n", map_event_name(e), proto, ext, in,
			map_method_name(r->method), r->error);
		return;
	}
	lifetime_text(r->lifetime, life, sizeof(life));
	fprintf(f, "%s %s %s -> %s via %s (gateway %s), %s", map_event_name(e), proto, ext, in,
		map_method_name(r->method), gw, life);
	if (r->has_pinhole_id)
		fprintf(f, ", UniqueID %u", r->pinhole_id);
	fputc('\n', f);
	/* A pinhole's source, said once: when it is made, not on each renewal. */
	if (r->source[0] && (e == MAP_EVENT_MAPPED || e == MAP_EVENT_REMAPPED))
		fprintf(f, "source: %s\n", r->source);
	if (r->check.asked)
		fprintf(f, "check: %s: %s\n", map_check_word(&r->check), r->check.reason);
}

/* Whether stdout gets the result: a mapping proven unreachable is printed
 * as a mapping, in JSON also under -q (as every failure is). */
static bool wants_result(const struct output *o, const struct map_result *r)
{
	if (r->failure == FAILURE_UNREACHABLE)
		return o->json || !o->quiet;
	return output_wants_result(o, r->failure != FAILURE_NONE);
}

/* In text, warnings go to o->err; JSON carries them in "warnings". */
static void text_warnings(const struct output *o, const struct map_result *r)
{
	for (size_t i = 0; i < r->n_warnings && !o->json; i++)
		output_warning(o, "map", r->warnings[i]);
}

void render_map_result(const struct output *o, enum map_event e, const struct map_result *r)
{
	bool failed = mapping_failed(r);
	if (r->failure != FAILURE_NONE)
		output_error(o, "map", r->error[0] ? r->error : "failed");
	if (wants_result(o, r)) {
		if (o->json)
			mapping_json(o->f, failed ? "failed" : map_event_name(e), r, NULL);
		else
			event_text(o->f, e, r);
	}
	if (!failed)
		text_warnings(o, r);
}

/* ---- sets: a range, both transports, --cleanup ---- */

static void set_json(FILE *f, const char *operation, const struct map_result *rs, size_t n,
		     const struct map_result *summary)
{
	struct json_writer w;
	size_t ok = 0;
	json_document_begin(&w, f);
	json_string(&w, "operation", operation);
	json_ip(&w, "gateway", &summary->gateway);
	json_begin_array(&w, "mappings");
	for (size_t i = 0; i < n; i++) {
		ok += rs[i].ok;
		json_begin_object(&w, NULL);
		json_mapping(&w, set_event_name(operation, &rs[i]), &rs[i]);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_uint(&w, "succeeded", ok);
	json_uint(&w, "failed", n - ok);
	json_outcome(&w, summary);
	json_end_object(&w);
	json_finish(&w);
}

/* In text every mapping has its line: "mapped ..." or "deleted ...", and
 * "failed tcp port 9001 -> 192.168.77.10:9001 via none: why". */
static void set_text(FILE *f, const char *operation, const struct map_result *rs, size_t n)
{
	const char *source = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *name = set_event_name(operation, &rs[i]);
		struct map_result r = rs[i];
		if (!source && r.source[0] && strcmp(name, "mapped") == 0)
			source = rs[i].source;
		r.source[0] = '\0'; /* said once, after the set */
		event_text(f, map_event_by_name(name), &r);
	}
	if (source)
		fprintf(f, "source: %s\n", source);
}

void render_map_set(const struct output *o, const char *operation, const struct map_result *rs,
		    size_t n, const struct map_result *summary)
{
	bool failed = summary->failure != FAILURE_NONE;
	if (failed)
		output_error(o, "map", summary->error[0] ? summary->error : "failed");
	if (o->json) {
		if (output_wants_result(o, false) || failed)
			set_json(o->f, operation, rs, n, summary);
	} else if (!o->quiet) {
		set_text(o->f, operation, rs, n);
	}
	text_warnings(o, summary);
	for (size_t i = 0; i < n; i++)
		if (rs[i].ok)
			text_warnings(o, &rs[i]);
}

void output_rfc3339_ms(int64_t unix_ms, char out[32])
{
	time_t secs = (time_t)(unix_ms / 1000);
	struct tm tm;
	char day[24];
	if (!gmtime_r(&secs, &tm) || !strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(day, sizeof(day), "1970-01-01T00:00:00");
	snprintf(out, 32, "%s.%03dZ", day, (int)(unix_ms % 1000));
}

static const char *event_error_prefix(enum map_event e)
{
	return e == MAP_EVENT_RENEW_FAILED  ? "renewal failed: "
	       : e == MAP_EVENT_LOST        ? "the mapping is lost (its lifetime ran out): "
	       : e == MAP_EVENT_HOOK_FAILED ? "hook failed: "
					    : "";
}

void render_map_keep_event(const struct output *o, enum map_event e, const struct map_result *r,
			   int64_t unix_ms)
{
	char time[32], line[sizeof(r->error) + 64];
	bool failure = is_failure_event(e);
	bool unreachable = !failure && r->failure == FAILURE_UNREACHABLE;
	if (failure || unreachable) {
		snprintf(line, sizeof(line), "%s%s", event_error_prefix(e),
			 r->error[0] ? r->error : "failed");
		output_error(o, "map", line);
	}
	/* The stream goes on past a failed renewal or a mapping proven
	 * unreachable: text says it on both streams; only the end of the run
	 * ("failed") leaves stdout alone. */
	bool show =
		o->json ? !o->quiet || failure || unreachable : !o->quiet && e != MAP_EVENT_FAILED;
	if (show) {
		output_rfc3339_ms(unix_ms, time);
		if (o->json)
			mapping_json(o->f, map_event_name(e), r, time);
		else
			event_text(o->f, e, r);
		fflush(o->f);
	}
	/* A renewal repeats what mapped said (double NAT, a shorter lease):
	 * on stderr once, not every half lifetime; its JSON still has them. */
	if (!failure && e != MAP_EVENT_RENEWED)
		text_warnings(o, r);
}

/* ---- --list ---- */

static void list_entry_json(struct json_writer *w, const struct map_entry *e)
{
	json_begin_object(w, NULL);
	json_string(w, "method", map_method_name(e->method));
	json_bool(w, "ours", e->ours);
	json_string(w, "transport", map_protocol_name(e->protocol));
	json_endpoint(w, "internal", &e->internal);
	json_endpoint(w, "external", &e->external);
	json_uint(w, "lifetime", e->lifetime);
	/* NAT-PMP and PCP mappings (natctl's state) have no description. */
	json_string(w, "description", e->method == MAP_UPNP ? e->description : NULL);
	json_bool(w, "enabled", e->enabled);
	json_string(w, "remote_host", e->remote_host[0] ? e->remote_host : NULL);
	json_end_object(w);
}

static void list_json(FILE *f, const struct map_list *l, const struct map_result *r)
{
	struct json_writer w;
	bool ok = r->failure == FAILURE_NONE;
	json_document_begin(&w, f);
	json_string(&w, "method", ok && r->method != MAP_NONE ? map_method_name(r->method) : NULL);
	json_ip(&w, "gateway", endpoint_is_set(&l->gateway) ? &l->gateway : &r->gateway);
	json_begin_array(&w, "mappings");
	for (size_t i = 0; i < l->n; i++)
		list_entry_json(&w, &l->entries[i]);
	json_end_array(&w);
	json_bool(&w, "truncated", l->truncated);
	json_outcome(&w, r);
	json_end_object(&w);
	json_finish(&w);
}

static void list_text(FILE *f, const struct map_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct map_entry *e = &l->entries[i];
		char ext[ENDPOINT_STRLEN], in[ENDPOINT_STRLEN], life[64], desc[MAP_DESC_MAX];
		if (endpoint_is_set(&e->external))
			endpoint_format(&e->external, ext);
		else
			snprintf(ext, sizeof(ext), "port %u", e->external.port);
		lifetime_text(e->lifetime, life, sizeof(life));
		text_sanitize(desc, sizeof(desc), e->description); /* from the network */
		endpoint_format(&e->internal, in);
		if (e->method != MAP_UPNP) /* NAT-PMP and PCP cannot list: natctl's state */
			fprintf(f, "%s %s -> %s %s (%s, natctl's own, from its state)\n",
				map_protocol_name(e->protocol), ext, in, life,
				map_method_name(e->method));
		else
			fprintf(f, "%s %s -> %s %s%s \"%s\"%s\n", map_protocol_name(e->protocol),
				ext, in, life, e->enabled ? "" : " disabled", desc,
				e->ours ? " (natctl's own)" : "");
	}
}

void render_map_list(const struct output *o, const struct map_list *l, const struct map_result *r)
{
	bool failed = r->failure != FAILURE_NONE;
	if (failed)
		output_error(o, "map", r->error);
	else if (l->truncated && !o->json) /* JSON says "truncated" */
		output_warning(
			o, "map",
			"the listing stopped early (deadline or gateway error): it may be incomplete");
	if (!failed)
		text_warnings(o, r);
	if (!output_wants_result(o, failed))
		return;
	if (o->json)
		list_json(o->f, l, r);
	else
		list_text(o->f, l);
}

/* ---- --external ---- */

static void external_json(FILE *f, const struct map_external *x, const struct map_result *r)
{
	struct json_writer w;
	json_document_begin(&w, f);
	json_ip(&w, "gateway", &r->gateway);
	json_begin_array(&w, "addresses");
	for (size_t i = 0; i < x->n; i++) {
		json_begin_object(&w, NULL);
		json_string(&w, "method", map_method_name(x->rows[i].method));
		json_ip(&w, "address", &x->rows[i].address);
		json_string(&w, "note", x->rows[i].note[0] ? x->rows[i].note : NULL);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_outcome(&w, r);
	json_end_object(&w);
	json_finish(&w);
}

static void external_text(FILE *f, const struct map_external *x)
{
	char ip[IP_STRLEN];
	for (size_t i = 0; i < x->n; i++) {
		bool known = endpoint_is_set(&x->rows[i].address);
		fprintf(f, "%-6s %s%s%s%s\n", map_method_name(x->rows[i].method),
			known ? endpoint_format_ip(&x->rows[i].address, ip) : "unknown",
			x->rows[i].note[0] ? " (" : "", x->rows[i].note,
			x->rows[i].note[0] ? ")" : "");
	}
}

void render_map_external(const struct output *o, const struct map_external *x,
			 const struct map_result *r)
{
	bool failed = r->failure != FAILURE_NONE;
	if (failed)
		output_error(o, "map", r->error);
	else
		text_warnings(o, r);
	if (!output_wants_result(o, failed))
		return;
	if (o->json)
		external_json(o->f, x, r);
	else
		external_text(o->f, x);
}
