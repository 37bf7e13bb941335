// SPDX-License-Identifier: BSD-2-Clause
// `natctl probe`: gateway protocols, public address, NAT type and double NAT at once, with a diagnosis.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "natctl/cli/cli.h"
#include "natctl/cli/output.h"
#include "natctl/cli/stun_servers.h"
#include "natctl/map/map_cache.h"
#include "natctl/probe/probe.h"

#define PROBE_MAX_STUN 8

struct probe_cli {
	const char *stun[PROBE_MAX_STUN];
	size_t n_stun;
	bool test_mapping;
	const char *ifname;
	const char *gateway;
	int64_t wait_us;
	bool no_cache;
	char cache_dir[MAP_CACHE_DIR_MAX];
};

enum { OPT_STUN = 0x100, OPT_TEST_MAPPING, OPT_GATEWAY, OPT_WAIT, OPT_NO_CACHE };

static const struct option probe_long_options[] = {
	{"stun", required_argument, NULL, OPT_STUN},
	{"test-mapping", no_argument, NULL, OPT_TEST_MAPPING},
	{"interface", required_argument, NULL, 'i'},
	{"gateway", required_argument, NULL, OPT_GATEWAY},
	{"wait", required_argument, NULL, OPT_WAIT},
	{"no-cache", no_argument, NULL, OPT_NO_CACHE},
	{NULL, 0, NULL, 0},
};

void usage_probe(FILE *f)
{
	static const char *const examples[] = {
		"natctl probe",
		"natctl probe --test-mapping          # also try a 60 s mapping by each protocol",
		"natctl -j probe | jq '{double_nat, cgnat, verdict}'",
		NULL,
	};
	fputs("usage: natctl probe [--stun SERVER[:PORT]]... [--test-mapping]\n"
	      "                    [-i IFNAME] [--gateway ADDRESS] [--wait SEC] [--no-cache]\n"
	      "\n"
	      "Diagnoses the network in one go: the default gateway, which port-mapping\n"
	      "protocols it speaks (UPnP IGD, NAT-PMP, PCP) and the external address each\n"
	      "reports, the public address and NAT behaviour by STUN, the path toward the\n"
	      "STUN server and the NAT layers on it, double NAT and carrier-grade NAT, and\n"
	      "what that means for reaching this host. Everything runs at once under one\n"
	      "deadline; nothing is changed on the gateway unless --test-mapping is given.\n"
	      "What the evidence cannot tell is \"unknown\". IPv4's NAT, and IPv6 beside\n"
	      "it (not with -4): the stable global address, pinhole support, and STUN\n"
	      "over IPv6, whose filtering is the router's firewall's.\n"
	      "\n"
	      "Options:\n"
	      "  --stun SERVER[:PORT]  STUN server to use (repeatable; IPv4 ones for the NAT,\n"
	      "                        IPv6 ones for the IPv6 side; default: the public\n"
	      "                        servers of 'natctl stun', see 'natctl help stun')\n"
	      "  --test-mapping        make a short-lived UDP mapping with every protocol\n"
	      "                        that answered, report whether it was accepted, check\n"
	      "                        it from outside by STUN, delete it\n"
	      "  -i, --interface IF    use interface IF and its default gateway\n"
	      "  --gateway ADDRESS     the gateway to ask, instead of the default route's\n"
	      "  --wait SEC            how long a gateway that does not answer at all gets\n"
	      "                        before it counts as absent (default 1.05; SSDP's MX\n"
	      "                        follows; for slow routers; within -t)\n"
	      "  --no-cache            neither use nor write the gateway cache (see 'natctl\n"
	      "                        help map')\n",
	      f);
	print_global_options(f);
	print_examples(f, examples);
}

static void probe_option(void *ctx, struct global_opts *g, int opt, const char *arg)
{
	struct probe_cli *p = ctx;
	switch (opt) {
	case OPT_STUN:
		if (p->n_stun == PROBE_MAX_STUN)
			cli_usage(g, "at most %d --stun servers", PROBE_MAX_STUN);
		else
			p->stun[p->n_stun++] = arg;
		break;
	case OPT_TEST_MAPPING: p->test_mapping = true; break;
	case 'i': p->ifname = arg; break;
	case OPT_GATEWAY: p->gateway = arg; break;
	case OPT_WAIT: cli_parse_wait(g, arg, &p->wait_us); break;
	case OPT_NO_CACHE: p->no_cache = true; break;
	default: break;
	}
}

/* A malformed --stun is a usage error before anything is asked; an
 * address of either family is fine (IPv4's serve the NAT, IPv6's the
 * firewall), unless -4 leaves IPv6 out. */
static void check_stun_operands(const struct probe_cli *p, struct global_opts *g)
{
	struct stun_servers servers;
	if (stun_servers_check(p->stun, p->n_stun, g, &servers) == FAILURE_USAGE)
		cli_usage(g, "%s", servers.error);
}

/* The --stun operands that may have addresses of family: all but the
 * literals of the other one; how many went to out. */
static size_t operands_of(const struct probe_cli *p, int family, const char **out)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n_stun; i++) {
		char host[256];
		const char *port;
		struct endpoint literal;
		if (hostport_split(p->stun[i], host, sizeof(host), &port) == 0 &&
		    endpoint_parse_ip(&literal, host) == 0 && literal.family != family)
			continue;
		out[n++] = p->stun[i];
	}
	return n;
}

