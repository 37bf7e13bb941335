// SPDX-License-Identifier: BSD-2-Clause
// --on-change: the hook queue, its environment, and the one run at a time that the poll loop watches.
#include "natctl/map/map_hook.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natctl/base/clock.h"
#include "natctl/net/spawn.h"

extern char **environ;

#define HOOK_VARS     9
#define HOOK_FAILURES 8

/* What a hook run needs of an event: the mapping, not the whole result. */
struct hook_item {
	enum map_event e;
	enum map_method method;
	int protocol;
	struct endpoint gateway, internal, external;
	uint32_t lifetime;
};

struct hook_failure {
	struct hook_item item;
	char why[MAP_TEXT_MAX];
};

struct map_hook {
	char *command;
	int64_t bound_us;
	const struct trace *trace;
	struct spawn sp;
	struct hook_item queue[MAP_HOOK_QUEUE];
	size_t head, n;
	struct hook_item running;
	unsigned dropped; /* events that found the queue full */
	bool *wake;       /* set when a run fails, to end the loop's wait */
	struct hook_failure failures[HOOK_FAILURES];
	size_t n_failures;
};

struct map_hook *map_hook_open(const char *command, int64_t bound_us, const struct trace *trace)
{
	struct map_hook *h = calloc(1, sizeof(*h));
	if (!h || !(h->command = strdup(command))) {
		free(h);
		return NULL;
	}
	h->bound_us = bound_us;
	h->trace = trace;
	h->sp.pidfd = -1;
	return h;
}

bool map_hook_wants(enum map_event e)
{
	return e == MAP_EVENT_MAPPED || e == MAP_EVENT_REMAPPED || e == MAP_EVENT_ADDRESS_CHANGED ||
	       e == MAP_EVENT_LOST;
}

static void item_of(enum map_event e, const struct map_result *r, struct hook_item *it)
{
	*it = (struct hook_item){.e = e,
				 .method = r->method,
				 .protocol = r->protocol,
				 .gateway = r->gateway,
				 .internal = r->internal,
				 .external = r->external,
				 .lifetime = e == MAP_EVENT_LOST ? 0 : r->lifetime};
}

static void result_of(const struct hook_item *it, struct map_result *r)
{
	memset(r, 0, sizeof(*r));
	r->method = it->method;
	r->protocol = it->protocol;
	r->gateway = it->gateway;
	r->internal = it->internal;
	r->external = it->external;
	r->lifetime = it->lifetime;
}

size_t map_hook_environment(enum map_event e, const struct map_result *r, char (*out)[96], size_t n)
{
	char in[IP_STRLEN] = "", ext[IP_STRLEN] = "", gw[IP_STRLEN] = "";
	if (endpoint_is_set(&r->internal))
		endpoint_format_ip(&r->internal, in);
	if (endpoint_is_set(&r->external))
		endpoint_format_ip(&r->external, ext);
	if (endpoint_is_set(&r->gateway))
		endpoint_format_ip(&r->gateway, gw);
	uint32_t lifetime = e == MAP_EVENT_LOST ? 0 : r->lifetime;
	size_t k = 0;
#define VAR(...)                                             \
	do {                                                 \
		if (k < n)                                   \
			snprintf(out[k++], 96, __VA_ARGS__); \
	} while (0)
	VAR("NATCTL_EVENT=%s", map_event_name(e));
	VAR("NATCTL_METHOD=%s", map_method_name(r->method));
	VAR("NATCTL_TRANSPORT=%s", map_protocol_name(r->protocol));
	VAR("NATCTL_INTERNAL_ADDRESS=%s", in);
	VAR("NATCTL_INTERNAL_PORT=%u", r->internal.port);
	VAR("NATCTL_EXTERNAL_ADDRESS=%s", ext);
	VAR("NATCTL_EXTERNAL_PORT=%u", r->external.port);
	VAR("NATCTL_LIFETIME=%u", lifetime);
	VAR("NATCTL_GATEWAY=%s", gw);
#undef VAR
	return k;
}

static void note_failure(struct map_hook *h, const struct hook_item *it, const char *why)
{
	if (h->n_failures == HOOK_FAILURES)
		return; /* the report waits; more of the same adds nothing */
	struct hook_failure *f = &h->failures[h->n_failures++];
	f->item = *it;
	snprintf(f->why, sizeof(f->why), "--on-change for %s: %s", map_event_name(it->e), why);
	trace_log(h->trace, "map: %s", f->why);
	if (h->wake)
		*h->wake = true;
}

/* The environment of the hook: ours, without NATCTL_ variables someone
 * set before, then the event's. NULL when memory ran out. */
