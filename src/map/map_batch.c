// SPDX-License-Identifier: BSD-2-Clause
// Many mappings at once: jobs spread over lanes (one client each, from the method's last discovery), all in one poll loop.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natctl/base/clock.h"
#include "natctl/base/text.h"
#include "natctl/map/map_run.h"

/*
 * A lane is a portmap of one adapter with parameters of its own: the run
 * and the adapter code of a single mapping, unchanged, once per job. Its
 * environment reports a restart to the main portmap's listener.
 */
struct map_lane {
	struct portmap pm;
	enum map_method m;
	size_t job; /* the job it runs; meaningful while busy */
	bool busy;
	struct map_result r;
};

struct map_batch {
	struct portmap *main;
	const struct map_job *jobs;
	struct map_result *out;
	size_t n, next, done, ok;
	int64_t deadline;
	struct map_lane *lanes;
	size_t n_lanes;
};

static void lane_close(struct map_lane *l)
{
	if (l->pm.m[l->m])
		l->pm.ops[l->m]->close(l->pm.m[l->m]);
	l->pm.m[l->m] = NULL;
}

/* Opens a lane of method m on main's environment; false if it cannot be had. */
static bool lane_open(struct map_lane *l, struct portmap *main, enum map_method m)
{
	const struct map_method_ops *ops = main->ops[m];
	memset(l, 0, sizeof(*l));
	l->m = m;
	l->pm.p = main->p;
	memcpy(l->pm.ops, main->ops, sizeof(l->pm.ops));
	l->pm.env = main->env; /* restarted() and its ctx stay the main portmap's */
	l->pm.env.p = &l->pm.p;
	l->pm.run.finished = true; /* idle */
	if (!ops->adopt || !main->m[m])
		return false;
	l->pm.m[m] = ops->open(&l->pm.env);
	if (l->pm.m[m] && ops->adopt(l->pm.m[m], main->m[m]))
		return true;
	lane_close(l);
	return false;
}

/* The job's parameters over the portmap's own (interface, gateway, --internal). */
static void apply_job(struct map_params *p, const struct map_job *j)
{
	p->op = j->op;
	p->methods = MAP_BIT(j->method);
	p->protocol = j->protocol;
	p->internal_port = j->internal_port;
	p->external_port = j->external_port;
	p->lifetime = j->lifetime;
	p->any = j->any;
	p->nonce = j->nonce;
	p->has_pinhole_id = j->has_pinhole_id;
	p->pinhole_id = j->pinhole_id;
}

static void lane_start(struct map_batch *b, struct map_lane *l, size_t job)
{
	apply_job(&l->pm.p, &b->jobs[job]);
	memset(&l->r, 0, sizeof(l->r));
	l->r.method = l->m;
	l->job = job;
	l->busy = true;
	struct map_run *run = map_run_init(&l->pm, &l->r, b->jobs[job].op, b->deadline);
	/* Straight to the operation, as a renewal: the discovery was the main portmap's. */
	map_run_present(run, l->m, run->start);
}

/* What a result needs that only the main portmap knows: the external
 * address learnt at discovery, when the answer did not carry one. */
static void finish_result(struct map_batch *b, const struct map_job *j, struct map_result *r)
{
	struct map_method_info info;
	if (r->ok && j->op == MAP_OP_ADD && !endpoint_is_set(&r->external)) {
		uint16_t port = r->external.port;
		portmap_info(b->main, j->method, &info);
		r->external = info.external;
		r->external.port = port;
	}
	r->method = j->method; /* a failure still names the method asked */
	b->ok += r->ok;
	b->done++;
}

static void lane_conclude(struct map_batch *b, struct map_lane *l)
{
	if (!l->pm.run.finished)
		map_run_settle(&l->pm.run);
	map_run_conclude(&l->pm.run);
	b->out[l->job] = l->r;
	finish_result(b, &b->jobs[l->job], &b->out[l->job]);
	l->busy = false;
}

