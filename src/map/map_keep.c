// SPDX-License-Identifier: BSD-2-Clause
// Holding mappings: renewals at half-life in batches, re-mapping after a gateway restart or a loss, hooks, and deletion on a signal.
#include "natctl/map/map_keep.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natctl/base/clock.h"
#include "natctl/map/map_ledger.h"

/* One mapping held. */
struct held {
	struct map_result r; /* as last granted */
	int64_t granted_at;  /* monotonic */
	int64_t next;        /* when to renew it, or try again */
	unsigned failures;   /* renewals failed in a row */
	bool lost;           /* its lease ran out unrenewed */
	bool live;           /* held at all (false: it failed at the start) */
};

struct keeper {
	struct portmap *pm;
	const struct map_keep_options *o;
	struct held *h;
	size_t n;
	unsigned restarted;                /* MAP_BIT()s of the methods whose gateway restarted */
	int64_t restart_at[MAP_N_METHODS]; /* when each was last noticed */
	unsigned round;                    /* --check: the checks of this run so far */
	/* Scratch for one round: the due mappings, their jobs and results. */
	size_t *due, *job_of;
	struct map_job *jobs;
	struct map_result *fresh;
};

static void on_restart(void *ctx, enum map_method m)
{
	struct keeper *k = ctx;
	k->restarted |= MAP_BIT(m);
	k->restart_at[m] = clock_now_us();
	*k->o->wake = true;
}

static int64_t renew_time(const struct held *h)
{
	if (h->r.lifetime == 0)
		return CLOCK_NEVER; /* permanent (UPnP lease 0) */
	return h->granted_at + (int64_t)h->r.lifetime * USEC_PER_SEC / 2;
}

static int64_t expiry(const struct held *h)
{
	return h->r.lifetime ? h->granted_at + (int64_t)h->r.lifetime * USEC_PER_SEC : CLOCK_NEVER;
}

/* 2 s, 4 s, 8 s... a minute at most; before the lease ends, never past its end. */
static int64_t retry_at(const struct held *h, int64_t now)
{
	int64_t d = MAP_RETRY_MIN_US;
	for (unsigned i = 1; i < h->failures && d < MAP_RETRY_MAX_US; i++)
		d *= 2;
	d = d < MAP_RETRY_MAX_US ? d : MAP_RETRY_MAX_US;
	int64_t end = expiry(h);
	return !h->lost && end > now && end < now + d ? end : now + d;
}

/* What a successful renewal is to a reader of the events. */
static enum map_event renewal_event(const struct map_result *held, const struct map_result *fresh,
				    bool again)
{
	bool known = endpoint_is_set(&held->external) && endpoint_is_set(&fresh->external);
	if (again || held->external.port != fresh->external.port || held->method != fresh->method)
		return MAP_EVENT_REMAPPED;
	if (known && !endpoint_same_ip(&held->external, &fresh->external))
		return MAP_EVENT_ADDRESS_CHANGED;
	return MAP_EVENT_RENEWED;
}

static void emit(struct keeper *k, enum map_event e, const struct map_result *r)
{
	k->o->emit(k->o->ctx, e, r);
	map_hook_fire(k->o->hook, e, r);
}

/* --check: a mapping made again (remapped, or to another address) is
 * checked again, within the renewal's own deadline. */
static void check_again(struct keeper *k, enum map_event e, int64_t deadline, struct map_result *r)
{
	if (!k->o->check || (e != MAP_EVENT_REMAPPED && e != MAP_EVENT_ADDRESS_CHANGED))
		return;
	struct map_check_options c = *k->o->check;
	c.deadline = deadline;
	c.round = ++k->round; /* the first check was the mapping's own */
	map_check(k->pm, &c, r);
}

/* ---- waiting ---- */

/* Waits for a signal, an announcement of a restart, a hook, or `until`. */
static void wait_for(struct keeper *k, int64_t until)
{
	struct loop_client c[2 + MAP_N_METHODS * PORTMAP_WATCH_LOOPS];
	size_t n = 0;
	unsigned watched = 0;
	if (sigwatch_poll(k->o->sw))
		return;
	c[n++] = sigwatch_loop(k->o->sw);
	for (size_t i = 0; i < k->n; i++) {
		enum map_method m = k->h[i].r.method;
		if (!k->h[i].live || m == MAP_NONE || (watched & MAP_BIT(m)))
			continue;
		watched |= MAP_BIT(m);
		n += portmap_watch(k->pm, m, k->o->wake, c + n);
	}
	if (k->o->hook)
		c[n++] = map_hook_loop(k->o->hook, k->o->wake);
	loop_run(c, n, until);
}

static int64_t next_due(const struct keeper *k)
{
	int64_t at = CLOCK_NEVER;
	for (size_t i = 0; i < k->n; i++)
		if (k->h[i].live)
			at = clock_min(at, k->h[i].next);
	return at;
}

