// SPDX-License-Identifier: BSD-2-Clause
// The controller's warm start: the gateway cache read before a discovery, the methods it says are absent not asked, and what the discovery learnt written back.
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "natctl/base/clock.h"
#include "natctl/base/text.h"
#include "natctl/map/map_run.h"
#include "natctl/net/gateway.h"

static const char *seen_word(const struct map_cache_entry *e, enum map_method m)
{
	static const char *const words[] =
		{[MAP_SEEN_UNKNOWN] = "unknown", [MAP_SEEN_YES] = "yes", [MAP_SEEN_NO] = "no"};
	return words[e->seen[m]];
}

/* "pcp no, natpmp no, upnp yes (IGD http://...)" for the -v trace. */
static void describe(const struct map_cache_entry *e, char *out, size_t cap)
{
	char location[SSDP_LOCATION_MAX];
	size_t len = 0;
	out[0] = '\0';
	for (int m = 0; m < MAP_N_METHODS && len < cap; m++)
		len += (size_t)snprintf(out + len, cap - len, "%s%s %s", m ? ", " : "",
					map_method_name((enum map_method)m),
					seen_word(e, (enum map_method)m));
	text_sanitize(location, sizeof(location), e->igd.location);
	if (e->have_igd && len < cap)
		snprintf(out + len, cap - len, " (IGD %s)", location);
}

static int64_t wall_now(void)
{
	return clock_wall_ms() / 1000;
}

/* The IPv4 gateway whose entry this run reads: -6's search gateway. */
static const struct endpoint *cache_gateway(const struct portmap *pm)
{
	return pm->warm.upnp_only ? &pm->env.search_gateway : &pm->env.gateway;
}

void map_warm_key(struct portmap *pm, const uint8_t mac[GATEWAY_MAC_LEN])
{
	struct map_warm *w = &pm->warm;
	const struct endpoint *gw = cache_gateway(pm);
	char name[MAP_CACHE_NAME_MAX], why[128], what[SSDP_LOCATION_MAX + 96], age[32];
	w->keyed = true;
	map_cache_file_name(gw, mac, name);
	int rc = map_cache_load(w->dir, gw, mac, wall_now(), &w->entry, why, sizeof(why));
	w->loaded = rc == 0;
	if (!w->loaded) {
		memset(&w->entry, 0, sizeof(w->entry));
		w->entry.gateway = *gw;
		memcpy(w->entry.mac, mac, GATEWAY_MAC_LEN);
	}
	if (rc == 0) {
		describe(&w->entry, what, sizeof(what));
		map_cache_age(&w->entry, age, sizeof(age));
		trace_log(pm->env.trace, "cache: %s/%s: %s; written %s ago", w->dir, name, what,
			  age);
	} else if (rc == -ENOENT) {
		trace_log(pm->env.trace, "cache: nothing yet for this gateway (%s/%s)", w->dir,
			  name);
	} else {
		trace_log(pm->env.trace, "cache: %s/%s: not used: %s", w->dir, name, why);
	}
}

/* The MAC keeps another network's entry (the same private address behind
 * another router) from ever being used here. */
static bool key_by_neighbour(struct portmap *pm)
{
	uint8_t mac[GATEWAY_MAC_LEN];
	if (gateway_mac(cache_gateway(pm), pm->warm.upnp_only ? NULL : pm->p.ifname, mac) != 0)
		return false;
	map_warm_key(pm, mac);
	return true;
}

void map_warm_open(struct portmap *pm)
{
	pm->warm.dir = pm->p.cache_dir;
	pm->warm.upnp_only = pm->p.family == AF_INET6;
	bool have = pm->warm.upnp_only ? pm->env.have_search_gateway : pm->env.have_gateway;
	if (pm->warm.dir && have && !key_by_neighbour(pm))
		trace_log(pm->env.trace,
			  "cache: not read: the gateway is not in the neighbour table (no MAC yet)");
}

const struct map_cache_entry *map_warm_entry(const struct portmap *pm, unsigned methods)
{
	const struct map_warm *w = &pm->warm;
	if (!w->loaded)
		return NULL;
	if (w->upnp_only)
		return (methods & MAP_BIT(MAP_UPNP)) && pm->m[MAP_UPNP] &&
				       w->entry.seen[MAP_UPNP] == MAP_SEEN_YES
			       ? &w->entry
			       : NULL;
	for (int m = 0; m < MAP_N_METHODS; m++)
		if ((methods & MAP_BIT(m)) && pm->m[m] && w->entry.seen[m] == MAP_SEEN_YES)
			return &w->entry;
	return NULL;
}