/* The next job not yet started that a lane of method m can run. */
static bool next_job_for(struct map_batch *b, enum map_method m, size_t *job)
{
	for (size_t i = b->next; i < b->n; i++) {
		if (b->out[i].method == MAP_NONE && b->jobs[i].method == m) {
			b->out[i].method = m; /* taken */
			*job = i;
			return true;
		}
	}
	return false;
}

/* Runs first in every pass of the loop: a lane whose run ended gives its
 * result and takes the next job, which its run starts in the same pass. */
static void batch_tick(void *self, int64_t now)
{
	struct map_batch *b = self;
	(void)now;
	for (size_t i = 0; i < b->n_lanes; i++) {
		struct map_lane *l = &b->lanes[i];
		size_t job;
		if (l->busy && l->pm.run.finished)
			lane_conclude(b, l);
		if (!l->busy && next_job_for(b, l->m, &job))
			lane_start(b, l, job);
	}
	while (b->next < b->n && b->out[b->next].method != MAP_NONE)
		b->next++;
}

static int64_t batch_next(void *self)
{
	const struct map_batch *b = self;
	for (size_t i = 0; i < b->n_lanes; i++)
		if (b->lanes[i].busy && b->lanes[i].pm.run.finished)
			return 0; /* a result to take, a lane to refill: at once */
	return CLOCK_NEVER;
}

static size_t batch_fds(void *self, int *out, size_t max)
{
	(void)self;
	(void)out;
	(void)max;
	return 0;
}

static void batch_readable(void *self, int fd, int64_t now)
{
	(void)self;
	(void)fd;
	(void)now;
}

static bool batch_done(void *self)
{
	const struct map_batch *b = self;
	return b->done == b->n;
}

/* The batch's own client first, then each lane's adapter and run. */
static size_t batch_clients(struct map_batch *b, struct loop_client **out)
{
	size_t cap = 1 + b->n_lanes * (MAP_METHOD_LOOPS + 1), n = 0;
	struct loop_client *c = calloc(cap, sizeof(*c));
	if (!c)
		return 0;
	c[n++] = (struct loop_client){.self = b,
				      .fds = batch_fds,
				      .next_wakeup = batch_next,
				      .on_readable = batch_readable,
				      .on_tick = batch_tick,
				      .done = batch_done};
	for (size_t i = 0; i < b->n_lanes; i++)
		n += portmap_loops(&b->lanes[i].pm, c + n); /* its adapter, then its run */
	*out = c;
	return n;
}

/*
 * How many requests a method has in flight at once. An IGD serves one SOAP
 * call at a time (miniupnpd re-reads its whole ruleset for each, so a call
 * takes longer the more mappings it holds), while miniupnpc gives up on an
 * answer after 5 s: calls queued at the IGD beyond a few only time out
 * ("no valid HTTP answer") and add nothing to its pace. NAT-PMP and PCP
 * answers are one datagram each.
 */
static size_t lanes_for(enum map_method m)
{
	return m == MAP_UPNP ? PORTMAP_UPNP_LANES : PORTMAP_LANES;
}

/* Lanes for every method with jobs: as many as it has jobs, lanes_for() at most. */
static void open_lanes(struct map_batch *b)
{
	for (int m = 0; m < MAP_N_METHODS; m++) {
		size_t want = 0;
		for (size_t i = 0; i < b->n && want < lanes_for((enum map_method)m); i++)
			want += b->jobs[i].method == m;
		for (size_t k = 0; k < want; k++) {
			if (!lane_open(&b->lanes[b->n_lanes], b->main, (enum map_method)m))
				break;
			b->n_lanes++;
		}
	}
}

static bool has_lane(const struct map_batch *b, enum map_method m)
{
	for (size_t i = 0; i < b->n_lanes; i++)
		if (b->lanes[i].m == m)
			return true;
	return false;
}

