// SPDX-License-Identifier: BSD-2-Clause
// natctl's own mappings: which are ours, listed beside the gateway's table, and all deleted at once by --cleanup.
#include "natctl/map/map_cleanup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natctl/base/text.h"
#include "natctl/map/map_ledger.h"

bool map_is_ours(const struct map_entry *e, const char *tag, const struct endpoint *self)
{
	bool described =
		strcmp(e->description, tag) == 0 || strcmp(e->description, MAP_TAG_PLAIN) == 0;
	return described && endpoint_same_ip(&e->internal, self);
}

/* A row of UPnP's table that is a mapping natctl recorded, by whichever
 * method it made it (miniupnpd shows PCP and NAT-PMP mappings there too). */
static bool recorded_entry(const struct map_entry *e, const struct state_mapping *m)
{
	return m->protocol == e->protocol && m->external_port == e->external.port &&
	       endpoint_same_ip(&m->internal, &e->internal);
}

static bool is_recorded(const struct map_entry *e, const struct state_mapping *recorded, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (recorded_entry(e, &recorded[i]))
			return true;
	return false;
}

/* The entry a recorded mapping is in --list: its address unknown (the
 * state keeps the port), its lifetime what is left of it. */
static void entry_of(const struct state_mapping *m, int64_t now, struct map_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->method = m->method;
	e->ours = true;
	e->protocol = m->protocol;
	e->internal = m->internal;
	e->external.port = m->external_port;
	e->lifetime = m->expiry == 0 ? 0 : m->expiry > now ? (uint32_t)(m->expiry - now) : 1;
	e->enabled = true;
}

