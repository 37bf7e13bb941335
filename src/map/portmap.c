// SPDX-License-Identifier: BSD-2-Clause
// The port-mapping controller: opens the methods, then add, delete, list or ask for the external address through them.
#include "natctl/map/portmap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natctl/base/clock.h"
#include "natctl/base/text.h"
#include "natctl/map/map_run.h"
#include "natctl/map/ssdp.h"
#include "natctl/net/gateway.h"
#include "natctl/net/net.h"
#include "natctl/net/source6.h"

static const struct map_method_ops *const default_table[MAP_N_METHODS] = {
#define MAP_METHOD_ROW(id, name, title, facts) [MAP_##id] = &map_method_##name,
	MAP_METHODS(MAP_METHOD_ROW)
#undef MAP_METHOD_ROW
};

/* ------------------------------------------------------------ setup */

/* IPv6: the default router (RFC 6887 §8.1: the PCP server is the default
 * router when nothing else is configured) and its interface. */
static void find_gateway6(struct portmap *pm)
{
	const struct map_params *p = &pm->p;
	struct map_env *env = &pm->env;
	struct gateway_route route;
	pm->why_ifname6 =
		p->ifname ? "the interface given (-i)" : "the interface of the IPv6 default route";
	if (gateway_default_v6(p->ifname, &route) == 0) {
		snprintf(pm->ifname6, sizeof(pm->ifname6), "%s", route.ifname);
		if (!endpoint_is_set(&p->gateway))
			env->gateway = route.gateway;
		env->have_gateway = true;
	} else if (p->ifname) {
		snprintf(pm->ifname6, sizeof(pm->ifname6), "%s", p->ifname);
	}
	/* --gateway: the interface the kernel reaches it through, whatever
	 * the default route's is (-i still decides when given). */
	struct endpoint via;
	if (endpoint_is_set(&p->gateway) && !p->ifname &&
	    net_route_source(&p->gateway, &via) == 0 &&
	    source6_interface_of(&via, pm->ifname6) == 0)
		pm->why_ifname6 = "the interface toward --gateway";
	if (endpoint_is_set(&p->gateway)) {
		env->gateway = p->gateway;
		env->have_gateway = true;
	} else if (!env->have_gateway) {
		snprintf(env->gateway_why, sizeof(env->gateway_why), "no IPv6 default router%s%s",
			 p->ifname ? " on " : "", p->ifname ? p->ifname : "");
	}
}

/*
 * IPv6: the pinhole is for this host's stable global address, chosen and
 * bound explicitly: the kernel's own choice is a temporary address where
 * privacy extensions are on (RFC 6724 rule 7), whose pinhole dies with it,
 * and gateways refuse one for another address than the request's source.
 */
static int find_local6(struct portmap *pm, struct map_result *r)
{
	struct map_env *env = &pm->env;
	struct source6_choice c;
	char ifname[IF_NAMESIZE], ip[IP_STRLEN];
	if (endpoint_is_set(&pm->p.internal)) {
		env->local = pm->p.internal;
		env->local.port = 0;
		snprintf(env->source_why, sizeof(env->source_why), "--internal");
		if (source6_interface_of(&env->local, ifname) == 0)
			return 0;
		r->failure = FAILURE_USAGE; /* a pinhole is only ever this host's */
		snprintf(r->error, sizeof(r->error),
			 "--internal %s is not an address of this host: -6 opens pinholes for its own",
			 endpoint_format_ip(&env->local, ip));
		return -1;
	}
	if (!pm->ifname6[0]) {
		snprintf(r->error, sizeof(r->error), "%s", env->gateway_why);
		return -1;
	}
	int rc = source6_find(pm->ifname6, &c);
	if (rc == 0) {
		env->local = c.addr;
		source6_reason(&c, pm->why_ifname6, env->source_why, sizeof(env->source_why));
		return 0;
	}
	if (rc < 0 && rc != -1)
		snprintf(r->error, sizeof(r->error), "/proc/net/if_inet6: %s", strerror(-rc));
	else
		snprintf(r->error, sizeof(r->error),
			 "no stable global IPv6 address on %s (%u temporary, %u ULA, %u deprecated): "
			 "name one with --internal",
			 pm->ifname6, c.skipped_temporary, c.skipped_ula, c.skipped_deprecated);
	return -1;
}