/* A method without lanes runs its jobs through its own adapter, one by one. */
static void run_in_turn(struct map_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct map_job *j = &b->jobs[i];
		if (j->method < 0 || j->method >= MAP_N_METHODS || has_lane(b, j->method))
			continue;
		struct map_params asked = b->main->p;
		apply_job(&b->main->p, j);
		memset(&b->out[i], 0, sizeof(b->out[i]));
		b->out[i].method = j->method;
		b->out[i].external.port = j->external_port;
		map_run_direct(b->main, b->deadline, &b->out[i], j->op);
		b->main->p = asked;
		finish_result(b, j, &b->out[i]);
	}
}

/* A job the deadline came before: said so, in the result a run would give. */
static void not_started(struct map_batch *b, size_t i)
{
	const struct map_job *j = &b->jobs[i];
	struct map_result *r = &b->out[i];
	memset(r, 0, sizeof(*r));
	r->gateway = b->main->env.gateway;
	r->protocol = j->protocol;
	r->internal =
		endpoint_is_set(&b->main->p.internal) ? b->main->p.internal : b->main->env.local;
	r->internal.port = j->internal_port;
	r->external.port = j->external_port;
	r->family = b->main->p.family;
	snprintf(r->source, sizeof(r->source), "%s", b->main->env.source_why);
	r->failure = FAILURE_TIMEOUT;
	snprintf(r->error, sizeof(r->error), "%s: not asked before the deadline (%zu of %zu done)",
		 map_method_name(j->method), b->done, b->n);
	finish_result(b, j, r);
}

static void run_lanes(struct map_batch *b)
{
	struct loop_client *clients = NULL;
	size_t n = batch_clients(b, &clients);
	if (n)
		loop_run(clients, n, b->deadline);
	free(clients);
	for (size_t i = 0; i < b->n_lanes; i++)
		if (b->lanes[i].busy)
			lane_conclude(b, &b->lanes[i]);
	for (size_t i = 0; i < b->n; i++)
		if (b->out[i].method == MAP_NONE)
			not_started(b, i);
}

size_t portmap_batch(struct portmap *pm, const struct map_job *jobs, size_t n, int64_t deadline,
		     struct map_result *out)
{
	struct map_batch b = {.main = pm, .jobs = jobs, .out = out, .n = n, .deadline = deadline};
	for (size_t i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].method = MAP_NONE; /* not taken yet */
	}
	b.lanes = calloc((size_t)MAP_N_METHODS * PORTMAP_LANES, sizeof(*b.lanes));
	if (b.lanes)
		open_lanes(&b);
	run_in_turn(&b);
	if (b.n_lanes)
		run_lanes(&b);
	for (size_t i = 0; i < b.n_lanes; i++)
		lane_close(&b.lanes[i]);
	free(b.lanes);
	return b.ok;
}

/* ---- a set: the first mapping with discovery, the others in a batch ---- */

/* The method the rest of a set goes through: the one that made the first
 * mapping, else the best one there that refused it (a refusal may be the
 * port's alone); MAP_NONE when no method was there. */
static enum map_method set_method(const struct map_run *run, const struct map_result *first)
{
	if (first->ok)
		return first->method;
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (run->st[m] == MAP_MS_FAILED)
			return (enum map_method)m;
	return MAP_NONE;
}

/* Nothing was there to ask: each mapping fails as the first did. */
static void as_first(const struct map_result *first, const struct map_ask *a, struct map_result *r)
{
	*r = *first;
	r->protocol = a->protocol;
	r->internal.port = a->internal_port;
	r->external.port = a->external_port;
}

static struct map_job ask_job(const struct portmap *pm, const struct map_ask *a, enum map_method m)
{
	return (struct map_job){.op = pm->p.op,
				.method = m,
				.protocol = a->protocol,
				.internal_port = a->internal_port,
				.external_port = a->external_port,
				.lifetime = pm->p.lifetime,
				.any = pm->p.any,
				.has_pinhole_id = a->has_pinhole_id,
				.pinhole_id = a->pinhole_id};
}

/* One mapping's deletions through several methods, as one result: gone
 * if any removed it; warnings for the others that failed (not for one
 * that had nothing to delete), or every reason when none did. */