/* What this run says of method m: what it found, or what was known. */
static void learn_method(const struct map_run *run, enum map_method m, struct map_cache_entry *e)
{
	enum map_mstate st = run->st[m];
	if (st == MAP_MS_OFF || st == MAP_MS_PROBING || (run->skipped & MAP_BIT(m)))
		return; /* not asked, or not decided: what the cache held stands */
	if (st == MAP_MS_ABSENT) {
		bool silent =
			run->fail[m] == FAILURE_NO_ANSWER || run->fail[m] == FAILURE_UNSUPPORTED;
		e->seen[m] = silent ? MAP_SEEN_NO : MAP_SEEN_UNKNOWN;
		e->absent[m] = run->fail[m];
		memset(e->why[m], 0, sizeof(e->why[m]));
		text_sanitize(e->why[m], sizeof(e->why[m]), run->why[m]);
		return;
	}
	e->seen[m] = MAP_SEEN_YES; /* it answered: present, used, or refusing */
	const struct map_method_ops *ops = run->pm->ops[m];
	if (ops->learn && !ops->learn(run->pm->m[m], e))
		e->seen[m] = MAP_SEEN_UNKNOWN; /* nothing a warm start could use */
}

static bool any_yes(const struct map_cache_entry *e)
{
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (e->seen[m] == MAP_SEEN_YES)
			return true;
	return false;
}

/* The entry's content, the time it was written aside. */
static bool same(const struct map_cache_entry *a, const struct map_cache_entry *b)
{
	struct map_cache_entry x = *a, y = *b;
	x.written = y.written = 0;
	for (int m = 0; m < MAP_N_METHODS; m++) {
		if (x.seen[m] != MAP_SEEN_NO) {
			x.absent[m] = FAILURE_NONE;
			memset(x.why[m], 0, sizeof(x.why[m]));
		}
		if (y.seen[m] != MAP_SEEN_NO) {
			y.absent[m] = FAILURE_NONE;
			memset(y.why[m], 0, sizeof(y.why[m]));
		}
	}
	if (!x.have_igd)
		memset(&x.igd, 0, sizeof(x.igd));
	if (!y.have_igd)
		memset(&y.igd, 0, sizeof(y.igd));
	return memcmp(&x, &y, sizeof(x)) == 0;
}

static void write_entry(struct map_warm *w, const struct map_cache_entry *e,
			const struct trace *trace)
{
	char name[MAP_CACHE_NAME_MAX], what[SSDP_LOCATION_MAX + 96];
	map_cache_file_name(&e->gateway, e->mac, name);
	int rc = map_cache_save(w->dir, e);
	if (rc < 0) {
		trace_log(trace, "cache: cannot write %s/%s: %s", w->dir, name, strerror(-rc));
		return;
	}
	describe(e, what, sizeof(what));
	trace_log(trace, "cache: %s %s/%s: %s", w->loaded ? "refreshed" : "wrote", w->dir, name,
		  what);
	w->entry = *e;
	w->loaded = true;
}

/* -6: the IGD UPnP found (over IPv4, as for a mapping) over what the
 * entry held; nothing else, and nothing removed when it found none. */
static void save_igd(struct map_run *run, struct map_cache_entry *e)
{
	struct map_warm *w = &run->pm->warm;
	learn_method(run, MAP_UPNP, e);
	if (e->seen[MAP_UPNP] != MAP_SEEN_YES || (w->loaded && same(e, &w->entry)))
		return;
	e->written = wall_now();
	write_entry(w, e, run->pm->env.trace);
}

void map_warm_save(struct map_run *run)
{
	struct map_warm *w = &run->pm->warm;
	const struct trace *trace = run->pm->env.trace;
	bool have = w->upnp_only ? run->pm->env.have_search_gateway : run->pm->env.have_gateway;
	if (!w->dir || !run->discovered)
		return;
	/* Talking to the gateway put it in the neighbour table. */
	if (!w->keyed && (!have || !key_by_neighbour(run->pm)))
		return;
	struct map_cache_entry e = w->entry;
	if (w->upnp_only) {
		save_igd(run, &e);
		return;
	}
	for (int m = 0; m < MAP_N_METHODS; m++)
		learn_method(run, (enum map_method)m, &e);
	if (e.seen[MAP_UPNP] != MAP_SEEN_YES)
		e.have_igd = false;
	if (!any_yes(&e)) {
		/* Nothing there to start from next time. */
		if (w->loaded && map_cache_forget(w->dir, &e.gateway, e.mac) == 0)
			trace_log(trace, "cache: removed this gateway's entry: nothing answered");
		w->loaded = false;
		return;
	}
	if (w->loaded && same(&e, &w->entry))
		return; /* nothing new: no write */
	e.written = wall_now();
	write_entry(w, &e, trace);
}