static void find_gateway(struct portmap *pm)
{
	const struct map_params *p = &pm->p;
	struct map_env *env = &pm->env;
	struct gateway_route route;
	if (p->family == AF_INET6) {
		find_gateway6(pm);
		return;
	}
	if (endpoint_is_set(&p->gateway)) {
		env->gateway = p->gateway;
		env->have_gateway = true;
	} else if (gateway_default_v4(p->ifname, &route) == 0) {
		env->gateway = route.gateway;
		env->have_gateway = true;
	} else {
		snprintf(env->gateway_why, sizeof(env->gateway_why), "no default IPv4 gateway%s%s",
			 p->ifname ? " on " : "", p->ifname ? p->ifname : "");
	}
}

/*
 * Where UPnP searches: an IGD is found over IPv4 (SSDP and its description)
 * even for a pinhole, which it is then asked for over IPv6. For -6 that is
 * this host's IPv4 address toward the IPv4 default gateway, best effort:
 * without one, UPnP finds no IGD and says so.
 */
static void find_search(struct portmap *pm)
{
	struct map_env *env = &pm->env;
	struct gateway_route route;
	struct endpoint toward;
	if (pm->p.family != AF_INET6) {
		env->search_local = env->local;
		env->search_gateway = env->gateway;
		env->have_search_gateway = env->have_gateway;
		return;
	}
	if (gateway_default_v4(NULL, &route) == 0) {
		env->search_gateway = route.gateway;
		env->have_search_gateway = true;
		toward = route.gateway;
	} else {
		endpoint_parse_ip(&toward, SSDP_MULTICAST_V4);
	}
	if (net_route_source(&toward, &env->search_local) < 0)
		memset(&env->search_local, 0, sizeof(env->search_local));
}

static int find_local(struct portmap *pm, struct map_result *r)
{
	const struct map_params *p = &pm->p;
	struct map_env *env = &pm->env;
	int rc;
	r->failure = FAILURE_NO_ROUTE;
	if (p->family == AF_INET6)
		return find_local6(pm, r);
	if (p->ifname) {
		rc = interface_ipv4(p->ifname, &env->local);
		if (rc < 0)
			snprintf(r->error, sizeof(r->error), "interface %s: %s", p->ifname,
				 rc == -ENODEV ? "no such interface" : "no IPv4 address");
		return rc;
	}
	struct endpoint toward = env->gateway;
	if (!env->have_gateway)
		endpoint_parse_ip(&toward, SSDP_MULTICAST_V4);
	rc = net_route_source(&toward, &env->local);
	if (rc < 0)
		snprintf(r->error, sizeof(r->error), "no route toward the gateway: %s",
			 strerror(-rc));
	return rc;
}

static void env_restarted(void *ctx, enum map_method m)
{
	struct portmap *pm = ctx;
	if (pm->on_restart)
		pm->on_restart(pm->restart_ctx, m);
}

static int open_methods(struct portmap *pm, struct map_result *r)
{
	for (int m = 0; m < MAP_N_METHODS; m++) {
		if (!(pm->p.methods & MAP_BIT(m)))
			continue;
		pm->m[m] = pm->ops[m]->open(&pm->env);
		if (!pm->m[m]) {
			snprintf(r->error, sizeof(r->error), "%s: out of memory",
				 map_method_name((enum map_method)m));
			r->failure = FAILURE_SYSTEM;
			return -1;
		}
	}
	return 0;
}

