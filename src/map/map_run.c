// SPDX-License-Identifier: BSD-2-Clause
// One port-mapping run: the methods' states, the choice of method, and what the adapters report.
#include "natctl/map/map_run.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "natctl/base/clock.h"
#include "natctl/base/text.h"

/* ------------------------------------------------------------ what adapters report */

static void set_why_v(struct map_run *run, enum map_method m, enum map_mstate st, enum failure why,
		      const char *fmt, va_list ap)
{
	vsnprintf(run->why[m], MAP_TEXT_MAX, fmt, ap);
	run->st[m] = st;
	run->fail[m] = why;
	trace_log(run->pm->env.trace, "map: %s: %s", map_method_name(m), run->why[m]);
}

static void set_why(struct map_run *run, enum map_method m, enum map_mstate st, enum failure why,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void set_why(struct map_run *run, enum map_method m, enum map_mstate st, enum failure why,
		    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_why_v(run, m, st, why, fmt, ap);
	va_end(ap);
}

enum map_op map_run_op(const struct map_run *run)
{
	return run->op;
}

int64_t map_run_deadline(const struct map_run *run)
{
	return run->deadline;
}

int64_t map_run_window_end(const struct map_run *run)
{
	return run->window_end;
}

void map_run_present(struct map_run *run, enum map_method m, int64_t now)
{
	run->st[m] = MAP_MS_PRESENT;
	run->present_at[m] = now;
}

void map_run_absent(struct map_run *run, enum map_method m, enum failure why, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_why_v(run, m, MAP_MS_ABSENT, why, fmt, ap);
	va_end(ap);
}

void map_run_failed(struct map_run *run, enum map_method m, enum failure why, int code,
		    const char *fmt, ...)
{
	va_list ap;
	if (code)
		run->code[m] = code;
	va_start(ap, fmt);
	set_why_v(run, m, MAP_MS_FAILED, why, fmt, ap);
	va_end(ap);
}

void map_run_not_found(struct map_run *run, enum map_method m, const char *fmt, ...)
{
	va_list ap;
	run->not_found[m] = true;
	va_start(ap, fmt);
	set_why_v(run, m, MAP_MS_FAILED, FAILURE_NOT_FOUND, fmt, ap);
	va_end(ap);
}

void map_run_note(struct map_run *run, enum map_method m, int code, const char *why)
{
	run->code[m] = code;
	text_copy(run->why[m], MAP_TEXT_MAX, why);
}

void map_run_done(struct map_run *run, enum map_method m)
{
	run->st[m] = MAP_MS_OK;
}

void map_run_deleted(struct map_run *run, enum map_method m, const struct endpoint *internal)
{
	run->deleted_internal = *internal;
	map_run_done(run, m);
}

void map_run_warn(struct map_run *run, const char *fmt, ...)
{
	struct map_result *r = run->r;
	va_list ap;
	va_start(ap, fmt);
	text_lines_vadd(&r->warnings[0][0], MAP_TEXT_MAX, MAP_MAX_WARNINGS, &r->n_warnings, fmt,
			ap);
	va_end(ap);
}

void map_run_fill_common(struct map_run *run, enum map_method m)
{
	struct map_result *r = run->r;
	const struct portmap *pm = run->pm;
	r->method = m;
	r->gateway = pm->env.gateway;
	r->protocol = pm->p.protocol;
	r->internal = endpoint_is_set(&pm->p.internal) ? pm->p.internal : pm->env.local;
	r->internal.port = pm->p.internal_port;
	snprintf(r->source, sizeof(r->source), "%s", pm->env.source_why);
	r->family = pm->p.family;
}

struct map_result *map_run_mapped(struct map_run *run, enum map_method m,
				  const struct endpoint *external, uint32_t lifetime)
{
	struct map_result *r = run->r;
	map_run_fill_common(run, m);
	r->external = *external;
	r->lifetime = lifetime;
	run->st[m] = MAP_MS_OK;
	/* A grant of the longest lifetime asked for is as good as permanent. */
	if (!run->pm->ops[m]->permanent && !run->pm->p.lifetime && lifetime < MAP_LONGEST_LIFETIME)
		map_run_warn(run, "%s has no permanent mappings: the gateway granted %u s",
			     map_method_title(m), lifetime);
	return r;
}

void map_run_offered(struct map_run *run, enum map_method m, uint16_t offered)
{
	const struct map_params *p = &run->pm->p;
	set_why(run, m, MAP_MS_FAILED, FAILURE_CONFLICT,
		"external port %u/%s is taken: the gateway offered %u (--any accepts it)",
		p->external_port, map_protocol_name(p->protocol), offered);
}

static const char *gw_text(const struct portmap *pm, char buf[ENDPOINT_STRLEN])
{
	return endpoint_format_ip(&pm->env.gateway, buf);
}

bool map_run_probe_answered(struct map_run *run, enum map_method m, struct request *rq,
			    uint16_t port, int64_t now)
{
	char gw[ENDPOINT_STRLEN];
	if (rq->state == REQUEST_PENDING && now >= run->window_end) {
		request_cancel(rq);
		char wait[16];
		text_seconds(wait, sizeof(wait), run->window_end - run->start);
		map_run_absent(run, m, FAILURE_NO_ANSWER, "no answer from %s:%u within %s s",
			       gw_text(run->pm, gw), port, wait);
	} else if (rq->state == REQUEST_FAILED) {
		/* Port unreachable is a gateway with no such server: silence, for a script. */
		if (rq->sys_error == -ECONNREFUSED)
			map_run_absent(run, m, FAILURE_NO_ANSWER,
				       "%s:%u: port unreachable (no %s server)",
				       gw_text(run->pm, gw), port, map_method_title(m));
		else
			map_run_absent(run, m, failure_of_errno(rq->sys_error), "%s:%u: %s",
				       gw_text(run->pm, gw), port, strerror(-rq->sys_error));
	}
	return rq->state == REQUEST_ANSWERED;
}

bool map_run_op_answered(struct map_run *run, enum map_method m, const struct request *rq)
{
	if (rq->state == REQUEST_FAILED) {
		map_run_failed(run, m, failure_of_errno(rq->sys_error), 0, "%s",
			       strerror(-rq->sys_error));
		return false;
	}
	return true;
}

bool map_env_for_other_host(const struct map_env *env)
{
	return endpoint_is_set(&env->p->internal) &&
	       !endpoint_same_ip(&env->p->internal, &env->local);
}

int64_t map_env_wait_us(const struct map_env *env)
{
	return env->p->wait_us > 0 ? env->p->wait_us : MAP_DEFAULT_WAIT_US;
}

uint32_t map_env_wire_lifetime(const struct map_env *env)
{
	return env->p->lifetime ? env->p->lifetime : MAP_LONGEST_LIFETIME;
}

bool map_env_epoch(const struct map_env *env, enum map_method m, struct epoch_track *t,
		   uint32_t epoch, int64_t now)
{
	bool ok = epoch_observe(t, epoch, now);
	if (!ok && env->restarted)
		env->restarted(env->ctx, m);
	return ok;
}

/* ------------------------------------------------------------ the run */

bool map_run_any(const struct map_run *run, enum map_mstate st)
{
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (run->st[m] == st)
			return true;
	return false;
}

static void probe_updates(struct map_run *run, int64_t now)
{
	struct portmap *pm = run->pm;
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (run->st[m] == MAP_MS_PROBING)
			pm->ops[m]->probe_update(pm->m[m], run, now);
}

/* A present method may go ahead once every better one has settled, or
 * has had its grace: as long again as this one took, 20 ms at least. */
static int64_t grace_end(const struct map_run *run, enum map_method m)
{
	int64_t took = run->present_at[m] - run->start;
	return run->present_at[m] + (took > MAP_GRACE_MIN_US ? took : MAP_GRACE_MIN_US);
}

static enum map_method next_candidate(const struct map_run *run, int64_t now)
{
	for (int m = 0; m < MAP_N_METHODS; m++) {
		if (run->st[m] != MAP_MS_PRESENT)
			continue;
		for (int b = 0; b < m; b++)
			if (run->st[b] == MAP_MS_PROBING &&
			    now < grace_end(run, (enum map_method)m))
				return MAP_NONE;
		return (enum map_method)m;
	}
	return MAP_NONE;
}

/* "PCP or UPnP": the methods that map for another host. */
static void third_party_methods(const struct portmap *pm, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = '\0';
	for (int m = 0; m < MAP_N_METHODS && len < cap; m++)
		if (pm->ops[m]->third_party)
			len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? " or " : "",
						map_method_title((enum map_method)m));
}