static void merge_deletes(const struct map_result *parts, size_t n, struct map_result *r)
{
	const struct map_result *ok = NULL;
	enum failure f = FAILURE_NONE;
	bool all_missing = true;
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		if (parts[i].ok && !ok)
			ok = &parts[i];
		if (!parts[i].ok && parts[i].failure != FAILURE_NOT_FOUND) {
			all_missing = false;
			f = failure_merge(f, parts[i].failure);
		}
	}
	*r = ok ? *ok : parts[0];
	for (size_t i = 0; i < n; i++) {
		r->deleted_by |= parts[i].ok ? MAP_BIT(parts[i].method) : 0;
		if (parts[i].ok || (ok && parts[i].failure == FAILURE_NOT_FOUND))
			continue;
		if (ok)
			TEXT_LINES_ADD(r->warnings, r->n_warnings, "%s", parts[i].error);
		else if (len < sizeof(r->error))
			len += (size_t)snprintf(r->error + len, sizeof(r->error) - len, "%s%s",
						len ? "; " : "", parts[i].error);
	}
	if (!ok)
		r->failure = all_missing ? FAILURE_NOT_FOUND : f;
}

/* DELETE: each of the rest through every method that answered for the first. */
static void delete_rest(struct portmap *pm, const struct map_ask *asks, size_t n, unsigned tried,
			int64_t deadline, struct map_result *out)
{
	size_t per = (size_t)__builtin_popcount(tried), nj = 0;
	struct map_job *jobs = calloc(n * per, sizeof(*jobs));
	struct map_result *parts = calloc(n * per, sizeof(*parts));
	for (size_t i = 0; jobs && parts && i < n; i++)
		for (int m = 0; m < MAP_N_METHODS; m++)
			if (tried & MAP_BIT(m))
				jobs[nj++] = ask_job(pm, &asks[i], (enum map_method)m);
	if (jobs && parts) {
		portmap_batch(pm, jobs, nj, deadline, parts);
		for (size_t i = 0; i < n; i++)
			merge_deletes(&parts[i * per], per, &out[i]);
	}
	free(jobs);
	free(parts);
}

static void add_rest(struct portmap *pm, const struct map_ask *asks, size_t n, enum map_method m,
		     int64_t deadline, struct map_result *out)
{
	struct map_job *jobs = calloc(n, sizeof(*jobs));
	if (!jobs)
		return;
	for (size_t i = 0; i < n; i++)
		jobs[i] = ask_job(pm, &asks[i], m);
	portmap_batch(pm, jobs, n, deadline, out);
	free(jobs);
}

size_t portmap_run_set(struct portmap *pm, const struct map_ask *asks, size_t n, int64_t deadline,
		       struct map_result *out)
{
	struct map_params asked = pm->p;
	size_t ok = 0;
	if (n == 0)
		return 0;
	pm->p.protocol = asks[0].protocol;
	pm->p.internal_port = asks[0].internal_port;
	pm->p.external_port = asks[0].external_port;
	pm->p.has_pinhole_id = asks[0].has_pinhole_id;
	pm->p.pinhole_id = asks[0].pinhole_id;
	portmap_run(pm, deadline, &out[0]);
	unsigned tried = 0;
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (pm->run.st[m] == MAP_MS_OK || pm->run.st[m] == MAP_MS_FAILED)
			tried |= MAP_BIT(m);
	enum map_method m = set_method(&pm->run, &out[0]);
	for (size_t i = 1; i < n; i++)
		as_first(&out[0], &asks[i], &out[i]);
	if (asked.op == MAP_OP_DELETE && tried)
		delete_rest(pm, asks + 1, n - 1, tried, deadline, out + 1);
	else if (asked.op == MAP_OP_ADD && m != MAP_NONE)
		add_rest(pm, asks + 1, n - 1, m, deadline, out + 1);
	pm->p = asked;
	for (size_t i = 0; i < n; i++)
		ok += out[i].ok;
	return ok;
}
