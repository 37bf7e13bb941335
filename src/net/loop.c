// SPDX-License-Identifier: BSD-2-Clause
// The poll loop shared by every protocol client, cut at one deadline.
#include "natctl/net/loop.h"

#include <errno.h>

#include "natctl/base/clock.h"

static bool all_done(const struct loop_client *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!c[i].done(c[i].self))
			return false;
	return true;
}

/* Collects every client's fds; owner[i] says whose pollfd i is. */
static size_t gather_fds(const struct loop_client *c, size_t n, struct pollfd *pfd, size_t *owner)
{
	size_t count = 0;
	for (size_t i = 0; i < n && count < LOOP_MAX_FDS; i++) {
		if (c[i].done(c[i].self))
			continue;
		int fds[LOOP_MAX_FDS];
		size_t k = c[i].fds(c[i].self, fds, LOOP_MAX_FDS - count);
		for (size_t j = 0; j < k; j++) {
			pfd[count] = (struct pollfd){.fd = fds[j], .events = POLLIN};
			owner[count++] = i;
		}
		if (!c[i].write_fds)
			continue;
		k = c[i].write_fds(c[i].self, fds, LOOP_MAX_FDS - count);
		for (size_t j = 0; j < k; j++) {
			pfd[count] = (struct pollfd){.fd = fds[j], .events = POLLOUT};
			owner[count++] = i;
		}
	}
	return count;
}

static int64_t next_wakeup(const struct loop_client *c, size_t n, int64_t deadline)
{
	int64_t at = deadline;
	for (size_t i = 0; i < n; i++)
		if (!c[i].done(c[i].self))
			at = clock_min(at, c[i].next_wakeup(c[i].self));
	return at;
}

/* Input and errors go to on_readable, except on a write-only watch. */
static void dispatch(const struct loop_client *c, const struct pollfd *p, int64_t now)
{
	if (c->done(c->self) || !p->revents)
		return;
	if (p->events == POLLOUT)
		c->on_writable(c->self, p->fd, now);
	else
		c->on_readable(c->self, p->fd, now);
}

/* Ticks run after every input has been read, so a timer never decides
 * "no answer" while the answer waits unread in a socket. */
static void tick_all(const struct loop_client *c, size_t n, int64_t now)
{
	for (size_t i = 0; i < n; i++)
		if (!c[i].done(c[i].self))
			c[i].on_tick(c[i].self, now);
}

enum loop_result loop_run(struct loop_client *c, size_t n, int64_t deadline)
{
	struct pollfd pfd[LOOP_MAX_FDS];
	size_t owner[LOOP_MAX_FDS];
	int64_t now = clock_now_us();
	tick_all(c, n, now);
	for (;;) {
		if (all_done(c, n))
			return LOOP_DONE;
		if (now >= deadline)
			return LOOP_DEADLINE;
		size_t count = gather_fds(c, n, pfd, owner);
		int timeout = clock_poll_timeout_ms(next_wakeup(c, n, deadline), now);
		int rc = poll(pfd, count, timeout);
		if (rc < 0 && errno != EINTR)
			return LOOP_ERROR;
		now = clock_now_us();
		for (size_t k = 0; rc > 0 && k < count; k++)
			dispatch(&c[owner[k]], &pfd[k], now);
		tick_all(c, n, now);
	}
}