int map_list_add_ours(struct map_list *l, const struct state_mapping *recorded, size_t n,
		      unsigned methods, const char *tag, const struct endpoint *self, int64_t now)
{
	for (size_t i = 0; i < l->n; i++)
		l->entries[i].ours = map_is_ours(&l->entries[i], tag, self) ||
				     is_recorded(&l->entries[i], recorded, n);
	struct map_entry *grown = realloc(l->entries, (l->n + n + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	l->entries = grown;
	for (size_t i = 0; i < n; i++) {
		const struct state_mapping *m = &recorded[i];
		/* UPnP's own table says it all; the others cannot list. */
		if (m->method == MAP_UPNP || !(methods & MAP_BIT(m->method)) ||
		    !endpoint_same_ip(&m->gateway, &l->gateway))
			continue;
		entry_of(m, now, &l->entries[l->n++]);
	}
	return 0;
}

/* ---- --cleanup ---- */

struct sweep {
	struct portmap *pm;
	struct endpoint self, gateway;
	struct map_job *jobs;
	struct state_mapping *what; /* the mapping each job deletes */
	size_t n;
	struct map_result *summary;
};

#define add_warning(r, ...) TEXT_LINES_ADD((r)->warnings, (r)->n_warnings, __VA_ARGS__)

static void add_job(struct sweep *s, const struct state_mapping *m)
{
	map_ledger_delete_job(m, &s->jobs[s->n]);
	s->what[s->n++] = *m;
}

/* The recorded mappings this run can delete: this gateway's, this host's,
 * through a method asked for; a word on the others. */
static void take_recorded(struct sweep *s, const struct state_mapping *recorded, size_t n,
			  unsigned methods)
{
	size_t elsewhere = 0, other_host = 0, other_family = 0;
	for (size_t i = 0; i < n; i++) {
		const struct state_mapping *m = &recorded[i];
		if (m->gateway.family != s->gateway.family)
			other_family++; /* IPv6 pinholes in an IPv4 run, or the reverse */
		else if (!endpoint_same_ip(&m->gateway, &s->gateway))
			elsewhere++;
		else if (!endpoint_same_ip(&m->internal, &s->self))
			other_host++;
		else if (methods & MAP_BIT(m->method))
			add_job(s, m);
	}
	char ip[IP_STRLEN];
	bool v6 = s->gateway.family == AF_INET6;
	if (other_family)
		add_warning(s->summary,
			    "%zu %s%s natctl made left alone: natctl%s map --cleanup removes %s",
			    other_family, v6 ? "IPv4 mapping" : "IPv6 pinhole",
			    other_family == 1 ? "" : "s", v6 ? "" : " -6",
			    other_family == 1 ? "it" : "them");
	if (elsewhere)
		add_warning(s->summary,
			    "%zu mapping%s natctl made through another gateway than %s left alone",
			    elsewhere, elsewhere == 1 ? "" : "s",
			    endpoint_format_ip(&s->gateway, ip));
	if (other_host)
		add_warning(s->summary,
			    "%zu mapping%s natctl made for another host (--internal) left alone: "
			    "natctl map --delete --internal ADDRESS removes one",
			    other_host, other_host == 1 ? "" : "s");
}

static bool already(const struct sweep *s, const struct state_mapping *m)
{
	for (size_t i = 0; i < s->n; i++)
		if (state_mapping_same(&s->what[i], m))
			return true;
	return false;
}

/* UPnP mappings described as natctl's that point at this host. */
static void take_described(struct sweep *s, const char *tag, int64_t deadline, size_t recorded_upnp)
{
	struct map_list l;
	struct map_result r;
	portmap_list(s->pm, deadline, &l, &r);
	/* A gateway without UPnP is news only if natctl mapped something there. */
	if (r.failure != FAILURE_NONE && (r.failure != FAILURE_NO_ANSWER || recorded_upnp))
		add_warning(s->summary, "UPnP mappings described as natctl's not looked for: %s",
			    r.error);
	for (size_t i = 0; r.failure == FAILURE_NONE && i < l.n; i++) {
		const struct map_entry *e = &l.entries[i];
		struct state_mapping m = {.method = MAP_UPNP,
					  .gateway = s->gateway,
					  .protocol = e->protocol,
					  .internal = e->internal,
					  .external_port = e->external.port};
		if (map_is_ours(e, tag, &s->self) && !already(s, &m))
			add_job(s, &m);
	}
	map_list_free(&l);
}

/* The IGD the pinholes' deletions go to (a listing finds it for IPv4). */
static void discover_upnp(struct portmap *pm, int64_t deadline)
{
	struct map_result r;
	portmap_discover(pm, MAP_BIT(MAP_UPNP), deadline, &r);
}

/* A deletion's result, put right: whom it was for, and "no longer
 * there" is what a cleanup wants too. */
static void settle(const struct state_mapping *m, struct map_result *r)
{
	bool missing = !r->ok && r->failure == FAILURE_NOT_FOUND;
	r->method = m->method;
	r->protocol = m->protocol;
	r->internal = m->internal;
	r->external.port = m->external_port;
	r->description[0] = '\0';
	if (!missing)
		return;
	r->ok = true;
	r->failure = FAILURE_NONE;
	r->error[0] = '\0';
	r->n_errors = 0;
	r->deleted_by = 0;
	add_warning(r, "the gateway no longer had it");
}

/* "2 of 5 mappings of natctl's are left (pcp 9000/udp: ...)" */
static void left_error(struct map_cleanup *c)
{
	const struct map_result *first = NULL;
	enum failure f = FAILURE_NONE;
	for (size_t i = 0; i < c->n; i++) {
		if (c->results[i].ok)
			continue;
		first = first ? first : &c->results[i];
		f = failure_merge(f, c->results[i].failure);
	}
	if (!first)
		return;
	c->summary.failure = f;
	snprintf(c->summary.error, sizeof(c->summary.error),
		 "%zu of %zu mappings of natctl's are left (%s %u/%s: %.800s)", c->left, c->n,
		 map_method_name(first->method), first->external.port,
		 map_protocol_name(first->protocol), first->error);
}

int map_cleanup(struct portmap *pm, const struct state_mapping *recorded, size_t n, const char *tag,
		int64_t deadline, struct map_cleanup *out)
{
	struct sweep s = {.pm = pm, .summary = &out->summary};
	unsigned methods = portmap_methods(pm);
	size_t upnp = 0;
	memset(out, 0, sizeof(*out));
	portmap_endpoints(pm, &s.self, &s.gateway);
	out->summary.gateway = s.gateway;
	out->summary.method = MAP_NONE;
	s.jobs = calloc(n + STATE_MAX_MAPPINGS, sizeof(*s.jobs));
	s.what = calloc(n + STATE_MAX_MAPPINGS, sizeof(*s.what));
	out->results = calloc(n + STATE_MAX_MAPPINGS, sizeof(*out->results));
	if (!s.jobs || !s.what || !out->results) {
		free(s.jobs);
		free(s.what);
		return -1;
	}
	take_recorded(&s, recorded, n, methods);
	for (size_t i = 0; i < s.n; i++)
		upnp += s.what[i].method == MAP_UPNP;
	/* Pinholes have no table to list (WANIPv6FirewallControl): natctl's
	 * are those its state recorded, deleted on the IGD a discovery finds. */
	if ((methods & MAP_BIT(MAP_UPNP)) && s.gateway.family != AF_INET6)
		take_described(&s, tag, deadline, upnp);
	else if ((methods & MAP_BIT(MAP_UPNP)) && upnp)
		discover_upnp(pm, deadline);
	portmap_batch(pm, s.jobs, s.n, deadline, out->results);
	out->n = s.n;
	for (size_t i = 0; i < s.n; i++) {
		settle(&s.what[i], &out->results[i]);
		out->left += !out->results[i].ok;
	}
	left_error(out);
	free(s.jobs);
	free(s.what);
	return out->left ? -1 : 0;
}

void map_cleanup_free(struct map_cleanup *c)
{
	free(c->results);
	c->results = NULL;
	c->n = 0;
}