static void start_op(struct map_run *run, enum map_method m)
{
	struct portmap *pm = run->pm;
	if (!pm->ops[m]->third_party && map_env_for_other_host(&pm->env)) {
		char others[64];
		third_party_methods(pm, others, sizeof(others));
		set_why(run, m, MAP_MS_FAILED, FAILURE_REFUSED,
			"%s maps only to the host that asks (--internal needs %s)",
			map_method_title(m), others);
		return;
	}
	run->st[m] = MAP_MS_WORKING;
	trace_log(pm->env.trace, "map: using %s", map_method_name(m));
	pm->ops[m]->op_start(pm->m[m], run);
}

static void update_op(struct map_run *run, enum map_method m)
{
	run->pm->ops[m]->op_update(run->pm->m[m], run);
	if (run->op == MAP_OP_DELETE && run->st[m] == MAP_MS_OK) {
		run->found = true;
		run->r->deleted_by |= MAP_BIT(m);
	}
}

static void cancel_all(struct map_run *run)
{
	struct portmap *pm = run->pm;
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (pm->m[m])
			pm->ops[m]->cancel(pm->m[m]);
}

static void finish(struct map_run *run)
{
	run->finished = true;
	cancel_all(run);
}

/* The methods the gateway cache says are absent are not asked: absent,
 * with why (run->skipped). */