int portmap_open_with(struct portmap **out, const struct map_params *p, const struct trace *trace,
		      struct map_result *r, const struct map_method_ops *const table[MAP_N_METHODS])
{
	memset(r, 0, sizeof(*r));
	r->method = MAP_NONE;
	r->protocol = p->protocol;
	r->family = p->family;
	struct portmap *pm = *out = calloc(1, sizeof(*pm));
	if (!pm) {
		snprintf(r->error, sizeof(r->error), "out of memory");
		r->failure = FAILURE_SYSTEM;
		return -1;
	}
	pm->p = *p;
	memcpy(pm->ops, table, sizeof(pm->ops));
	pm->env =
		(struct map_env){.p = &pm->p, .trace = trace, .restarted = env_restarted, .ctx = pm};
	find_gateway(pm);
	r->gateway = pm->env.gateway; /* even when nothing else works: --gateway was given */
	if (find_local(pm, r) < 0)
		return -1;
	find_search(pm);
	r->failure = FAILURE_NONE;
	char local[IP_STRLEN], gw[IP_STRLEN];
	trace_log(trace, "map: this host %s, gateway %s", endpoint_format_ip(&pm->env.local, local),
		  pm->env.have_gateway ? endpoint_format_ip(&pm->env.gateway, gw) : "none");
	map_warm_open(pm);
	return open_methods(pm, r);
}

int portmap_open(struct portmap **out, const struct map_params *p, const struct trace *trace,
		 struct map_result *r)
{
	return portmap_open_with(out, p, trace, r, default_table);
}

void portmap_cache_key(struct portmap *pm, const uint8_t mac[6])
{
	if (pm->p.cache_dir && pm->env.have_gateway) {
		pm->warm.dir = pm->p.cache_dir;
		map_warm_key(pm, mac);
	}
}

void portmap_close(struct portmap *pm)
{
	if (!pm)
		return;
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (pm->m[m])
			pm->ops[m]->close(pm->m[m]);
	free(pm);
}

unsigned portmap_methods(const struct portmap *pm)
{
	return pm->p.methods;
}

void portmap_endpoints(const struct portmap *pm, struct endpoint *local, struct endpoint *gateway)
{
	*local = pm->env.local;
	*gateway = pm->env.gateway;
}

void portmap_info(const struct portmap *pm, enum map_method m, struct map_method_info *out)
{
	memset(out, 0, sizeof(*out));
	out->connected = -1;
	out->pinholes = -1;
	if (pm->m[m])
		pm->ops[m]->info(pm->m[m], out);
	out->present = pm->run.st[m] == MAP_MS_PRESENT || pm->run.st[m] == MAP_MS_OK;
}

void portmap_on_restart(struct portmap *pm, void (*fn)(void *ctx, enum map_method m), void *ctx)
{
	pm->on_restart = fn;
	pm->restart_ctx = ctx;
}

size_t portmap_watch(struct portmap *pm, enum map_method m, const bool *wake,
		     struct loop_client out[PORTMAP_WATCH_LOOPS])
{
	if (m < 0 || m >= MAP_N_METHODS || !pm->m[m] || !pm->ops[m]->watch)
		return 0;
	return pm->ops[m]->watch(pm->m[m], wake, out);
}

/* ------------------------------------------------------------ operations */

/* A warning, in the result's bounded list. */
#define add_warning(r, ...) TEXT_LINES_ADD((r)->warnings, (r)->n_warnings, __VA_ARGS__)

/* "private (RFC 1918)" or "carrier-grade NAT space (RFC 6598...)": why a
 * mapping on a gateway with that external address opens only the inner NAT. */
static const char *behind_nat_text(const struct endpoint *e, bool long_form)
{
	if (addr_classify(e) == ADDR_CLASS_CGNAT)
		return long_form ? "carrier-grade NAT space (RFC 6598, 100.64.0.0/10)"
				 : "carrier-grade NAT space (RFC 6598)";
	return "private (RFC 1918)";
}

/* The double-NAT warning (in text and JSON alike). */
static void warn_external(struct map_result *r)
{
	char ip[IP_STRLEN];
	if (!endpoint_is_set(&r->external))
		add_warning(r, "the gateway did not tell its external address");
	else if (addr_is_behind_nat(&r->external))
		add_warning(r,
			    "the gateway's external address %s is %s: the mapping only opens the inner NAT (double NAT)",
			    endpoint_format_ip(&r->external, ip),
			    behind_nat_text(&r->external, true));
}

/* The external address any method knows, for a deletion's result; a
 * pinhole's is this host's own (no NAT). */
