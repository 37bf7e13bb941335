// SPDX-License-Identifier: BSD-2-Clause
// `natctl map`: open, keep, delete or list port mappings on the gateway (PCP, NAT-PMP, UPnP IGD).
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "natctl/cli/cli.h"
#include "natctl/base/clock.h"
#include "natctl/cli/output_map.h"
#include "natctl/map/map_keep.h"
#include "natctl/map/portmap.h"
#include "natctl/net/sigwatch.h"

void usage_map(FILE *f)
{
	fputs("usage: natctl map [options] PORT[:EXTERNAL] [tcp|udp]\n"
	      "       natctl map --delete [options] PORT[:EXTERNAL] [tcp|udp]\n"
	      "       natctl map --list [options]\n"
	      "       natctl map --external [options]\n"
	      "\n"
	      "Asks the gateway to forward EXTERNAL (default PORT) to PORT on this host,\n"
	      "over tcp (default) or udp, through PCP, NAT-PMP or UPnP IGD: all are asked\n"
	      "at once and the first that works is used, PCP first, then NAT-PMP, then UPnP.\n"
	      "\n"
	      "Options:\n"
	      "      --via METHOD       auto (default), pcp, natpmp or upnp\n"
	      "      --lifetime SEC     lifetime of the mapping (default 7200; 0 permanent\n"
	      "                         where the method allows)\n"
	      "      --keep             stay in the foreground, renew the mapping, delete it\n"
	      "                         on SIGINT, SIGTERM or SIGHUP\n"
	      "      --any              if EXTERNAL is taken, take the port the gateway offers\n"
	      "      --description TEXT UPnP description (default \"natctl\")\n"
	      "      --internal ADDRESS map to another host of the LAN, where allowed\n"
	      "  -i, --interface IF     use interface IF and its default gateway\n"
	      "      --gateway ADDRESS  skip discovery: ask this gateway\n"
	      "      --delete           remove the mapping (only one to this host)\n"
	      "      --force            with --delete: remove it whatever host it points at\n"
	      "      --list             list the gateway's mappings (UPnP only)\n"
	      "      --external         print the gateway's external address by each method\n",
	      f);
	print_global_options(f);
}

enum map_opt {
	OPT_VIA = 1000,
	OPT_LIFETIME,
	OPT_KEEP,
	OPT_ANY,
	OPT_DESCRIPTION,
	OPT_INTERNAL,
	OPT_GATEWAY,
	OPT_DELETE,
	OPT_FORCE,
	OPT_LIST,
	OPT_EXTERNAL,
};

static const struct option map_long_options[] = {
	{"via", required_argument, NULL, OPT_VIA},
	{"lifetime", required_argument, NULL, OPT_LIFETIME},
	{"keep", no_argument, NULL, OPT_KEEP},
	{"any", no_argument, NULL, OPT_ANY},
	{"description", required_argument, NULL, OPT_DESCRIPTION},
	{"internal", required_argument, NULL, OPT_INTERNAL},
	{"interface", required_argument, NULL, 'i'},
	{"gateway", required_argument, NULL, OPT_GATEWAY},
	{"delete", no_argument, NULL, OPT_DELETE},
	{"force", no_argument, NULL, OPT_FORCE},
	{"list", no_argument, NULL, OPT_LIST},
	{"external", no_argument, NULL, OPT_EXTERNAL},
	{NULL, 0, NULL, 0},
};

struct map_cli {
	struct map_params p;
	bool keep, lifetime_given, delete_given, list_given, external_given;
	char ifname[IF_NAMESIZE];
};

/* "auto, pcp, natpmp or upnp", from the method list. */
static void via_choices(char *out, size_t cap)
{
	size_t len = (size_t)snprintf(out, cap, "auto");
	for (int m = 0; m < MAP_N_METHODS && len < cap; m++)
		len += (size_t)snprintf(out + len, cap - len, "%s%s",
					m == MAP_N_METHODS - 1 ? " or " : ", ",
					map_method_name((enum map_method)m));
}

static int parse_via(const char *arg, unsigned *methods)
{
	enum map_method m = map_method_by_name(arg);
	if (strcmp(arg, "auto") == 0) {
		*methods = MAP_ALL_METHODS;
		return 0;
	}
	if (m != MAP_NONE) {
		*methods = MAP_BIT(m);
		return 0;
	}
	char choices[80];
	via_choices(choices, sizeof(choices));
	cli_error("map", "invalid --via '%s': expected %s", arg, choices);
	return EXIT_USAGE;
}