static void skip_cached_absent(struct map_run *run, const struct map_cache_entry *e)
{
	char age[32];
	if (run->pm->warm.upnp_only)
		return; /* IPv4's absences say nothing of IPv6 */
	map_cache_age(e, age, sizeof(age));
	for (int m = 0; m < MAP_N_METHODS; m++) {
		if (run->st[m] != MAP_MS_PROBING || e->seen[m] != MAP_SEEN_NO)
			continue;
		run->skipped |= MAP_BIT(m);
		map_run_absent(run, (enum map_method)m, e->absent[m],
			       "%s; not asked: so it was %s ago (the gateway cache; --no-cache asks)",
			       e->why[m][0]                          ? e->why[m]
			       : e->absent[m] == FAILURE_UNSUPPORTED ? "another protocol"
								     : "no answer",
			       age);
	}
}

/* Nothing asked is still there, or still being asked. */
static bool all_absent(const struct map_run *run)
{
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (run->st[m] != MAP_MS_ABSENT && run->st[m] != MAP_MS_OFF)
			return false;
	return true;
}

/* Once every method asked is absent: the ones the cache spared are asked
 * after all, with a wait of their own from now; false if there were none. */
static bool ask_skipped(struct map_run *run, int64_t now)
{
	struct portmap *pm = run->pm;
	if (!run->skipped || !all_absent(run))
		return false;
	trace_log(pm->env.trace, "cache: what answered before did not: asking every method");
	run->window_end = clock_min(run->deadline, now + map_env_wait_us(&pm->env));
	unsigned ask = run->skipped;
	run->skipped = 0;
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (ask & MAP_BIT(m)) {
			run->st[m] = MAP_MS_PROBING;
			run->why[m][0] = '\0';
		}
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (ask & MAP_BIT(m))
			pm->ops[m]->probe_start(pm->m[m], run);
	return true;
}

static void controller_tick(void *self, int64_t now)
{
	struct map_run *run = self;
	if (run->finished)
		return;
	probe_updates(run, now);
	if (ask_skipped(run, now))
		return;
	if (run->op == MAP_OP_EXTERNAL) {
		if (!map_run_any(run, MAP_MS_PROBING))
			finish(run);
		return;
	}
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (run->st[m] == MAP_MS_WORKING && !run->pm->ops[m]->op_busy(run->pm->m[m]))
			update_op(run, (enum map_method)m);
	if (map_run_any(run, MAP_MS_WORKING))
		return;
	/* ADD and LIST stop at the first success; DELETE goes through every method there. */
	if (run->op != MAP_OP_DELETE && map_run_any(run, MAP_MS_OK)) {
		finish(run);
		return;
	}
	enum map_method m = next_candidate(run, now);
	if (m != MAP_NONE) {
		start_op(run, m);
		/* An operation that ended as it started (a pinhole delete with no
		 * UniqueID, a job that could not start) leaves nothing to wake
		 * the loop: decide what follows now. */
		if (run->st[m] != MAP_MS_WORKING)
			controller_tick(self, now);
	} else if (!map_run_any(run, MAP_MS_PROBING) && !map_run_any(run, MAP_MS_PRESENT))
		finish(run);
}

static int64_t controller_next(void *self)
{
	struct map_run *run = self;
	int64_t at = CLOCK_NEVER;
	if (map_run_any(run, MAP_MS_PROBING))
		at = run->window_end;
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (run->st[m] == MAP_MS_PRESENT)
			at = clock_min(at, grace_end(run, (enum map_method)m));
	return at;
}

static size_t controller_fds(void *self, int *out, size_t max)
{
	(void)self;
	(void)out;
	(void)max;
	return 0;
}

static void controller_readable(void *self, int fd, int64_t now)
{
	(void)self;
	(void)fd;
	(void)now;
}

static bool controller_done(void *self)
{
	const struct map_run *run = self;
	return run->finished;
}

/* A step still in flight at the deadline: say what came instead of the
 * answer (forged or malformed answers), if anything did. */
static void settle_working(struct map_run *run, enum map_method m)
{
	const struct map_method_ops *ops = run->pm->ops[m];
	char what[MAP_TEXT_MAX] = "";
	if (ops->unfinished)
		ops->unfinished(run->pm->m[m], what, sizeof(what));
	if (what[0])
		set_why(run, m, MAP_MS_FAILED, FAILURE_BAD_ANSWER,
			"no valid answer within the deadline: %s", what);
	else
		set_why(run, m, MAP_MS_FAILED, FAILURE_TIMEOUT,
			"the gateway did not finish the request within the deadline");
}