static const char **environment(const struct hook_item *it, char (*vars)[96])
{
	size_t n = 0, k = 0;
	while (environ && environ[n])
		n++;
	const char **envp = calloc(n + HOOK_VARS + 1, sizeof(*envp));
	if (!envp)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "NATCTL_", 7) != 0)
			envp[k++] = environ[i];
	struct map_result r;
	result_of(it, &r);
	size_t v = map_hook_environment(it->e, &r, vars, HOOK_VARS);
	for (size_t i = 0; i < v; i++)
		envp[k++] = vars[i];
	return envp;
}

static void start_next(struct map_hook *h)
{
	char vars[HOOK_VARS][96], why[MAP_TEXT_MAX];
	while (h->n > 0 && !spawn_running(&h->sp)) {
		h->running = h->queue[h->head];
		h->head = (h->head + 1) % MAP_HOOK_QUEUE;
		h->n--;
		const char *argv[] = {"/bin/sh", "-c", h->command, NULL};
		const char **envp = environment(&h->running, vars);
		int rc = envp ? spawn_start(&h->sp, argv, envp, clock_now_us() + h->bound_us)
			      : -ENOMEM;
		free(envp);
		if (rc == 0) {
			trace_log(h->trace, "map: --on-change for %s: started (pid %d)",
				  map_event_name(h->running.e), (int)h->sp.pid);
			return;
		}
		snprintf(why, sizeof(why), "not started: %s", strerror(-rc));
		note_failure(h, &h->running, why);
	}
}

/* A run ended: how, and the next one. */
static void advance(struct map_hook *h, int64_t now)
{
	char why[MAP_TEXT_MAX];
	spawn_check(&h->sp, now);
	if (h->sp.pid == 0 || !h->sp.finished)
		return;
	spawn_describe(&h->sp, why, sizeof(why));
	if (why[0])
		note_failure(h, &h->running, why);
	else
		trace_log(h->trace, "map: --on-change for %s: done", map_event_name(h->running.e));
	h->sp.pid = 0;
	start_next(h);
}

void map_hook_fire(struct map_hook *h, enum map_event e, const struct map_result *r)
{
	if (!h || !map_hook_wants(e))
		return;
	if (h->n == MAP_HOOK_QUEUE) {
		h->head = (h->head + 1) % MAP_HOOK_QUEUE; /* the oldest goes */
		h->n--;
		h->dropped++;
		trace_log(h->trace,
			  "map: --on-change: %u events dropped (the hook is slower than the changes)",
			  h->dropped);
	}
	item_of(e, r, &h->queue[(h->head + h->n) % MAP_HOOK_QUEUE]);
	h->n++;
	advance(h, clock_now_us());
	start_next(h);
}

bool map_hook_failure(struct map_hook *h, struct map_result *r)
{
	if (!h)
		return false;
	advance(h, clock_now_us());
	if (h->n_failures == 0)
		return false;
	struct hook_failure *f = &h->failures[0];
	result_of(&f->item, r);
	r->failure = FAILURE_SYSTEM;
	snprintf(r->error, sizeof(r->error), "%s", f->why);
	memmove(&h->failures[0], &h->failures[1], --h->n_failures * sizeof(h->failures[0]));
	return true;
}

void map_hook_drain(struct map_hook *h)
{
	if (!h)
		return;
	if (h->n)
		trace_log(h->trace, "map: --on-change: %zu queued events dropped at the end", h->n);
	h->n = 0;
	if (spawn_running(&h->sp)) {
		struct loop_client c = spawn_loop(&h->sp);
		h->sp.wake = NULL;
		h->wake = NULL;
		loop_run(&c, 1, CLOCK_NEVER); /* ends by its bound at the latest */
	}
	advance(h, clock_now_us());
}

void map_hook_close(struct map_hook *h)
{
	if (!h)
		return;
	spawn_stop(&h->sp);
	free(h->command);
	free(h);
}

/* ---- its loop client ---- */

static size_t hook_fds(void *self, int *out, size_t max)
{
	struct map_hook *h = self;
	struct loop_client c = spawn_loop(&h->sp);
	return c.fds(c.self, out, max);
}

static int64_t hook_next(void *self)
{
	struct map_hook *h = self;
	return spawn_running(&h->sp) ? spawn_loop(&h->sp).next_wakeup(&h->sp) : CLOCK_NEVER;
}

static void hook_readable(void *self, int fd, int64_t now)
{
	(void)fd;
	advance(self, now);
}

static void hook_tick(void *self, int64_t now)
{
	advance(self, now);
}

static bool hook_done(void *self)
{
	struct map_hook *h = self;
	return !spawn_running(&h->sp) || (h->sp.wake && *h->sp.wake);
}

struct loop_client map_hook_loop(struct map_hook *h, bool *wake)
{
	h->sp.wake = wake;
	h->wake = wake;
	return (struct loop_client){
		.self = h,
		.fds = hook_fds,
		.next_wakeup = hook_next,
		.on_readable = hook_readable,
		.on_tick = hook_tick,
		.done = hook_done,
	};
}
