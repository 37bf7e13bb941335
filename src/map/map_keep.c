// SPDX-License-Identifier: BSD-2-Clause
// Holding a mapping: renewals at half-life, re-mapping after a gateway restart, deletion on a signal.
#include "natctl/map/map_keep.h"

#include "natctl/base/clock.h"

/* What the keeper listens to between renewals. */
struct keeper {
	struct sigwatch *sw;
	bool *wake;     /* set by a signal or a restart: the wait ends */
	bool restarted; /* the gateway lost its mappings since the last renewal */
	struct loop_client watch[PORTMAP_WATCH_LOOPS];
	size_t n_watch;
};

static void on_restart(void *ctx, enum map_method m)
{
	struct keeper *k = ctx;
	(void)m;
	k->restarted = true;
	*k->wake = true;
}

static int64_t retry_delay(const struct map_result *r, int64_t granted_at, int64_t now)
{
	int64_t expiry = granted_at + (int64_t)r->lifetime * USEC_PER_SEC;
	int64_t d = (expiry - now) / 2;
	if (d < MAP_RETRY_MIN_US)
		d = MAP_RETRY_MIN_US;
	return d > MAP_RETRY_MAX_US ? MAP_RETRY_MAX_US : d;
}

/* The mapping's lifetime has run out since it was granted at granted_at. */
static bool expired(const struct map_result *r, int64_t granted_at, int64_t now)
{
	return r->lifetime != 0 && now >= granted_at + (int64_t)r->lifetime * USEC_PER_SEC;
}

/* The same external port, and the same address where both are known. */
static bool same_external(const struct map_result *a, const struct map_result *b)
{
	bool known = endpoint_is_set(&a->external) && endpoint_is_set(&b->external);
	return a->external.port == b->external.port &&
	       (!known || endpoint_same_ip(&a->external, &b->external));
}

/* What a successful renewal is to a reader of the events. */
static enum map_event renewal_event(const struct map_result *held, const struct map_result *fresh,
				    bool again)
{
	if (!same_external(held, fresh))
		return MAP_EVENT_ADDRESS_CHANGED;
	return again ? MAP_EVENT_REMAPPED : MAP_EVENT_RENEWED;
}

static int64_t renew_time(const struct map_result *r, int64_t granted_at)
{
	if (r->lifetime == 0)
		return CLOCK_NEVER; /* permanent (UPnP lease 0) */
	return granted_at + (int64_t)r->lifetime * USEC_PER_SEC / 2;
}

/* Waits for a signal, an announcement of a restart, or `until`. */
static void wait_for(struct keeper *k, int64_t until)
{
	if (sigwatch_poll(k->sw))
		return;
	struct loop_client clients[1 + PORTMAP_WATCH_LOOPS] = {sigwatch_loop(k->sw)};
	for (size_t i = 0; i < k->n_watch; i++)
		clients[1 + i] = k->watch[i];
	loop_run(clients, 1 + k->n_watch, until);
}

/* --check: a mapping made again (remapped, or to another external port) is
 * checked again, within the renewal's own deadline. */
static void check_again(struct portmap *pm, const struct map_check_options *check, enum map_event e,
			int64_t deadline, unsigned *round, struct map_result *held)
{
	if (!check || (e != MAP_EVENT_REMAPPED && e != MAP_EVENT_ADDRESS_CHANGED))
		return;
	struct map_check_options o = *check;
	o.deadline = deadline;
	o.round = ++*round; /* the first check was the mapping's own */
	map_check(pm, &o, held);
}

int map_keep(struct portmap *pm, struct map_result *r, int64_t timeout_us, struct sigwatch *sw,
	     bool *wake, const struct map_check_options *check, map_event_fn emit, void *ctx)
{
	struct keeper k = {.sw = sw, .wake = wake};
	portmap_on_restart(pm, on_restart, &k);
	k.n_watch = portmap_watch(pm, r->method, wake, k.watch);
	int64_t granted_at = clock_now_us();
	int64_t next = renew_time(r, granted_at);
	struct map_result held = *r;
	bool lost = false; /* its lifetime ran out unrenewed */
	unsigned round = check ? check->round : 0;
	for (;;) {
		*wake = false;
		k.restarted = false;
		wait_for(&k, next);
		if (sw->signo)
			break;
		int64_t now = clock_now_us();
		if (!k.restarted && now < next)
			continue;
		struct map_result fresh = held;
		int rc = portmap_renew(pm, now + timeout_us, &fresh);
		if (rc == 0) {
			enum map_event e = renewal_event(&held, &fresh, k.restarted || lost);
			held = fresh;
			granted_at = clock_now_us();
			next = renew_time(&held, granted_at);
			lost = false;
			check_again(pm, check, e, now + timeout_us, &round, &held);
			emit(ctx, e, &held);
		} else {
			fresh.method = held.method;
			bool now_lost = !lost && expired(&held, granted_at, clock_now_us());
			lost = lost || now_lost;
			emit(ctx, now_lost ? MAP_EVENT_LOST : MAP_EVENT_RENEW_FAILED, &fresh);
			next = clock_now_us() + retry_delay(&held, granted_at, clock_now_us());
		}
	}
	portmap_on_restart(pm, NULL, NULL);
	*r = held;
	int rc = portmap_unmap(pm, clock_now_us() + timeout_us, r);
	if (rc == 0)
		emit(ctx, MAP_EVENT_DELETED, r);
	return rc;
}
