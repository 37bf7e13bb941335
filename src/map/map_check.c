// SPDX-License-Identifier: BSD-2-Clause
// map --check: the check engine on the mapping's own port, or on a companion UDP mapping, and what its answer means for the mapping.
#include "natctl/map/map_check.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/net/net.h"
#include "natctl/stun/stun_check.h"

static void set_reason(struct map_check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_reason(struct map_check *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
}

static void begin(struct map_check *c, const struct map_check_options *o)
{
	memset(c, 0, sizeof(*c));
	c->asked = true;
	c->reachable = NAT_TRI_UNKNOWN;
	c->server = o->server;
}

void map_check_not_run(struct map_result *r, const struct map_check_options *o, const char *why)
{
	begin(&r->check, o);
	set_reason(&r->check, "not checked: %s", why);
}

/* The engine on local (address and port), asking for the answer at external_port. */
static int check_port(const struct map_check_options *o, const struct endpoint *local,
		      uint16_t external_port, struct map_check *c)
{
	/* RFC 5780 §7.2 CHANGE-REQUEST: the alternate address and port, the
	 * alternate address, the alternate port, in turn. */
	static const uint32_t change[] = {STUN_CHANGE_IP | STUN_CHANGE_PORT, STUN_CHANGE_IP,
					  STUN_CHANGE_PORT};
	struct stun_check_options so = {
		.server = o->server,
		.local = *local,
		.external_port = external_port,
		.change = change[o->round % 3],
		.deadline = o->deadline,
		.trace = o->trace,
	};
	struct stun_check_result res;
	int rc = stun_check_run(&so, &res);
	if (rc < 0)
		return rc;
	c->reachable = res.reachable;
	c->port_checked = res.checked;
	set_reason(c, "%s", res.reason);
	return 0;
}

/* A UDP port of this host that nothing uses now; 0 if none could be had. */
static uint16_t free_udp_port(const struct endpoint *local)
{
	struct endpoint any = *local, bound;
	any.port = 0;
	int fd = udp_open(local->family, &any);
	if (fd < 0)
		return 0;
	int rc = socket_local(fd, &bound);
	close(fd);
	return rc == 0 ? bound.port : 0;
}

/* "; checked through ...": what a companion's answer does and does not prove. */
static void companion_note(struct map_check *c, const struct map_result *r, uint16_t port,
			   const char *why)
{
	size_t len = strlen(c->reason);
	snprintf(c->reason + len, sizeof(c->reason) - len,
		 "; checked through a companion UDP mapping of port %u, deleted after, because %s: "
		 "this shows that every NAT layer lets inbound UDP through to this host, not that "
		 "%s port %u itself is reachable",
		 port, why, map_protocol_name(r->protocol), r->internal.port);
}

static void delete_companion(struct portmap *pm, const struct map_check_options *o,
			     struct map_result *side, struct map_check *c)
{
	int64_t until = clock_now_us() + MAP_CHECK_CLEANUP_US;
	if (portmap_unmap(pm, until > o->deadline ? until : o->deadline, side) == 0)
		return;
	size_t len = strlen(c->reason);
	snprintf(c->reason + len, sizeof(c->reason) - len,
		 " (the companion mapping could not be deleted: %s; it expires in %u s)",
		 side->error, MAP_CHECK_COMPANION_LIFETIME);
}

/* The check through a temporary UDP mapping of a free port, made by the same method. */
static void check_companion(struct portmap *pm, const struct map_check_options *o,
			    struct map_result *r, const char *why)
{
	struct map_check *c = &r->check;
	struct endpoint local = r->internal;
	struct map_result side;
	local.port = free_udp_port(&r->internal);
	const struct map_params what = {
		.protocol = IPPROTO_UDP,
		.internal_port = local.port,
		.external_port = local.port,
		.lifetime = MAP_CHECK_COMPANION_LIFETIME,
		.description = "natctl check",
	};
	c->companion = true;
	if (local.port == 0) {
		set_reason(c, "no free UDP port for a companion mapping");
	} else if (portmap_add_via(pm, r->method, &what, o->deadline, &side) != 0) {
		set_reason(c, "the companion UDP mapping of port %u was not made: %s", local.port,
			   side.error);
	} else {
		int rc = check_port(o, &local, side.external.port, c);
		if (rc < 0)
			set_reason(c, "cannot listen on companion port %u: %s", local.port,
				   strerror(-rc));
		delete_companion(pm, o, &side, c);
	}
	companion_note(c, r, local.port, why);
}

/* The error of a mapping made but proven unreachable, naming what drops it. */
static void judge(struct map_result *r)
{
	const struct map_check *c = &r->check;
	char ext[IP_STRLEN], pub[IP_STRLEN];
	if (c->reachable != NAT_TRI_NO)
		return;
	r->failure = FAILURE_UNREACHABLE;
	if (endpoint_is_set(&r->external) && endpoint_is_set(&c->port_checked) &&
	    !endpoint_same_ip(&r->external, &c->port_checked))
		snprintf(r->error, sizeof(r->error),
			 "mapped, but unreachable from outside: %s; the gateway's external address %s "
			 "is not the public address %s: the NAT in front of the gateway has no mapping "
			 "for the port (forward it there too, or ask the ISP for a public address)",
			 c->reason, endpoint_format_ip(&r->external, ext),
			 endpoint_format_ip(&c->port_checked, pub));
	else
		snprintf(r->error, sizeof(r->error),
			 "mapped, but unreachable from outside: %s; something on the way drops it: a "
			 "firewall on this host or on the gateway, or a NAT in front of the gateway",
			 c->reason);
}

void map_check(struct portmap *pm, const struct map_check_options *o, struct map_result *r)
{
	struct map_check *c = &r->check;
	struct endpoint local, gateway;
	char ip[IP_STRLEN];
	begin(c, o);
	portmap_endpoints(pm, &local, &gateway);
	if (!endpoint_same_ip(&r->internal, &local)) {
		set_reason(c,
			   "the mapping points at another host (%s): only that host can listen for "
			   "the answer",
			   endpoint_format_ip(&r->internal, ip));
	} else if (!endpoint_is_set(&o->server)) {
		set_reason(c, "%s", o->no_server ? o->no_server : "no STUN server to check with");
	} else if (r->protocol != IPPROTO_UDP) {
		check_companion(pm, o, r, "TCP cannot be proven without a helper outside");
	} else {
		int rc = check_port(o, &r->internal, r->external.port, c);
		char why[64];
		snprintf(why, sizeof(why), "port %u is in use", r->internal.port);
		if (rc == -EADDRINUSE)
			check_companion(pm, o, r, why);
		else if (rc < 0)
			set_reason(c, "cannot listen on port %u: %s", r->internal.port,
				   strerror(-rc));
	}
	judge(r);
}
