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
#include "natctl/stun_public.h"

/* Public servers asked when none is named (documented in natctl(1)). */
static const char *const default_servers[] = {
	"stun.l.google.com:19302",
	"stun.cloudflare.com:3478",
};

#define MAX_SERVERS 16

void usage_stun(FILE *f)
{
	fputs("usage: natctl stun [options] [SERVER[:PORT]...]\n"
	      "\n"
	      "Asks STUN servers (RFC 8489) over UDP for this host's public address.\n"
	      "All servers are asked at once; the first valid answer wins.\n"
	      "SERVER is a host name or an IP address (IPv6 in brackets when a port\n"
	      "follows); PORT defaults to 3478. Without SERVER: stun.l.google.com:19302\n"
	      "and stun.cloudflare.com:3478.\n",
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

int cmd_stun(int argc, char **argv, struct global_opts *g)
{
	struct cli_spec spec = {.command = "stun", .shortopts = "", .usage = usage_stun};
	int first = cli_parse(argc, argv, &spec, g);
	if (first <= 0)
		return -first;

	struct endpoint servers[MAX_SERVERS];
	size_t n = 0;
	int status = resolve_servers(argc - first, argv + first, g, servers, &n);
	if (status != EXIT_OK)
		return status;

	struct stun_public_result r;
	int rc = stun_public_query(servers, n, g->deadline_us, &g->trace, &r);
	if (rc < 0) {
		cli_error("stun", "cannot open a UDP socket: %s", strerror(-rc));
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