static void known_external(const struct portmap *pm, struct endpoint *out)
{
	memset(out, 0, sizeof(*out));
	if (pm->p.family == AF_INET6) {
		*out = pm->env.local;
		return;
	}
	for (int m = 0; m < MAP_N_METHODS && !endpoint_is_set(out); m++) {
		struct map_method_info info;
		portmap_info(pm, (enum map_method)m, &info);
		*out = info.external;
	}
}

static void conclude_delete(struct map_run *run)
{
	struct map_result *r = run->r;
	struct endpoint ext;
	map_run_fill_common(run, (enum map_method)__builtin_ctz(r->deleted_by));
	if (endpoint_is_set(&run->deleted_internal))
		r->internal = run->deleted_internal; /* --force: maybe another host's */
	r->external.port = run->pm->p.external_port;
	r->lifetime = 0;
	known_external(run->pm, &ext);
	if (endpoint_is_set(&ext)) {
		r->external = ext;
		r->external.port = run->pm->p.external_port;
	}
	/* What other methods said is worth knowing, not fatal; that one had
	 * nothing left to delete is no news. */
	for (size_t i = 0; i < r->n_errors; i++)
		if (run->st[r->errors[i].method] == MAP_MS_FAILED &&
		    !run->not_found[r->errors[i].method])
			add_warning(r, "%s: %s", map_method_name(r->errors[i].method),
				    r->errors[i].text);
}

/* "PCP or UPnP": the methods whose absence is of class f. */
static void titles_of(const struct map_run *run, enum failure f, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = '\0';
	for (int m = 0; m < MAP_N_METHODS && len < cap; m++)
		if (run->st[m] == MAP_MS_ABSENT && run->fail[m] == f)
			len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? " or " : "",
						map_method_title((enum map_method)m));
}

/* No method was there: "no gateway answered within 2.0 s (pcp: ...; upnp:
 * ...)", unless one did answer, in a protocol it was not asked in. */
static void nobody_answered(struct map_run *run)
{
	struct map_result *r = run->r;
	char tail[sizeof(r->error)], titles[64];
	memcpy(tail, r->error, sizeof(tail));
	char secs[16];
	text_seconds(secs, sizeof(secs), clock_now_us() - run->start);
	if (r->failure == FAILURE_UNSUPPORTED) {
		titles_of(run, FAILURE_UNSUPPORTED, titles, sizeof(titles));
		snprintf(r->error, sizeof(r->error), "the gateway does not speak %s (%s)", titles,
			 tail);
	} else if (r->failure == FAILURE_NO_ROUTE) {
		snprintf(r->error, sizeof(r->error), "no route to a gateway (%s)", tail);
	} else if (r->failure == FAILURE_TIMEOUT) {
		snprintf(r->error, sizeof(r->error),
			 "the gateway did not finish answering within %s s (%s)", secs, tail);
	} else if (run->op == MAP_OP_LIST) {
		snprintf(r->error, sizeof(r->error),
			 "no gateway that can list mappings answered within %s s (%s)", secs, tail);
	} else {
		snprintf(r->error, sizeof(r->error), "no gateway answered within %s s (%s)", secs,
			 tail);
	}
}

/* The result's class, from every method's: those that were tried if any
 * was, else those that were not there. */
static enum failure run_failure(const struct map_run *run)
{
	bool tried = map_run_any(run, MAP_MS_FAILED);
	enum failure f = FAILURE_NONE;
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (run->st[m] == (tried ? MAP_MS_FAILED : MAP_MS_ABSENT))
			f = failure_merge(f, run->fail[m]);
	return f != FAILURE_NONE ? f : FAILURE_NO_ANSWER;
}

/* A failed result still names what it was about: gateway, transport, this
 * host (or --internal) and the ports asked for. */