static int parse_ipv4(const char *opt, const char *arg, struct endpoint *e)
{
	if (endpoint_parse_ip(e, arg) < 0 || e->family != AF_INET) {
		cli_error("map", "invalid %s '%s': expected an IPv4 address", opt, arg);
		return EXIT_USAGE;
	}
	return 0;
}

static int parse_description(const char *arg, struct map_cli *m)
{
	size_t n = strlen(arg);
	bool printable = true;
	for (size_t i = 0; i < n; i++)
		printable = printable && (unsigned char)arg[i] >= ' ' && arg[i] != 0x7f;
	if (n == 0 || n >= MAP_DESC_MAX || !printable) {
		cli_error("map", "invalid --description: 1 to %d printable characters",
			  MAP_DESC_MAX - 1);
		return EXIT_USAGE;
	}
	m->p.description = arg;
	return 0;
}

static int parse_lifetime(const char *arg, struct map_cli *m)
{
	unsigned long v;
	if (parse_uint(arg, UINT32_MAX, &v) < 0) {
		cli_error("map", "invalid lifetime '%s': expected seconds from 0 to %u", arg,
			  UINT32_MAX);
		return EXIT_USAGE;
	}
	m->p.lifetime = (uint32_t)v;
	m->lifetime_given = true;
	return 0;
}

static int on_map_option(void *ctx, int opt, const char *arg)
{
	struct map_cli *m = ctx;
	switch (opt) {
	case OPT_VIA: return parse_via(arg, &m->p.methods);
	case OPT_LIFETIME: return parse_lifetime(arg, m);
	case OPT_KEEP: m->keep = true; return 0;
	case OPT_ANY: m->p.any = true; return 0;
	case OPT_DESCRIPTION: return parse_description(arg, m);
	case OPT_INTERNAL: return parse_ipv4("--internal", arg, &m->p.internal);
	case OPT_GATEWAY: return parse_ipv4("--gateway", arg, &m->p.gateway);
	case OPT_DELETE: m->delete_given = true; return 0;
	case OPT_FORCE: m->p.force = true; return 0;
	case OPT_LIST: m->list_given = true; return 0;
	case OPT_EXTERNAL: m->external_given = true; return 0;
	case 'i':
		if (strlen(arg) == 0 || strlen(arg) >= IF_NAMESIZE) {
			cli_error("map", "invalid interface name '%s'", arg);
			return EXIT_USAGE;
		}
		snprintf(m->ifname, sizeof(m->ifname), "%s", arg);
		m->p.ifname = m->ifname;
		return 0;
	default: return EXIT_USAGE;
	}
}

/* PORT[:EXTERNAL] [tcp|udp] */
static int parse_operands(int argc, char **argv, struct map_params *p)
{
	if (argc < 1 || argc > 2) {
		cli_error("map", "%s; try 'natctl map --help'",
			  argc < 1 ? "missing PORT" : "too many operands");
		return EXIT_USAGE;
	}
	char internal[8];
	const char *colon = strchr(argv[0], ':');
	size_t n = colon ? (size_t)(colon - argv[0]) : strlen(argv[0]);
	if (n >= sizeof(internal)) {
		cli_error("map", "invalid port '%s': expected PORT[:EXTERNAL], 1 to 65535",
			  argv[0]);
		return EXIT_USAGE;
	}
	memcpy(internal, argv[0], n);
	internal[n] = '\0';
	if (parse_port(internal, &p->internal_port) < 0 ||
	    (colon && parse_port(colon + 1, &p->external_port) < 0)) {
		cli_error("map", "invalid port '%s': expected PORT[:EXTERNAL], 1 to 65535",
			  argv[0]);
		return EXIT_USAGE;
	}
	if (!colon)
		p->external_port = p->internal_port;
	p->protocol = IPPROTO_TCP;
	if (argc == 2) {
		if (strcasecmp(argv[1], "udp") == 0) {
			p->protocol = IPPROTO_UDP;
		} else if (strcasecmp(argv[1], "tcp") != 0) {
			cli_error("map", "invalid transport '%s': expected tcp or udp", argv[1]);
			return EXIT_USAGE;
		}
	}
	return 0;
}

/* Conflicting flags are refused before anything is sent. */
static int check_combination(struct map_cli *m, const struct global_opts *g, int operands)
{
	int modes = m->delete_given + m->list_given + m->external_given + m->keep;
	const char *bad = NULL;
	if (g->family == AF_INET6)
		bad = "IPv6 is not supported: natctl maps IPv4 ports (NAT-PMP and UPnP IGD are IPv4)";
	else if (modes > 1)
		bad = "--keep, --delete, --list and --external exclude each other";
	else if (m->p.force && !m->delete_given)
		bad = "--force goes with --delete";
	else if (m->lifetime_given && (m->delete_given || m->list_given || m->external_given))
		bad = "--lifetime goes with a new mapping";
	else if (m->p.any && (m->delete_given || m->list_given || m->external_given))
		bad = "--any goes with a new mapping";
	else if (m->list_given && !(m->p.methods & MAP_BIT(MAP_UPNP)))
		bad = "--list needs UPnP: NAT-PMP and PCP have no way to list mappings";
	else if ((m->list_given || m->external_given) && operands > 0)
		bad = "--list and --external take no PORT";
	if (bad) {
		cli_error("map", "%s", bad);
		return EXIT_USAGE;
	}
	return 0;
}

