// SPDX-License-Identifier: BSD-2-Clause
// STUN server operands for the commands: HOST[:PORT] parsed, checked against -4/-6, resolved under the deadline.
#include "natctl/cli/stun_servers.h"

#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "natctl/net/net.h"
#include "natctl/stun/stun.h"

/*
 * stun.voipgate.com answers with OTHER-ADDRESS (RFC 5780), so a bare
 * `natctl stun` can decide filtering and the RFC 3489 name; it is the
 * default of pion's stun-nat-behaviour and on every "valid NAT testing"
 * list of always-online-stun since 2025. Google's and Cloudflare's are
 * plain RFC 5389 servers: they give the public address, and with the
 * first a second opinion on the mapping.
 */
const char *const stun_default_servers[] = {
	"stun.voipgate.com:3478",
	"stun.l.google.com:19302",
	"stun.cloudflare.com:3478",
	NULL,
};

void stun_servers_print_defaults(FILE *f)
{
	fprintf(f, "  %-26sRFC 5780: decides the filtering too\n", stun_default_servers[0]);
	for (size_t i = 1; stun_default_servers[i]; i++)
		fprintf(f, "  %s\n", stun_default_servers[i]);
}

struct operand {
	char host[256];
	uint16_t port;
};

/* Splits one SERVER[:PORT]; 0, or -1 with out->error saying what is wrong. */
static int parse_operand(const char *arg, const struct global_opts *g, struct operand *op,
			 struct stun_servers *out)
{
	const char *port_text;
	unsigned long v;
	op->port = STUN_DEFAULT_PORT;
	if (hostport_split(arg, op->host, sizeof(op->host), &port_text) < 0) {
		snprintf(out->error, sizeof(out->error),
			 "invalid server '%s': expected HOST[:PORT] or [IPv6]:PORT", arg);
		return -1;
	}
	if (port_text && parse_port(port_text, &op->port) < 0) {
		bool number = parse_uint(port_text, (unsigned long)-1, &v) == 0;
		snprintf(out->error, sizeof(out->error),
			 number ? "invalid server '%s': port %s is out of range (1 to 65535)"
				: "invalid server '%s': port '%s' is not a number",
			 arg, port_text);
		return -1;
	}
	struct endpoint literal;
	if (endpoint_parse_ip(&literal, op->host) == 0 && g->family != AF_UNSPEC &&
	    literal.family != g->family) {
		snprintf(out->error, sizeof(out->error), "server '%s' is not an %s address", arg,
			 g->family == AF_INET ? "IPv4" : "IPv6");
		return -1;
	}
	return 0;
}

/* Resolves one operand into out; false (out->error set, if first) when it did not. */
static bool resolve_operand(const struct operand *op, const struct global_opts *g,
			    struct stun_servers *out)
{
	int n = resolve_host(op->host, op->port, g->family, g->deadline_us, out->ep + out->n,
			     STUN_SERVERS_MAX - out->n);
	if (n > 0) {
		out->n += (size_t)n;
		return true;
	}
	if (!out->error[0])
		snprintf(out->error, sizeof(out->error), "cannot resolve '%.255s': %s", op->host,
			 n == 0 ? "no address of the requested family" : gai_strerror(n));
	return false;
}

/* Parses every operand (none: the defaults) into ops; how many, or -1 (out->error set). */
static int parse_all(const char *const *names, size_t n_names, const struct global_opts *g,
		     struct operand *ops, struct stun_servers *out)
{
	memset(out, 0, sizeof(*out));
	if (n_names == 0) {
		names = stun_default_servers;
		while (names[n_names])
			n_names++;
	}
	if (n_names > STUN_SERVERS_MAX)
		n_names = STUN_SERVERS_MAX;
	for (size_t i = 0; i < n_names; i++)
		if (parse_operand(names[i], g, &ops[i], out) < 0)
			return -1;
	return (int)n_names;
}

enum failure stun_servers_check(const char *const *names, size_t n_names,
				const struct global_opts *g, struct stun_servers *out)
{
	struct operand ops[STUN_SERVERS_MAX];
	return parse_all(names, n_names, g, ops, out) < 0 ? FAILURE_USAGE : FAILURE_NONE;
}

enum failure stun_servers_resolve(const char *const *names, size_t n_names,
				  const struct global_opts *g, struct stun_servers *out)
{
	struct operand ops[STUN_SERVERS_MAX];
	int n = parse_all(names, n_names, g, ops, out);
	if (n < 0)
		return FAILURE_USAGE; /* before any name is looked up */
	n_names = (size_t)n;
	bool any = false;
	for (size_t i = 0; i < n_names && out->n < STUN_SERVERS_MAX; i++)
		any = resolve_operand(&ops[i], g, out) || any;
	return any ? FAILURE_NONE : FAILURE_RESOLVE;
}
