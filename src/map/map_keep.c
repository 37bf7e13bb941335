// SPDX-License-Identifier: BSD-2-Clause
// Holding a mapping: renewals at half-life, re-mapping after a gateway restart, deletion on a signal.
#include "natctl/map/map_keep.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "natctl/base/buf.h"
#include "natctl/base/clock.h"
#include "natctl/map/natpmp_wire.h"
#include "natctl/net/net.h"
#include "natctl/map/pcp.h"

const char *map_event_name(enum map_event e)
{
	switch (e) {
	case MAP_EVENT_MAPPED: return "mapped";
	case MAP_EVENT_RENEWED: return "renewed";
	case MAP_EVENT_REMAPPED: return "remapped";
	case MAP_EVENT_FAILED: return "renew-failed";
	case MAP_EVENT_DELETED: return "deleted";
	}
	return "?";
}

/* Unsolicited NAT-PMP address announcements (RFC 6886 §3.2.1) and PCP
 * ANNOUNCEs (RFC 6887 §14.1.1) arrive at 224.0.0.1:5350 from the gateway. */
struct announce {
	int fd;
	struct portmap *pm;
	enum map_method method;
	bool *wake;
	bool restarted;
};

static int announce_open(struct announce *a)
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
	memcpy(&mreq.imr_interface, a->pm->local.ip, 4);
	setsockopt(a->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)); /* all-hosts: usually joined already */
	return 0;
}

/* The epoch an announcement carries, if it is one from our gateway. */
static bool announce_epoch(const uint8_t *d, size_t n, enum map_method m, uint32_t *epoch)
{
	if (m == MAP_NATPMP) {
		if (natpmp_check_response(d, n, NATPMP_OP_ADDRESS, 0) != 0)
			return false;
		*epoch = load_be32(d + 4);
		return true;
	}
	struct pcp_response r;
	if (pcp_decode_response(d, n, &r) != 0 || r.natpmp || r.opcode != PCP_OP_ANNOUNCE)
		return false;
	*epoch = r.epoch;
	return true;
}

static void announce_readable(void *self, int fd, int64_t now)
{
	struct announce *a = self;
	uint8_t d[PCP_MAX_MESSAGE];
	char src[ENDPOINT_STRLEN];
	for (int i = 0; i < 16; i++) {
		struct endpoint from;
		ssize_t n = udp_recv(fd, d, sizeof(d), &from);
		if (n < 0)
			return;
		uint32_t epoch;
		if (!endpoint_same_ip(&from, &a->pm->gateway) ||
		    !announce_epoch(d, (size_t)n, a->method, &epoch))
			continue;
		bool ok = epoch_observe(&a->pm->epochs[a->method == MAP_PCP ? 0 : 1], epoch, now);
		trace_log(a->pm->trace, "map: <- %s announcement, epoch %u%s",
			  endpoint_format(&from, src), epoch, ok ? "" : ": the gateway restarted");
		if (!ok) {
			a->restarted = true;
			*a->wake = true;
		}
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

static int64_t retry_delay(const struct map_result *r, int64_t granted_at, int64_t now)
{
	int64_t expiry = granted_at + (int64_t)r->lifetime * USEC_PER_SEC;
	int64_t d = (expiry - now) / 2;
	if (d < MAP_RETRY_MIN_US)
		d = MAP_RETRY_MIN_US;
	return d > MAP_RETRY_MAX_US ? MAP_RETRY_MAX_US : d;
}

static int64_t renew_time(const struct map_result *r, int64_t granted_at)
{
	if (r->lifetime == 0)
		return CLOCK_NEVER; /* permanent (UPnP lease 0) */
	return granted_at + (int64_t)r->lifetime * USEC_PER_SEC / 2;
}

/* Waits for a signal, an announcement of a restart, or `until`. */
static void wait_for(struct announce *a, struct sigwatch *sw, int64_t until)
{
	if (sigwatch_poll(sw))
		return;
	struct loop_client clients[2] = {sigwatch_loop(sw), {0}};
	size_t n = 1;
	if (a->fd >= 0) {
		clients[1] = (struct loop_client){
			.self = a,
			.fds = announce_fds,
			.next_wakeup = announce_next,
			.on_readable = announce_readable,
			.on_tick = announce_tick,
			.done = announce_done,
		};
		n = 2;
	}
	loop_run(clients, n, until);
}

int map_keep(struct portmap *pm, struct map_result *r, int64_t timeout_us, struct sigwatch *sw,
	     bool *wake, map_event_fn emit, void *ctx)
{
	struct announce a = {.fd = -1, .pm = pm, .method = r->method, .wake = wake};
	if (r->method != MAP_UPNP && announce_open(&a) < 0)
		trace_log(pm->trace, "map: cannot listen for gateway announcements on port %u",
			  PCP_CLIENT_PORT);
	int64_t granted_at = clock_now_us();
	int64_t next = renew_time(r, granted_at);
	struct map_result held = *r;
	for (;;) {
		*wake = false;
		a.restarted = false;
		wait_for(&a, sw, next);
		if (sw->signo)
			break;
		int64_t now = clock_now_us();
		if (!a.restarted && now < next)
			continue;
		struct map_result fresh = held;
		int rc = portmap_renew(pm, now + timeout_us, &fresh);
		bool restarted = a.restarted || pm->epoch_reset;
		if (rc == 0) {
			held = fresh;
			granted_at = clock_now_us();
			next = renew_time(&held, granted_at);
			emit(ctx, restarted ? MAP_EVENT_REMAPPED : MAP_EVENT_RENEWED, &held);
		} else {
			fresh.method = held.method;
			emit(ctx, MAP_EVENT_FAILED, &fresh);
			next = clock_now_us() + retry_delay(&held, granted_at, clock_now_us());
		}
	}
	if (a.fd >= 0)
		close(a.fd);
	*r = held;
	int rc = portmap_unmap(pm, clock_now_us() + timeout_us, r);
	if (rc == 0)
		emit(ctx, MAP_EVENT_DELETED, r);
	return rc;
}