static void emit_event(void *ctx, enum map_event e, const struct map_result *r)
{
	render_map_event(ctx, e, r);
}

static int do_list(struct portmap *pm, const struct global_opts *g, const struct output *o,
		   struct map_result *r)
{
	struct map_list l;
	int rc = portmap_list(pm, g->deadline_us, &l, r);
	render_map_list(o, &l, r);
	map_list_free(&l);
	return rc < 0 ? EXIT_FAIL : EXIT_OK;
}

static int do_external(struct portmap *pm, const struct global_opts *g, const struct output *o,
		       struct map_result *r)
{
	struct map_external x;
	int rc = portmap_external(pm, g->deadline_us, &x, r);
	render_map_external(o, &x, r);
	return rc < 0 ? EXIT_FAIL : EXIT_OK;
}

static int do_keep(struct portmap *pm, const struct global_opts *g, const struct output *o,
		   struct map_result *r)
{
	struct sigwatch sw;
	bool wake = false;
	int rc = sigwatch_open(&sw, &wake);
	if (rc < 0) {
		cli_error("map", "cannot watch for signals: %s", strerror(-rc));
		return EXIT_FAIL;
	}
	int status = EXIT_FAIL;
	if (portmap_run(pm, g->deadline_us, r) < 0) {
		render_map_failure(o, "mapped", r);
	} else {
		emit_event((void *)o, MAP_EVENT_MAPPED, r);
		if (map_keep(pm, r, g->timeout_us, &sw, &wake, emit_event, (void *)o) == 0)
			status = EXIT_OK;
		else
			render_map_failure(o, "deleted", r);
	}
	sigwatch_close(&sw);
	return status;
}

static int do_once(struct portmap *pm, const struct global_opts *g, const struct output *o,
		   struct map_result *r, enum map_event e)
{
	if (portmap_run(pm, g->deadline_us, r) < 0) {
		render_map_failure(o, map_event_name(e), r);
		return EXIT_FAIL;
	}
	render_map_event(o, e, r);
	return EXIT_OK;
}

static int run_map(struct map_cli *m, const struct global_opts *g)
{
	struct output o = {.f = stdout, .err = stderr, .json = g->json, .verbose = g->verbose};
	struct portmap *pm;
	struct map_result r;
	m->p.op = m->delete_given     ? MAP_OP_DELETE
		  : m->list_given     ? MAP_OP_LIST
		  : m->external_given ? MAP_OP_EXTERNAL
				      : MAP_OP_ADD;
	int status;
	if (portmap_open(&pm, &m->p, &g->trace, &r) < 0) {
		render_map_failure(&o, m->delete_given ? "deleted" : "mapped", &r);
		status = EXIT_FAIL;
	} else if (m->list_given) {
		status = do_list(pm, g, &o, &r);
	} else if (m->external_given) {
		status = do_external(pm, g, &o, &r);
	} else if (m->keep) {
		status = do_keep(pm, g, &o, &r);
	} else {
		status = do_once(pm, g, &o, &r,
				 m->delete_given ? MAP_EVENT_DELETED : MAP_EVENT_MAPPED);
	}
	portmap_close(pm);
	return status;
}

int cmd_map(int argc, char **argv, struct global_opts *g)
{
	struct map_cli m;
	memset(&m, 0, sizeof(m));
	m.p.methods = MAP_ALL_METHODS;
	m.p.lifetime = MAP_DEFAULT_LIFETIME;
	m.p.protocol = IPPROTO_TCP;
	struct cli_spec spec = {
		.command = "map",
		.shortopts = "i:",
		.longopts = map_long_options,
		.usage = usage_map,
		.on_option = on_map_option,
		.ctx = &m,
	};
	int first = cli_parse(argc, argv, &spec, g);
	if (first <= 0)
		return -first;
	int operands = argc - first;
	if (check_combination(&m, g, operands) != 0)
		return EXIT_USAGE;
	if (!m.list_given && !m.external_given && parse_operands(operands, argv + first, &m.p) != 0)
		return EXIT_USAGE;
	return run_map(&m, g);
}