void map_run_settle(struct map_run *run)
{
	char gw[ENDPOINT_STRLEN];
	for (int m = 0; m < MAP_N_METHODS; m++) {
		const struct map_method_ops *ops = run->pm->ops[m];
		const char *peer = ops && ops->peer ? ops->peer : gw_text(run->pm, gw);
		bool heard = ops && ops->heard && run->pm->m[m] && ops->heard(run->pm->m[m]);
		if (run->st[m] == MAP_MS_PROBING && heard)
			set_why(run, (enum map_method)m, MAP_MS_ABSENT, FAILURE_TIMEOUT,
				"%s answered, but did not finish within the deadline", peer);
		else if (run->st[m] == MAP_MS_PROBING)
			set_why(run, (enum map_method)m, MAP_MS_ABSENT, FAILURE_NO_ANSWER,
				"no answer from %s within the deadline", peer);
		else if (run->st[m] == MAP_MS_WORKING)
			settle_working(run, (enum map_method)m);
	}
	cancel_all(run);
}

static void collect_errors(struct map_run *run)
{
	struct map_result *r = run->r;
	r->n_errors = 0;
	for (int m = 0; m < MAP_N_METHODS; m++) {
		if ((run->st[m] != MAP_MS_FAILED && run->st[m] != MAP_MS_ABSENT) || !run->why[m][0])
			continue;
		struct map_method_error *e = &r->errors[r->n_errors++];
		e->method = (enum map_method)m;
		e->code = run->code[m];
		e->double_nat = run->pm->ops[m]->double_nat_symptom(run->code[m]);
		e->failure = run->fail[m];
		memcpy(e->text, run->why[m], MAP_TEXT_MAX);
	}
}

/* One line naming every method's failure; those that were tried, if any was. */
void map_run_compose_errors(struct map_run *run)
{
	struct map_result *r = run->r;
	size_t len = 0;
	collect_errors(run);
	bool any_tried = map_run_any(run, MAP_MS_FAILED);
	r->error[0] = '\0';
	for (size_t i = 0; i < r->n_errors && len < sizeof(r->error); i++) {
		if (any_tried && run->st[r->errors[i].method] != MAP_MS_FAILED)
			continue;
		len += (size_t)snprintf(r->error + len, sizeof(r->error) - len, "%s%s: %s",
					len ? "; " : "", map_method_name(r->errors[i].method),
					r->errors[i].text);
	}
}

static struct loop_client controller_loop(struct map_run *run)
{
	return (struct loop_client){
		.self = run,
		.fds = controller_fds,
		.next_wakeup = controller_next,
		.on_readable = controller_readable,
		.on_tick = controller_tick,
		.done = controller_done,
	};
}

size_t portmap_loops(struct portmap *pm, struct loop_client out[PORTMAP_LOOPS])
{
	size_t n = 0;
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (pm->m[m])
			n += pm->ops[m]->loops(pm->m[m], out + n);
	out[n++] = controller_loop(&pm->run);
	return n;
}

void map_run_loop(struct map_run *run)
{
	struct loop_client clients[PORTMAP_LOOPS];
	if (loop_run(clients, portmap_loops(run->pm, clients), run->deadline) != LOOP_DONE)
		map_run_settle(run);
}

struct map_run *map_run_init(struct portmap *pm, struct map_result *r, enum map_op op,
			     int64_t deadline)
{
	struct map_run *run = &pm->run;
	memset(run, 0, sizeof(*run));
	run->pm = pm;
	run->r = r;
	run->op = op;
	run->start = clock_now_us();
	run->deadline = deadline;
	run->window_end = clock_min(deadline, run->start + map_env_wait_us(&pm->env));
	return run;
}

/* From what the cache holds when it says the method answered, else afresh. */
static void start_probe(struct map_run *run, enum map_method m, const struct map_cache_entry *e)
{
	struct portmap *pm = run->pm;
	if (e && e->seen[m] == MAP_SEEN_YES && pm->ops[m]->warm_start)
		pm->ops[m]->warm_start(pm->m[m], run, e);
	else
		pm->ops[m]->probe_start(pm->m[m], run);
}

void map_run_start_probes(struct map_run *run, unsigned methods, const struct map_cache_entry *e)
{
	struct portmap *pm = run->pm;
	run->discovered = true;
	for (int m = 0; m < MAP_N_METHODS; m++)
		run->st[m] = pm->m[m] && (methods & MAP_BIT(m)) ? MAP_MS_PROBING : MAP_MS_OFF;
	if (e)
		skip_cached_absent(run, e);
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (run->st[m] == MAP_MS_PROBING)
			start_probe(run, (enum map_method)m, e);
}
