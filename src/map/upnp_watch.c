// SPDX-License-Identifier: BSD-2-Clause
// The IGD's SSDP NOTIFYs while --keep holds UPnP mappings: a reboot seen as a new BOOTID.UPNP.ORG, or alive again after byebye.
#include "natctl/map/upnp_watch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/net/net.h"

bool upnp_watch_rebooted(struct upnp_watch *w, const struct ssdp_notify *n)
{
	if (!n->alive) {
		w->left = true; /* its mappings may go with it: wait for it to come back */
		return false;
	}
	bool rebooted = w->left || (n->has_bootid && w->have_bootid && n->bootid != w->bootid);
	w->left = false;
	if (n->has_bootid) {
		w->have_bootid = true;
		w->bootid = n->bootid;
	}
	return rebooted;
}

static int watch_open(struct upnp_watch *w)
{
	w->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (w->fd < 0)
		return -errno;
	int one = 1;
	setsockopt(w->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(SSDP_PORT)};
	struct ip_mreq mreq;
	memset(&mreq, 0, sizeof(mreq));
	inet_pton(AF_INET, SSDP_MULTICAST_V4, &mreq.imr_multiaddr);
	memcpy(&mreq.imr_interface, w->env->search_local.ip, 4);
	if (bind(w->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    setsockopt(w->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) < 0) {
		int e = errno;
		upnp_watch_close(w);
		return -e;
	}
	return 0;
}

void upnp_watch_close(struct upnp_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

static void on_notify(struct upnp_watch *w, const struct ssdp_notify *n, int64_t now)
{
	char src[IP_STRLEN];
	endpoint_format_ip(&w->igd, src);
	if (!upnp_watch_rebooted(w, n)) {
		trace_log(w->env->trace, "map: <- %s SSDP NOTIFY %s", src,
			  n->alive ? "ssdp:alive" : "ssdp:byebye");
		return;
	}
	if (!announce_allow(&w->limit, now)) {
		trace_log(w->env->trace,
			  "map: <- %s SSDP NOTIFY: back from a reboot, ignored (%u since the last "
			  "re-mapping it caused)",
			  src, w->limit.suppressed);
		return;
	}
	trace_log(w->env->trace, "map: <- %s SSDP NOTIFY, BOOTID %u: the IGD rebooted", src,
		  n->bootid);
	if (w->env->restarted)
		w->env->restarted(w->env->ctx, MAP_UPNP);
}

static void watch_readable(void *self, int fd, int64_t now)
{
	struct upnp_watch *w = self;
	char d[SSDP_MAX_MESSAGE + 1];
	for (int i = 0; i < 64; i++) {
		struct endpoint from;
		struct ssdp_notify n;
		ssize_t len = udp_recv(fd, d, sizeof(d), &from);
		if (len < 0)
			return;
		/* Only the IGD speaks for itself; anything else on the group is another's. */
		if (endpoint_same_ip(&from, &w->igd) && ssdp_parse_notify(d, (size_t)len, &n) == 0)
			on_notify(w, &n, now);
	}
}

static size_t watch_fds(void *self, int *out, size_t max)
{
	struct upnp_watch *w = self;
	if (w->fd < 0 || max == 0)
		return 0;
	out[0] = w->fd;
	return 1;
}

static int64_t watch_next(void *self)
{
	(void)self;
	return CLOCK_NEVER;
}

static void watch_tick(void *self, int64_t now)
{
	(void)self;
	(void)now;
}

static bool watch_done(void *self)
{
	const struct upnp_watch *w = self;
	return *w->wake;
}

size_t upnp_watch_start(struct upnp_watch *w, const struct map_env *env, const struct endpoint *igd,
			bool bootid_known, uint32_t bootid, const bool *wake,
			struct loop_client *out)
{
	if (w->fd < 0) {
		memset(w, 0, sizeof(*w));
		w->fd = -1;
		w->env = env;
		w->igd = *igd;
		w->have_bootid = bootid_known;
		w->bootid = bootid;
		int rc = watch_open(w);
		if (rc < 0) {
			trace_log(env->trace,
				  "map: cannot listen for the IGD's SSDP NOTIFYs on port %u: %s",
				  SSDP_PORT, strerror(-rc));
			return 0;
		}
	}
	w->wake = wake;
	out[0] = (struct loop_client){
		.self = w,
		.fds = watch_fds,
		.next_wakeup = watch_next,
		.on_readable = watch_readable,
		.on_tick = watch_tick,
		.done = watch_done,
	};
	return 1;
}