static void report_hooks(struct keeper *k)
{
	struct map_result r;
	while (map_hook_failure(k->o->hook, &r))
		k->o->emit(k->o->ctx, MAP_EVENT_HOOK_FAILED, &r);
}

/* ---- one round of renewals ---- */

/* The method of preference among `present`, MAP_NONE if none. */
static enum map_method best_of(unsigned present)
{
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (present & MAP_BIT(m))
			return (enum map_method)m;
	return MAP_NONE;
}

/* The renewal (or re-mapping) of h through m: the port it has, and the
 * same parameters as at the start. */
static void renewal_job(const struct keeper *k, const struct held *h, enum map_method m,
			struct map_job *j)
{
	*j = (struct map_job){
		.op = MAP_OP_ADD,
		.method = m,
		.protocol = h->r.protocol,
		.internal_port = h->r.internal.port,
		.external_port = h->r.external.port,
		.lifetime = k->o->lifetime,
		.any = k->o->any,
		.has_pinhole_id = h->r.has_pinhole_id,
		.pinhole_id = h->r.pinhole_id,
	};
}

/* A renewal succeeded: the event it is, the check, the hook, the state. */
static void renewed(struct keeper *k, struct held *h, bool again, struct map_result *fresh,
		    int64_t deadline)
{
	struct map_result old = h->r;
	enum map_event e = renewal_event(&old, fresh, again);
	h->r = *fresh;
	h->granted_at = clock_now_us();
	h->next = renew_time(h);
	h->failures = 0;
	h->lost = false;
	check_again(k, e, deadline, &h->r);
	emit(k, e, &h->r);
	bool moved = old.external.port != h->r.external.port || old.method != h->r.method;
	map_ledger_update(k->o->state, &h->r, 1, &old, moved ? 1 : 0);
}

/* A renewal failed: the event names the mapping held, with why. */
static void not_renewed(struct keeper *k, struct held *h, const struct map_result *fresh,
			int64_t now)
{
	struct map_result ev = h->r;
	ev.ok = false;
	ev.failure = fresh->failure != FAILURE_NONE ? fresh->failure : FAILURE_NO_ANSWER;
	memcpy(ev.error, fresh->error, sizeof(ev.error));
	memcpy(ev.errors, fresh->errors, sizeof(ev.errors));
	ev.n_errors = fresh->n_errors;
	ev.n_warnings = 0;
	ev.check.asked = false;
	h->failures++;
	if (!h->lost && now >= expiry(h)) {
		h->lost = true;
		emit(k, MAP_EVENT_LOST, &ev);
	} else {
		emit(k, MAP_EVENT_RENEW_FAILED, &ev);
	}
	h->next = retry_at(h, now);
}

/* The due mappings, and the methods to discover again first: those whose
 * gateway restarted, and every one the portmap may use when a mapping was
 * lost. A mapping made again since the restart was noticed is not due. */
static size_t collect_due(struct keeper *k, int64_t now, unsigned restarted, unsigned *rediscover)
{
	size_t nd = 0;
	*rediscover = restarted;
	for (size_t i = 0; i < k->n; i++) {
		const struct held *h = &k->h[i];
		enum map_method m = h->r.method;
		bool again = (restarted & MAP_BIT(m)) && h->granted_at < k->restart_at[m];
		if (!h->live || (now < h->next && !again))
			continue;
		if (h->lost)
			*rediscover |= k->o->methods;
		k->due[nd++] = i;
	}
	return nd;
}

/* The jobs for the due mappings: through the method each has, or for a
 * lost one the best that answered; none when that is not there. */
static size_t plan_jobs(struct keeper *k, size_t nd, unsigned present)
{
	size_t nj = 0;
	for (size_t d = 0; d < nd; d++) {
		const struct held *h = &k->h[k->due[d]];
		enum map_method m = h->lost ? best_of(present & k->o->methods) : h->r.method;
		k->job_of[d] = SIZE_MAX;
		if (m == MAP_NONE || !(present & MAP_BIT(m)))
			continue;
		k->job_of[d] = nj;
		renewal_job(k, h, m, &k->jobs[nj++]);
	}
	return nj;
}

static void renew_round(struct keeper *k, int64_t now, unsigned restarted)
{
	unsigned rediscover, present = MAP_ALL_METHODS;
	int64_t deadline = now + k->o->timeout_us;
	size_t nd = collect_due(k, now, restarted, &rediscover);
	struct map_result disc;
	if (nd == 0)
		return;
	memset(&disc, 0, sizeof(disc));
	if (rediscover)
		present = portmap_discover(k->pm, rediscover, deadline, &disc);
	size_t nj = plan_jobs(k, nd, present);
	portmap_batch(k->pm, k->jobs, nj, deadline, k->fresh);
	for (size_t d = 0; d < nd; d++) {
		struct held *h = &k->h[k->due[d]];
		enum map_method m = h->r.method;
		/* made again: lost, or its gateway restarted (noticed before or
		 * during this round, in the renewal's own answer too) */
		bool again = h->lost || k->restart_at[m] > now || (restarted & MAP_BIT(m));
		struct map_result *f = k->job_of[d] != SIZE_MAX ? &k->fresh[k->job_of[d]] : &disc;
		if (f->ok)
			renewed(k, h, again, f, deadline);
		else
			not_renewed(k, h, f, clock_now_us());
	}
}

