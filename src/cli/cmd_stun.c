// SPDX-License-Identifier: BSD-2-Clause
// `natctl stun`: the public address by STUN.
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "natctl/cli/cli.h"
#include "natctl/net/net.h"
#include "natctl/cli/output.h"
#include "natctl/stun/nat_behavior.h"
#include "natctl/stun/stun_public.h"
#include "natctl/cli/stun_servers.h"

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

#define MAX_SERVERS STUN_SERVERS_MAX

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

static int run_address_only(const struct stun_opts *so, const struct endpoint *servers, size_t n,
			    struct global_opts *g)
{
	struct stun_public_options opt = {
		.servers = servers,
		.n_servers = n,
		.start_us = g->start_us,
		.deadline = g->deadline_us,
		.trace = &g->trace,
	};
	struct stun_public_result r;
	int rc = so->tcp ? stun_public_query_tcp(&opt, &r) : stun_public_query(&opt, &r);
	if (rc < 0) {
		cli_error("stun", "cannot open a socket: %s", strerror(-rc));
		return EXIT_FAIL;
	}
	struct output o = {.f = stdout, .err = stderr, .json = g->json, .verbose = g->verbose};
	render_stun_public(&o, &r);
	return r.outcome == STUN_PUBLIC_OK ? EXIT_OK : EXIT_FAIL;
}

static int run_discovery(const struct endpoint *servers, size_t n, struct global_opts *g)
{
	struct nat_options opt = {
		.servers = servers,
		.n_servers = n,
		.start_us = g->start_us,
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
	struct output o = {.f = stdout, .err = stderr, .json = g->json, .verbose = g->verbose};
	render_nat_report(&o, &r);
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
		cli_error("stun",
			  "--tcp and --address-only cannot be combined (--tcp is address-only)");
		return EXIT_USAGE;
	}

	struct endpoint servers[MAX_SERVERS];
	size_t n = 0;
	int status = stun_servers_resolve("stun", (const char *const *)argv + first,
					  (size_t)(argc - first), g, servers, &n);
	if (status != EXIT_OK)
		return status;
	if (so.address_only || so.tcp)
		return run_address_only(&so, servers, n, g);
	return run_discovery(servers, n, g);
}
