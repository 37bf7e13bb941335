// SPDX-License-Identifier: BSD-2-Clause
// STUN server operands for the commands: HOST[:PORT] parsed, checked against -4/-6, resolved under the deadline.
#include "natctl/cli/stun_servers.h"

#include <netdb.h>
#include <sys/socket.h>

#include "natctl/net/net.h"
#include "natctl/stun/stun.h"

/* Public servers asked when none is named (documented in natctl(1)). */
static const char *const default_servers[] = {
	"stun.l.google.com:19302",
	"stun.cloudflare.com:3478",
};

/* Resolves one SERVER[:PORT] operand; returns how many endpoints were added or -EXIT_*. */
static int add_server(const char *command, const char *arg, const struct global_opts *g,
		      struct endpoint *out, size_t room)
{
	char host[256];
	const char *port_text;
	uint16_t port = STUN_DEFAULT_PORT;
	if (hostport_split(arg, host, sizeof(host), &port_text) < 0 ||
	    (port_text && parse_port(port_text, &port) < 0)) {
		cli_error(command, "invalid server '%s': expected HOST[:PORT] or [IPv6]:PORT", arg);
		return -EXIT_USAGE;
	}
	struct endpoint literal;
	if (endpoint_parse_ip(&literal, host) == 0 && g->family != AF_UNSPEC &&
	    literal.family != g->family) {
		cli_error(command, "server '%s' is not an %s address", arg,
			  g->family == AF_INET ? "IPv4" : "IPv6");
		return -EXIT_USAGE;
	}
	int n = resolve_host(host, port, g->family, g->deadline_us, out, room);
	if (n <= 0) {
		cli_error(command, "cannot resolve '%s': %s", host,
			  n == 0 ? "no address of the requested family" : gai_strerror(n));
		return -EXIT_FAIL;
	}
	return n;
}

int stun_servers_resolve(const char *command, const char *const *names, size_t n_names,
			 const struct global_opts *g, struct endpoint *out, size_t *n)
{
	size_t resolved_any = 0;
	if (n_names == 0) {
		names = default_servers;
		n_names = sizeof(default_servers) / sizeof(default_servers[0]);
	}
	int status = EXIT_OK;
	for (size_t i = 0; i < n_names && *n < STUN_SERVERS_MAX; i++) {
		int rc = add_server(command, names[i], g, out + *n, STUN_SERVERS_MAX - *n);
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
