// SPDX-License-Identifier: BSD-2-Clause
// Listening for the gateway's announcements: one socket on port 5350, datagrams from the gateway only.
#include "natctl/map/announce.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/map/pcp.h"
#include "natctl/net/net.h"

int announce_open(struct announce *a)
{
	a->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (a->fd < 0)
		return -errno;
	int one = 1;
	setsockopt(a->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(PCP_CLIENT_PORT)};
	if (bind(a->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		int e = errno;
		close(a->fd);
		a->fd = -1;
		return -e;
	}
	struct ip_mreq mreq;
	memset(&mreq, 0, sizeof(mreq));
	mreq.imr_multiaddr.s_addr = htonl(0xe0000001); /* 224.0.0.1 */
	memcpy(&mreq.imr_interface, a->env->local.ip, 4);
	/* all-hosts: usually joined already */
	setsockopt(a->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq));
	return 0;
}

void announce_close(struct announce *a)
{
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
}

bool announce_allow(struct announce_limit *l, int64_t now_us)
{
	if (l->acted && now_us - l->last_us < ANNOUNCE_MIN_INTERVAL_US) {
		l->suppressed++;
		return false;
	}
	l->acted = true;
	l->last_us = now_us;
	l->suppressed = 0;
	return true;
}

enum announce_verdict announce_judge(struct announce_limit *l, const struct epoch_track *t,
				     uint32_t epoch, int64_t now_us)
{
	if (epoch_consistent(t, epoch, now_us))
		return ANNOUNCE_CONSISTENT;
	return announce_allow(l, now_us) ? ANNOUNCE_RESTART : ANNOUNCE_SUPPRESSED;
}

static void on_announcement(struct announce *a, const struct endpoint *from, uint32_t epoch,
			    int64_t now)
{
	char src[ENDPOINT_STRLEN];
	endpoint_format(from, src);
	switch (announce_judge(&a->limit, a->epoch, epoch, now)) {
	case ANNOUNCE_CONSISTENT:
		trace_log(a->env->trace, "map: <- %s announcement, epoch %u", src, epoch);
		break;
	case ANNOUNCE_RESTART:
		trace_log(a->env->trace,
			  "map: <- %s announcement, epoch %u: the gateway may have restarted", src,
			  epoch);
		if (a->env->restarted)
			a->env->restarted(a->env->ctx, a->method);
		break;
	case ANNOUNCE_SUPPRESSED:
		trace_log(a->env->trace,
			  "map: <- %s announcement, epoch %u: inconsistent, ignored (%u since the "
			  "last renewal it caused)",
			  src, epoch, a->limit.suppressed);
		break;
	}
}

static void announce_readable(void *self, int fd, int64_t now)
{
	struct announce *a = self;
	uint8_t d[PCP_MAX_MESSAGE];
	for (int i = 0; i < 16; i++) {
		struct endpoint from;
		ssize_t n = udp_recv(fd, d, sizeof(d), &from);
		if (n < 0)
			return;
		uint32_t epoch;
		if (endpoint_same_ip(&from, &a->env->gateway) && a->epoch_of(d, (size_t)n, &epoch))
			on_announcement(a, &from, epoch, now);
	}
}

static size_t announce_fds(void *self, int *out, size_t max)
{
	struct announce *a = self;
	if (a->fd < 0 || max == 0)
		return 0;
	out[0] = a->fd;
	return 1;
}

static int64_t announce_next(void *self)
{
	(void)self;
	return CLOCK_NEVER;
}

static void announce_tick(void *self, int64_t now)
{
	(void)self;
	(void)now;
}

static bool announce_done(void *self)
{
	const struct announce *a = self;
	return *a->wake;
}

struct loop_client announce_loop(struct announce *a)
{
	return (struct loop_client){
		.self = a,
		.fds = announce_fds,
		.next_wakeup = announce_next,
		.on_readable = announce_readable,
		.on_tick = announce_tick,
		.done = announce_done,
	};
}

size_t announce_watch(struct announce *a, const struct announce *how, const bool *wake,
		      struct loop_client *out)
{
	if (a->fd < 0) {
		*a = *how;
		if (announce_open(a) < 0) {
			trace_log(a->env->trace,
				  "map: cannot listen for gateway announcements on port %u",
				  PCP_CLIENT_PORT);
			return 0;
		}
	}
	a->wake = wake;
	out[0] = announce_loop(a);
	return 1;
}
