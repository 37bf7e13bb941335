// SPDX-License-Identifier: BSD-2-Clause
// `natctl probe`: gateway protocols, public address, NAT type and double NAT at once, with a diagnosis.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "natctl/cli/cli.h"
#include "natctl/cli/output.h"
#include "natctl/probe/probe.h"
#include "natctl/cli/stun_servers.h"
#include "natctl/stun/nat_behavior.h"

#define PROBE_MAX_STUN 8

struct probe_cli {
	const char *stun[PROBE_MAX_STUN];
	size_t n_stun;
	bool stun_overflow;
	bool test_mapping;
	const char *ifname;
	const char *gateway;
};

enum { OPT_STUN = 0x100, OPT_TEST_MAPPING, OPT_GATEWAY };

static const struct option probe_long_options[] = {
	{"stun", required_argument, NULL, OPT_STUN},
	{"test-mapping", no_argument, NULL, OPT_TEST_MAPPING},
	{"interface", required_argument, NULL, 'i'},
	{"gateway", required_argument, NULL, OPT_GATEWAY},
	{NULL, 0, NULL, 0},
};

void usage_probe(FILE *f)
{
	fputs("usage: natctl probe [--stun SERVER[:PORT]]... [--test-mapping]\n"
	      "                    [-i IFNAME] [--gateway ADDRESS]\n"
	      "\n"
	      "Diagnoses the network in one go: the default gateway, which port-mapping\n"
	      "protocols it speaks (UPnP IGD, NAT-PMP, PCP) and the external address each\n"
	      "reports, the public address and NAT behaviour by STUN, double NAT and\n"
	      "carrier-grade NAT, and what that means for reaching this host. Everything\n"
	      "runs at once under one deadline; nothing is changed on the gateway unless\n"
	      "--test-mapping is given. IPv4.\n"
	      "\n"
	      "Options:\n"
	      "  --stun SERVER[:PORT]  STUN server to use (repeatable; default: the public\n"
	      "                        servers of 'natctl stun')\n"
	      "  --test-mapping        make a short-lived UDP mapping with every protocol\n"
	      "                        that answered, report whether it was accepted, delete it\n"
	      "  -i, --interface IF    use interface IF and its default gateway\n"
	      "  --gateway ADDRESS     the gateway to ask, instead of the default route's\n",
	      f);
	print_global_options(f);
}

static int probe_option(void *ctx, int opt, const char *arg)
{
	struct probe_cli *p = ctx;
	switch (opt) {
	case OPT_STUN:
		if (p->n_stun == PROBE_MAX_STUN) {
			cli_error("probe", "at most %d --stun servers", PROBE_MAX_STUN);
			return EXIT_USAGE;
		}
		p->stun[p->n_stun++] = arg;
		return 0;
	case OPT_TEST_MAPPING: p->test_mapping = true; return 0;
	case 'i': p->ifname = arg; return 0;
	case OPT_GATEWAY: p->gateway = arg; return 0;
	default: return EXIT_USAGE;
	}
}

static int check_args(const struct probe_cli *p, int argc, int first, const struct global_opts *g,
		      struct endpoint *gateway, char **argv)
{
	if (first < argc) {
		cli_error("probe", "unexpected argument '%s'; try 'natctl probe --help'",
			  argv[first]);
		return EXIT_USAGE;
	}
	if (g->family == AF_INET6) {
		cli_error("probe", "-6: probe diagnoses IPv4 NAT; use 'natctl -6 stun' for IPv6");
		return EXIT_USAGE;
	}
	if (p->ifname && (!p->ifname[0] || strlen(p->ifname) >= 16)) {
		cli_error("probe", "invalid interface name '%s'", p->ifname);
		return EXIT_USAGE;
	}
	memset(gateway, 0, sizeof(*gateway));
	if (p->gateway &&
	    (endpoint_parse_ip(gateway, p->gateway) < 0 || gateway->family != AF_INET)) {
		cli_error("probe", "invalid gateway '%s': expected an IPv4 address", p->gateway);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* Colour for a person at a terminal only (https://no-color.org). */
static bool want_color(void)
{
	const char *no = getenv("NO_COLOR");
	return isatty(STDOUT_FILENO) && !(no && no[0]);
}

int cmd_probe(int argc, char **argv, struct global_opts *g)
{
	struct probe_cli p;
	memset(&p, 0, sizeof(p));
	struct cli_spec spec = {.command = "probe",
				.shortopts = "i:",
				.longopts = probe_long_options,
				.usage = usage_probe,
				.on_option = probe_option,
				.ctx = &p};
	int first = cli_parse(argc, argv, &spec, g);
	if (first <= 0)
		return -first;
	struct probe_options o = {.test_mapping = p.test_mapping,
				  .ifname = p.ifname,
				  .start_us = g->start_us,
				  .deadline = g->deadline_us,
				  .trace = &g->trace};
	int status = check_args(&p, argc, first, g, &o.gateway, argv);
	if (status != EXIT_OK)
		return status;

	struct global_opts v4 = *g;
	v4.family = AF_INET; /* the NAT in question is IPv4's */
	struct endpoint servers[STUN_SERVERS_MAX];
	size_t n = 0;
	status = stun_servers_resolve("probe", p.stun, p.n_stun, &v4, servers, &n);
	if (status == EXIT_USAGE)
		return status;
	o.stun_servers = servers; /* none resolved: the probe runs without STUN */
	o.n_stun = n;

	struct probe_result r;
	int rc = probe_run(&o, &r);
	struct output out = {.f = stdout, .err = stderr, .json = g->json, .verbose = g->verbose};
	render_probe(&out, &r, want_color());
	return rc < 0 ? EXIT_FAIL : EXIT_OK;
}
