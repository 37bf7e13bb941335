// SPDX-License-Identifier: BSD-2-Clause
// `natctl stun`: the public address and the NAT's behaviour by STUN.
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "natctl/cli/cli.h"
#include "natctl/cli/output.h"
#include "natctl/cli/stun_servers.h"
#include "natctl/base/clock.h"
#include "natctl/stun/nat_behavior.h"
#include "natctl/stun/stun_path.h"
#include "natctl/stun/stun_public.h"

struct stun_opts {
	bool address_only;
	bool tcp;
	bool path;
	uint16_t local_port; /* 0: any */
};

enum { OPT_ADDRESS_ONLY = 0x100, OPT_TCP, OPT_LOCAL_PORT, OPT_PATH };

static const struct option stun_long_options[] = {
	{"address-only", no_argument, NULL, OPT_ADDRESS_ONLY},
	{"tcp", no_argument, NULL, OPT_TCP},
	{"local-port", required_argument, NULL, OPT_LOCAL_PORT},
	{"path", no_argument, NULL, OPT_PATH},
	{NULL, 0, NULL, 0},
};

static void stun_option(void *ctx, struct global_opts *g, int opt, const char *arg)
{
	struct stun_opts *o = ctx;
	if (opt == OPT_ADDRESS_ONLY)
		o->address_only = true;
	else if (opt == OPT_TCP)
		o->tcp = true;
	else if (opt == OPT_PATH)
		o->path = true;
	else if (opt == OPT_LOCAL_PORT && parse_port(arg, &o->local_port) < 0)
		cli_usage(g, "invalid --local-port '%s': expected a port from 1 to 65535", arg);
}

void usage_stun(FILE *f)
{
	static const char *const examples[] = {
		"natctl stun                          # the default servers",
		"natctl stun --local-port 51820       # the mapping of the port an app uses",
		"natctl -j stun --address-only | jq -r .public.address",
		NULL,
	};
	fputs("usage: natctl stun [--address-only | --tcp] [--local-port PORT] [SERVER[:PORT]]...\n"
	      "       natctl stun --path [SERVER[:PORT]]\n"
	      "\n"
	      "Tells this host's public address and how its NAT behaves (RFC 5780):\n"
	      "mapping, filtering, hairpinning, port preservation and the RFC 3489 name.\n"
	      "All tests run at once; an RFC 5780 server (with an alternate address)\n"
	      "decides everything, several plain servers decide the mapping. With -6\n"
	      "there is usually no NAT: the filtering found is the firewall's.\n"
	      "SERVER is a host name or an IP address (IPv6 in brackets when a port\n"
	      "follows); PORT defaults to 3478. Without SERVER, natctl asks these public\n"
	      "servers at once:\n",
	      f);
	stun_servers_print_defaults(f);
	fputs("\n"
	      "Options:\n"
	      "  --address-only       only the public address: the first UDP answer wins\n"
	      "  --tcp                only the public address, over TCP to the first server\n"
	      "  --local-port PORT    send from this local UDP port (the main socket)\n"
	      "  --path               the hops toward the first server (TTL 1, 2, ...; no\n"
	      "                       privileges) and the NAT layers they show\n",
	      f);
	print_global_options(f);
	print_examples(f, examples);
}

/* The document of the mode asked for, carrying why nothing was asked. */
static int render_not_run(const struct stun_opts *so, const struct global_opts *g,
			  enum failure failure, const char *error)
{
	struct output o = cli_output(g);
	if (so->path) {
		struct path_report r;
		memset(&r, 0, sizeof(r));
		r.nat_layers = -1;
		snprintf(r.why, sizeof(r.why), "the path was not traced");
		r.failure = failure;
		snprintf(r.error, sizeof(r.error), "%s", error);
		render_stun_path(&o, &r);
	} else if (so->address_only || so->tcp) {
		struct stun_public_result r = {.outcome = STUN_PUBLIC_NO_ANSWER,
					       .tcp = so->tcp,
					       .failure = failure};
		snprintf(r.error, sizeof(r.error), "%s", error);
		render_stun_public(&o, &r);
	} else {
		struct nat_report r;
		memset(&r, 0, sizeof(r));
		r.nat = r.hairpinning = r.port_preserving = NAT_TRI_UNKNOWN;
		r.failure = failure;
		snprintf(r.error, sizeof(r.error), "%s", error);
		render_nat_report(&o, &r);
	}
	return failure_exit(failure);
}