/* ---- the end ---- */

/* Deletes every mapping held; 0 if all are gone. */
static int delete_all(struct keeper *k)
{
	size_t nj = 0;
	int rc = 0;
	for (size_t i = 0; i < k->n; i++) {
		const struct held *h = &k->h[i];
		if (!h->live)
			continue;
		k->due[nj] = i;
		k->jobs[nj++] = (struct map_job){.op = MAP_OP_DELETE,
						 .method = h->r.method,
						 .protocol = h->r.protocol,
						 .internal_port = h->r.internal.port,
						 .external_port = h->r.external.port,
						 .nonce = h->r.has_nonce ? h->r.nonce : NULL,
						 .has_pinhole_id = h->r.has_pinhole_id,
						 .pinhole_id = h->r.pinhole_id};
	}
	portmap_batch(k->pm, k->jobs, nj, clock_now_us() + k->o->timeout_us, k->fresh);
	for (size_t j = 0; j < nj; j++) {
		struct held *h = &k->h[k->due[j]];
		struct map_result *f = &k->fresh[j];
		/* Nothing of it left is what the deletion was for. */
		bool gone = f->ok || f->failure == FAILURE_NOT_FOUND;
		if (gone) {
			f->external = h->r.external;
			f->internal = h->r.internal;
			f->protocol = h->r.protocol;
			f->description[0] = '\0';
			f->check.asked = false;
			if (!f->ok) {
				f->ok = true;
				f->failure = FAILURE_NONE;
				f->error[0] = '\0';
				f->n_errors = 0;
				snprintf(f->warnings[0], sizeof(f->warnings[0]),
					 "the gateway no longer had it");
				f->n_warnings = 1;
			}
			map_ledger_update(k->o->state, NULL, 0, &h->r, 1);
		} else {
			rc = -1;
			f->failure = f->failure != FAILURE_NONE ? f->failure : FAILURE_NO_ANSWER;
		}
		k->o->emit(k->o->ctx, gone ? MAP_EVENT_DELETED : MAP_EVENT_FAILED, f);
		h->r = *f;
	}
	return rc;
}

static bool keeper_init(struct keeper *k, struct portmap *pm, struct map_result *held, size_t n,
			const struct map_keep_options *o)
{
	memset(k, 0, sizeof(*k));
	k->pm = pm;
	k->o = o;
	k->n = n;
	k->h = calloc(n, sizeof(*k->h));
	k->due = calloc(n, sizeof(*k->due));
	k->job_of = calloc(n, sizeof(*k->job_of));
	k->jobs = calloc(n, sizeof(*k->jobs));
	k->fresh = calloc(n, sizeof(*k->fresh));
	if (!k->h || !k->due || !k->job_of || !k->jobs || !k->fresh)
		return false;
	int64_t now = clock_now_us();
	for (size_t i = 0; i < n; i++) {
		k->h[i].r = held[i];
		k->h[i].live = held[i].ok;
		k->h[i].granted_at = now;
		k->h[i].next = renew_time(&k->h[i]);
	}
	return true;
}

static void keeper_free(struct keeper *k, struct map_result *held)
{
	if (k->h)
		for (size_t i = 0; i < k->n; i++)
			held[i] = k->h[i].r;
	free(k->h);
	free(k->due);
	free(k->job_of);
	free(k->jobs);
	free(k->fresh);
}

int map_keep(struct portmap *pm, struct map_result *held, size_t n,
	     const struct map_keep_options *o)
{
	struct keeper k;
	int rc = -1;
	if (!keeper_init(&k, pm, held, n, o)) {
		keeper_free(&k, held);
		return -1;
	}
	portmap_on_restart(pm, on_restart, &k);
	for (size_t i = 0; i < n; i++)
		if (k.h[i].live)
			emit(&k, MAP_EVENT_MAPPED, &k.h[i].r);
	for (;;) {
		*o->wake = false;
		/* A restart noticed in the last round's answers is handled at once. */
		wait_for(&k, k.restarted ? 0 : next_due(&k));
		report_hooks(&k);
		if (o->sw->signo)
			break;
		unsigned restarted = k.restarted;
		k.restarted = 0;
		renew_round(&k, clock_now_us(), restarted);
		report_hooks(&k);
	}
	portmap_on_restart(pm, NULL, NULL);
	rc = delete_all(&k);
	map_hook_drain(o->hook);
	report_hooks(&k);
	keeper_free(&k, held);
	return rc;
}
