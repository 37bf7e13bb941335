// SPDX-License-Identifier: BSD-2-Clause
// `natctl stun`: the public address by STUN.
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "natctl/cli.h"
#include "natctl/clock.h"
#include "natctl/net.h"
#include "natctl/output.h"
#include "natctl/nat_behavior.h"
#include "natctl/stun_public.h"

struct stun_opts {
	bool address_only;
	bool tcp;
};

enum { OPT_ADDRESS_ONLY = 0x100, OPT_TCP };

static const struct option stun_long_options[] = {
	{"address-only", no_argument, NULL, OPT_ADDRESS_ONLY},
	{"tcp", no_argument, NULL, OPT_TCP},
	{NULL, 0, NULL, 0},
};

static int stun_option(void *ctx, int opt, const char *arg)
{
	struct stun_opts *o = ctx;
	(void)arg;
	if (opt == OPT_ADDRESS_ONLY)
		o->address_only = true;
	else if (opt == OPT_TCP)
		o->tcp = true;
	else
		return EXIT_USAGE;
	return 0;
}

/* Public servers asked when none is named (documented in natctl(1)). */
static const char *const default_servers[] = {
	"stun.l.google.com:19302",
	"stun.cloudflare.com:3478",
};

#define MAX_SERVERS 16

void usage_stun(FILE *f)
{
	fputs("usage: natctl stun [--address-only | --tcp] [SERVER[:PORT]...]\n"
	      "\n"
	      "Tells this host's public address and how its NAT behaves (RFC 5780):\n"
	      "mapping, filtering, hairpinning, port preservation and the RFC 3489 name.\n"
	      "All tests run at once; an RFC 5780 server (with an alternate address)\n"
	      "decides everything, several plain servers decide the mapping.\n"
	      "SERVER is a host name or an IP address (IPv6 in brackets when a port\n"
	      "follows); PORT defaults to 3478. Without SERVER: stun.l.google.com:19302\n"
	      "and stun.cloudflare.com:3478.\n"
	      "\n"
	      "Options:\n"
	      "  --address-only       only the public address: the first UDP answer wins\n"
	      "  --tcp                only the public address, over TCP to the first server\n",
	      f);
	print_global_options(f);
}

/* Resolves one SERVER[:PORT] operand; returns how many endpoints were added or -EXIT_*. */
static int add_server(const char *arg, const struct global_opts *g, struct endpoint *out,
		      size_t room)
{
	char host[256];
	const char *port_text;
	uint16_t port = STUN_DEFAULT_PORT;
	if (hostport_split(arg, host, sizeof(host), &port_text) < 0 ||
	    (port_text && parse_port(port_text, &port) < 0)) {
		cli_error("stun", "invalid server '%s': expected HOST[:PORT] or [IPv6]:PORT", arg);
		return -EXIT_USAGE;
	}
	struct endpoint literal;
	if (endpoint_parse_ip(&literal, host) == 0 && g->family != AF_UNSPEC &&
	    literal.family != g->family) {
		cli_error("stun", "server '%s' is not an %s address", arg,
			  g->family == AF_INET ? "IPv4" : "IPv6");
		return -EXIT_USAGE;
	}
	int n = resolve_host(host, port, g->family, g->deadline_us, out, room);
	if (n <= 0) {
		cli_error("stun", "cannot resolve '%s': %s", host,
			  n == 0 ? "no address of the requested family" : gai_strerror(n));
		return -EXIT_FAIL;
	}
	return n;
}

static int resolve_servers(int argc, char **argv, const struct global_opts *g,
			   struct endpoint *out, size_t *n)
{
	size_t count = (size_t)argc, resolved_any = 0;
	const char *const *names = (const char *const *)argv;
	if (argc == 0) {
		names = default_servers;
		count = sizeof(default_servers) / sizeof(default_servers[0]);
	}
	int status = EXIT_OK;
	for (size_t i = 0; i < count && *n < MAX_SERVERS; i++) {
		int rc = add_server(names[i], g, out + *n, MAX_SERVERS - *n);
		if (rc == -EXIT_USAGE)
			return EXIT_USAGE;
		if (rc < 0) {
			status = EXIT_FAIL;
			continue;
		}
		*n += (size_t)rc;
		resolved_any++;
	}
	return resolved_any ? EXIT_OK : status;
}

static int run_address_only(const struct stun_opts *so, const struct endpoint *servers,
			    size_t n, struct global_opts *g)
{
	struct stun_public_result r;
	int rc = so->tcp ? stun_public_query_tcp(&servers[0], g->deadline_us, &g->trace, &r)
			 : stun_public_query(servers, n, g->deadline_us, &g->trace, &r);
	if (rc < 0) {
		cli_error("stun", "cannot open a socket: %s", strerror(-rc));
		return EXIT_FAIL;
	}
	char why[256];
	bool ok = r.outcome == STUN_PUBLIC_OK;
	if (!ok) {
		stun_public_failure_text(&r, clock_now_us() - g->start_us, why, sizeof(why));
		cli_error("stun", "%s", why);
	}
	struct output o = {stdout, g->json, g->verbose};
	render_stun_public(&o, &r, ok ? NULL : why);
	return ok ? EXIT_OK : EXIT_FAIL;
}

static int run_discovery(const struct endpoint *servers, size_t n, struct global_opts *g)
{
	struct nat_options opt = {
		.servers = servers,
		.n_servers = n,
		.deadline = g->deadline_us,
		.tcp = true,
		.trace = &g->trace,
	};
	struct nat_report r;
	int rc = nat_discover(&opt, &r);
	if (rc < 0) {
		cli_error("stun", "cannot open a socket: %s", strerror(-rc));
		return EXIT_FAIL;
	}
	char why[256] = "";
	if (!r.decided) {
		char srv[ENDPOINT_STRLEN];
		snprintf(why, sizeof(why), "no response from %s%s within %.3g s",
			 endpoint_format(&servers[0], srv), n > 1 ? " or the other servers" : "",
			 (double)(clock_now_us() - g->start_us) / USEC_PER_SEC);
		cli_error("stun", "%s", why);
	}
	struct output o = {stdout, g->json, g->verbose};
	render_nat_report(&o, &r, r.decided ? NULL : why);
	return r.decided ? EXIT_OK : EXIT_FAIL;
}

int cmd_stun(int argc, char **argv, struct global_opts *g)
{
	struct stun_opts so = {false, false};
	struct cli_spec spec = {.command = "stun",
				.shortopts = "",
				.longopts = stun_long_options,
				.usage = usage_stun,
				.on_option = stun_option,
				.ctx = &so};
	int first = cli_parse(argc, argv, &spec, g);
	if (first <= 0)
		return -first;
	if (so.tcp && so.address_only) {
		cli_error("stun", "--tcp and --address-only cannot be combined (--tcp is address-only)");
		return EXIT_USAGE;
	}

	struct endpoint servers[MAX_SERVERS];
	size_t n = 0;
	int status = resolve_servers(argc - first, argv + first, g, servers, &n);
	if (status != EXIT_OK)
		return status;
	if (so.address_only || so.tcp)
		return run_address_only(&so, servers, n, g);
	return run_discovery(servers, n, g);
}