/* A socket that could not be opened or bound (--local-port in use). */
static int socket_failure(const struct stun_opts *so, const struct global_opts *g, int rc)
{
	char why[160];
	if (so->local_port)
		snprintf(why, sizeof(why), "cannot use local port %u: %s", so->local_port,
			 strerror(-rc));
	else
		snprintf(why, sizeof(why), "cannot open a socket: %s", strerror(-rc));
	return render_not_run(so, g, FAILURE_SYSTEM, why);
}

static int run_address_only(const struct stun_opts *so, const struct stun_servers *s,
			    const struct global_opts *g)
{
	struct stun_public_options opt = {
		.servers = s->ep,
		.n_servers = s->n,
		.start_us = g->start_us,
		.deadline = g->deadline_us,
		.local_port = so->local_port,
		.trace = &g->trace,
	};
	struct stun_public_result r;
	int rc = so->tcp ? stun_public_query_tcp(&opt, &r) : stun_public_query(&opt, &r);
	if (rc < 0)
		return socket_failure(so, g, rc);
	struct output o = cli_output(g);
	render_stun_public(&o, &r);
	return failure_exit(r.failure);
}

static int run_discovery(const struct stun_opts *so, const struct stun_servers *s,
			 const struct global_opts *g)
{
	struct nat_options opt = {
		.servers = s->ep,
		.n_servers = s->n,
		.start_us = g->start_us,
		.deadline = g->deadline_us,
		.tcp = true,
		.local_port = so->local_port,
		.trace = &g->trace,
	};
	struct nat_report r;
	int rc = nat_discover(&opt, &r);
	if (rc < 0)
		return socket_failure(so, g, rc);
	struct output o = cli_output(g);
	render_nat_report(&o, &r);
	return failure_exit(r.failure);
}

/* --path: the hops toward the first server, then what they show. */
static int run_path(const struct stun_opts *so, const struct stun_servers *s,
		    const struct global_opts *g)
{
	struct stun_path_options opt = {
		.server = s->ep[0],
		.deadline = g->deadline_us,
		.trace = &g->trace,
	};
	struct path_report r;
	memset(&r, 0, sizeof(r));
	int rc = stun_path_run(&opt, &r.path);
	if (rc < 0)
		return socket_failure(so, g, rc);
	path_report_fill(&r, clock_now_us() - g->start_us);
	struct output o = cli_output(g);
	render_stun_path(&o, &r);
	return failure_exit(r.failure);
}

static void check_options(const struct stun_opts *so, struct global_opts *g)
{
	if (so->path && (so->tcp || so->address_only || so->local_port))
		cli_usage(g, "--path goes alone: not with --address-only, --tcp or --local-port");
	else if (so->tcp && so->address_only)
		cli_usage(g, "--tcp and --address-only cannot be combined (--tcp is address-only)");
	else if (so->tcp && so->local_port)
		cli_usage(g, "--local-port is for UDP: --tcp does not use it");
}

int cmd_stun(int argc, char **argv, struct global_opts *g)
{
	struct stun_opts so = {false, false, false, 0};
	struct cli_spec spec = {.command = "stun",
				.shortopts = "",
				.longopts = stun_long_options,
				.on_option = stun_option,
				.ctx = &so};
	int first = cli_parse(argc, argv, &spec, g);
	if (cli_help_or_version(g, usage_stun))
		return EXIT_OK;
	check_options(&so, g);
	if (g->usage_error[0])
		return render_not_run(&so, g, FAILURE_USAGE, g->usage_error);

	struct stun_servers servers;
	enum failure f = stun_servers_resolve((const char *const *)argv + first,
					      (size_t)(argc - first), g, &servers);
	if (f != FAILURE_NONE)
		return render_not_run(&so, g, f, servers.error);
	if (servers.error[0]) {
		struct output o = cli_output(g);
		output_warning(&o, "stun", servers.error); /* another server resolved */
	}
	if (so.path)
		return run_path(&so, &servers, g);
	if (so.address_only || so.tcp)
		return run_address_only(&so, &servers, g);
	return run_discovery(&so, &servers, g);
}