static void fill_failed(struct map_run *run)
{
	struct map_result *r = run->r;
	const struct portmap *pm = run->pm;
	r->method = MAP_NONE;
	r->gateway = pm->env.gateway;
	r->protocol = pm->p.protocol;
	if (run->op != MAP_OP_ADD && run->op != MAP_OP_DELETE)
		return;
	r->internal = endpoint_is_set(&pm->p.internal) ? pm->p.internal : pm->env.local;
	r->internal.port = pm->p.internal_port;
	snprintf(r->source, sizeof(r->source), "%s", pm->env.source_why);
	r->family = pm->p.family;
	r->external.port = pm->p.external_port;
}

int map_run_conclude(struct map_run *run)
{
	struct map_result *r = run->r;
	map_warm_save(run);
	map_run_compose_errors(run);
	if (run->op == MAP_OP_DELETE) {
		r->ok = run->found;
		if (r->ok)
			conclude_delete(run);
	} else {
		r->ok = map_run_any(run, MAP_MS_OK);
		if (r->ok && run->op == MAP_OP_ADD)
			warn_external(r);
	}
	r->failure = r->ok ? FAILURE_NONE : run_failure(run);
	if (!r->ok && run->op != MAP_OP_EXTERNAL)
		fill_failed(run);
	if (!r->ok && !map_run_any(run, MAP_MS_FAILED) && run->op != MAP_OP_EXTERNAL)
		nobody_answered(run);
	return r->ok ? 0 : -1;
}

int portmap_run(struct portmap *pm, int64_t deadline, struct map_result *r)
{
	struct map_run *run = map_run_init(pm, r, pm->p.op, deadline);
	map_run_start_probes(run, pm->p.methods, map_warm_entry(pm, pm->p.methods));
	map_run_loop(run);
	return map_run_conclude(run);
}

/* Straight to the operation with the method that made the mapping. */
int map_run_direct(struct portmap *pm, int64_t deadline, struct map_result *r, enum map_op op)
{
	enum map_method m = r->method;
	struct map_result fresh;
	memset(&fresh, 0, sizeof(fresh));
	fresh.method = m;
	struct map_run *run = map_run_init(pm, &fresh, op, deadline);
	if (m < 0 || m >= MAP_N_METHODS || !pm->m[m]) {
		snprintf(r->error, sizeof(r->error), "%s was not opened", map_method_name(m));
		return -1;
	}
	map_run_present(run, m, run->start);
	if (op == MAP_OP_ADD)
		pm->p.external_port = r->external.port; /* renew what we have (--any: or another) */
	map_run_loop(run);
	int rc = map_run_conclude(run);
	if (rc == 0 && op == MAP_OP_ADD && !endpoint_is_set(&fresh.external)) {
		uint16_t port = fresh.external.port; /* the address learnt at the first mapping */
		fresh.external = r->external;
		fresh.external.port = port;
	}
	*r = fresh;
	r->method = m;
	return rc;
}

int portmap_renew(struct portmap *pm, int64_t deadline, struct map_result *r)
{
	return map_run_direct(pm, deadline, r, MAP_OP_ADD);
}

/* A mapping made beside the one asked for (probe's test mappings, --check's
 * companion) leaves the parameters of that one as they were: --keep renews
 * it with them. */
int portmap_add_via(struct portmap *pm, enum map_method m, const struct map_params *what,
		    int64_t deadline, struct map_result *r)
{
	struct map_params asked = pm->p;
	pm->p.op = MAP_OP_ADD;
	pm->p.protocol = what->protocol;
	pm->p.internal_port = what->internal_port;
	pm->p.lifetime = what->lifetime;
	pm->p.description = what->description;
	memset(r, 0, sizeof(*r));
	r->method = m;
	r->external.port = what->external_port;
	int rc = map_run_direct(pm, deadline, r, MAP_OP_ADD);
	pm->p = asked;
	return rc;
}

/* Deletes the mapping r describes, whichever it is, with the same care. */
int portmap_unmap(struct portmap *pm, int64_t deadline, struct map_result *r)
{
	struct map_params asked = pm->p;
	pm->p.protocol = r->protocol;
	pm->p.internal_port = r->internal.port;
	pm->p.external_port = r->external.port;
	struct map_result keep = *r;
	int rc = map_run_direct(pm, deadline, r, MAP_OP_DELETE);
	pm->p = asked;
	if (rc == 0) {
		r->external = keep.external;
		r->internal = keep.internal;
		r->description[0] = '\0';
	}
	return rc;
}