static void check_args(const struct probe_cli *p, int argc, int first, struct global_opts *g,
		       struct endpoint *gateway, char **argv)
{
	memset(gateway, 0, sizeof(*gateway));
	if (first < argc)
		cli_usage(g, "unexpected argument '%s'; try 'natctl probe --help'", argv[first]);
	else if (g->family == AF_INET6)
		cli_usage(g, "-6: probe diagnoses IPv4 NAT and reports IPv6 beside it; use "
			     "'natctl -6 stun' for IPv6 alone");
	else if (p->ifname && (!p->ifname[0] || strlen(p->ifname) >= 16))
		cli_usage(g, "invalid interface name '%s'", p->ifname);
	else if (p->gateway &&
		 (endpoint_parse_ip(gateway, p->gateway) < 0 || gateway->family != AF_INET))
		cli_usage(g, "invalid gateway '%s': expected an IPv4 address", p->gateway);
	else if (p->wait_us)
		cli_check_wait(g, p->wait_us);
	if (!g->usage_error[0])
		check_stun_operands(p, g);
}

/* The probe document with every finding unknown, carrying why it did not run. */
static int render_not_run(const struct global_opts *g, enum failure failure, const char *error)
{
	struct probe_result *r = calloc(1, sizeof(*r));
	struct output o = cli_output(g);
	if (!r) {
		render_usage_failure(&o, "out of memory");
		return failure_exit(FAILURE_SYSTEM);
	}
	r->failure = failure;
	snprintf(r->error, sizeof(r->error), "%s", error);
	r->stun.failure = failure;
	snprintf(r->stun.error, sizeof(r->stun.error), "the probe did not run");
	r->stun.nat = r->stun.hairpinning = r->stun.port_preserving = NAT_TRI_UNKNOWN;
	for (int m = 0; m < MAP_N_METHODS; m++) {
		r->facts.methods[m].mapping_ok = NAT_TRI_UNKNOWN;
		r->info[m].connected = NAT_TRI_UNKNOWN;
		snprintf(r->facts.methods[m].why, sizeof(r->facts.methods[m].why),
			 "not asked: the probe did not run");
	}
	diagnose(&r->facts, &r->diag); /* nothing asked: everything unknown */
	r->elapsed_us = -1;
	render_probe(&o, r);
	free(r);
	return failure_exit(failure);
}

/* The STUN servers (checked already), resolved once the probe knows it can
 * run; a name that does not resolve leaves STUN out, with the reason in the
 * stun object. */
static enum failure resolve_family(const struct probe_cli *p, const struct global_opts *g,
				   int family, struct stun_servers *servers)
{
	const char *names[PROBE_MAX_STUN];
	struct global_opts one = *g;
	size_t n = operands_of(p, family, names);
	one.family = family;
	if (p->n_stun > 0 && n == 0) { /* only literals of the other family */
		memset(servers, 0, sizeof(*servers));
		snprintf(servers->error, sizeof(servers->error),
			 "no %s server among the --stun operands",
			 family == AF_INET ? "IPv4" : "IPv6");
		return FAILURE_RESOLVE;
	}
	enum failure f = stun_servers_resolve(names, n, &one, servers);
	if (f == FAILURE_NONE && servers->error[0] && family == AF_INET) {
		struct output out = cli_output(g);
		output_warning(&out, "probe", servers->error);
	}
	return f;
}

static void resolve_stun(const struct probe_cli *p, const struct global_opts *g,
			 struct stun_servers servers[2], struct probe_options *o)
{
	enum failure f = resolve_family(p, g, AF_INET, &servers[0]); /* the NAT is IPv4's */
	o->stun_servers = servers[0].ep;
	o->n_stun = f == FAILURE_NONE ? servers[0].n : 0;
	o->stun_error = servers[0].error;
	o->stun_failure = f;
	if (!o->ipv6)
		return;
	f = resolve_family(p, g, AF_INET6, &servers[1]); /* the firewall, IPv6's */
	o->stun6_servers = servers[1].ep;
	o->n_stun6 = f == FAILURE_NONE ? servers[1].n : 0;
	o->stun6_error = servers[1].error;
	o->stun6_failure = f;
}

static int run_probe(const struct probe_cli *p, const struct global_opts *g,
		     struct probe_options *o)
{
	struct stun_servers servers[2];
	struct probe_result *r = calloc(1, sizeof(*r)); /* large: not on the stack */
	struct probe *probe = NULL;
	struct output out = cli_output(g);
	if (!r)
		return render_not_run(g, FAILURE_SYSTEM, "out of memory");
	if (probe_open(&probe, o, r) == 0) {
		resolve_stun(p, g, servers, o);
		probe_run(probe, o, r);
	}
	probe_close(probe);
	render_probe(&out, r);
	int status = failure_exit(r->failure);
	free(r);
	return status;
}

int cmd_probe(int argc, char **argv, struct global_opts *g)
{
	struct probe_cli p;
	memset(&p, 0, sizeof(p));
	struct cli_spec spec = {.command = "probe",
				.shortopts = "i:",
				.longopts = probe_long_options,
				.on_option = probe_option,
				.ctx = &p};
	int first = cli_parse(argc, argv, &spec, g);
	if (cli_help_or_version(g, usage_probe))
		return EXIT_OK;
	struct probe_options o = {.ipv6 = g->family != AF_INET,
				  .test_mapping = p.test_mapping,
				  .ifname = p.ifname,
				  .wait_us = p.wait_us,
				  .start_us = g->start_us,
				  .deadline = g->deadline_us,
				  .trace = &g->trace};
	check_args(&p, argc, first, g, &o.gateway, argv);
	if (g->usage_error[0])
		return render_not_run(g, FAILURE_USAGE, g->usage_error);
	o.cache_dir = cli_cache_dir(g, p.no_cache, p.cache_dir, sizeof(p.cache_dir));
	return run_probe(&p, g, &o);
}