static unsigned listing_methods(const struct portmap *pm)
{
	unsigned bits = 0;
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (pm->ops[m]->lists)
			bits |= MAP_BIT(m);
	return bits & pm->p.methods;
}

int portmap_list(struct portmap *pm, int64_t deadline, struct map_list *l, struct map_result *r)
{
	memset(l, 0, sizeof(*l));
	struct map_run *run = map_run_init(pm, r, MAP_OP_LIST, deadline);
	map_run_start_probes(run, listing_methods(pm), map_warm_entry(pm, listing_methods(pm)));
	map_run_loop(run);
	int rc = map_run_conclude(run);
	l->gateway = pm->env.gateway;
	if (rc < 0)
		return rc;
	for (int m = 0; m < MAP_N_METHODS; m++) {
		if (run->st[m] != MAP_MS_OK)
			continue;
		r->method = (enum map_method)m;
		return pm->ops[m]->list(pm->m[m], l);
	}
	return -1;
}

void portmap_external_start(struct portmap *pm, int64_t deadline, struct map_result *r)
{
	struct map_run *run = map_run_init(pm, r, MAP_OP_EXTERNAL, deadline);
	map_run_start_probes(run, pm->p.methods, map_warm_entry(pm, pm->p.methods));
}

static void external_row(struct map_run *run, enum map_method m, struct map_external *x)
{
	const struct map_method_ops *ops = run->pm->ops[m];
	struct map_method_info info;
	char ip[IP_STRLEN];
	portmap_info(run->pm, m, &info);
	x->rows[x->n].method = m;
	x->rows[x->n].address = info.external;
	if (ops->no_external)
		text_copy(x->rows[x->n].note, MAP_TEXT_MAX, ops->no_external);
	else if (!endpoint_is_set(&info.external))
		text_copy(x->rows[x->n].note, MAP_TEXT_MAX,
			  run->why[m][0] ? run->why[m] : "the gateway did not tell");
	if (addr_is_behind_nat(&info.external))
		add_warning(run->r,
			    "%s: the gateway's external address %s is %s: mappings only open the inner NAT (double NAT)",
			    map_method_name(m), endpoint_format_ip(&info.external, ip),
			    behind_nat_text(&info.external, false));
	x->n++;
}

int portmap_external_finish(struct portmap *pm, struct map_external *x)
{
	struct map_run *run = &pm->run;
	struct map_result *r = run->r;
	memset(x, 0, sizeof(*x));
	if (!run->finished)
		map_run_settle(run);
	map_warm_save(run);
	map_run_compose_errors(run);
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (run->st[m] == MAP_MS_PRESENT)
			external_row(run, (enum map_method)m, x);
	r->gateway = pm->env.gateway;
	r->ok = x->n > 0;
	r->failure = r->ok ? FAILURE_NONE : run_failure(run);
	if (!r->ok)
		nobody_answered(run);
	return r->ok ? 0 : -1;
}

int portmap_external(struct portmap *pm, int64_t deadline, struct map_external *x,
		     struct map_result *r)
{
	struct loop_client lc[PORTMAP_LOOPS];
	portmap_external_start(pm, deadline, r);
	loop_run(lc, portmap_loops(pm, lc), deadline);
	return portmap_external_finish(pm, x);
}

unsigned portmap_discover(struct portmap *pm, unsigned methods, int64_t deadline,
			  struct map_result *r)
{
	struct loop_client lc[PORTMAP_LOOPS];
	struct map_external x;
	unsigned present = 0;
	memset(r, 0, sizeof(*r));
	r->method = MAP_NONE;
	map_run_start_probes(map_run_init(pm, r, MAP_OP_EXTERNAL, deadline), methods,
			     map_warm_entry(pm, methods));
	loop_run(lc, portmap_loops(pm, lc), deadline);
	portmap_external_finish(pm, &x);
	for (size_t i = 0; i < x.n; i++)
		present |= MAP_BIT(x.rows[i].method);
	return present;
}
