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
#include "natctl/cli/stun_servers.h"
#include "natctl/map/map_check.h"
#include "natctl/map/map_keep.h"
#include "natctl/map/portmap.h"
#include "natctl/net/sigwatch.h"

void usage_map(FILE *f)
{
	static const char *const examples[] = {
		"natctl map 8080                      # forward TCP port 8080 to this host",
		"natctl map --keep --any 51413 udp    # hold it, whatever port the gateway gives",
		"natctl -j map --delete 8080 | jq -r .deleted_by[]",
		NULL,
	};
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
	      "                         where the method allows, else the longest)\n"
	      "      --keep             stay in the foreground, renew the mapping, delete it\n"
	      "                         on SIGINT, SIGTERM or SIGHUP; one line per event\n"
	      "                         (with --json, one JSON document per line)\n"
	      "      --any              if EXTERNAL is taken, take the port the gateway offers\n"
	      "      --description TEXT UPnP description (default \"natctl\")\n"
	      "      --internal ADDRESS map to another host of the LAN, where allowed\n"
	      "  -i, --interface IF     use interface IF and its default gateway\n"
	      "      --gateway ADDRESS  skip discovery: ask this gateway\n"
	      "      --delete           remove the mapping (only one to this host)\n"
	      "      --force            with --delete: remove it whatever host it points at\n"
	      "      --list             list the gateway's mappings (UPnP only)\n"
	      "      --external         print the gateway's external address by each method\n"
	      "      --check            prove the new mapping reachable from outside: an\n"
	      "                         RFC 5780 STUN server answers through it (TCP, or a\n"
	      "                         UDP port in use: through a companion UDP mapping)\n"
	      "      --stun SERVER      the STUN server of --check, HOST[:PORT] (default\n"
	      "                         stun.voipgate.com:3478, the RFC 5780 one of 'stun')\n",
	      f);
	print_global_options(f);
	print_examples(f, examples);
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
	OPT_CHECK,
	OPT_STUN,
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
	{"check", no_argument, NULL, OPT_CHECK},
	{"stun", required_argument, NULL, OPT_STUN},
	{NULL, 0, NULL, 0},
};

struct map_cli {
	struct map_params p;
	bool keep, lifetime_given, delete_given, list_given, external_given, check;
	const char *stun; /* --stun, or NULL: the default server */
	struct map_check_options copt;
	char ifname[IF_NAMESIZE];
	struct global_opts *g; /* where option errors go */
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

static void parse_via(struct global_opts *g, const char *arg, unsigned *methods)
{
	enum map_method m = map_method_by_name(arg);
	char choices[80];
	if (strcmp(arg, "auto") == 0) {
		*methods = MAP_ALL_METHODS;
	} else if (m != MAP_NONE) {
		*methods = MAP_BIT(m);
	} else {
		via_choices(choices, sizeof(choices));
		cli_usage(g, "invalid --via '%s': expected %s", arg, choices);
	}
}

static void parse_ipv4(struct global_opts *g, const char *opt, const char *arg, struct endpoint *e)
{
	if (endpoint_parse_ip(e, arg) < 0 || e->family != AF_INET) {
		memset(e, 0, sizeof(*e));
		cli_usage(g, "invalid %s '%s': expected an IPv4 address", opt, arg);
	}
}

static void parse_description(struct global_opts *g, const char *arg, struct map_cli *m)
{
	size_t n = strlen(arg);
	bool printable = true;
	for (size_t i = 0; i < n; i++)
		printable = printable && (unsigned char)arg[i] >= ' ' && arg[i] != 0x7f;
	if (n == 0 || n >= MAP_DESC_MAX || !printable)
		cli_usage(g, "invalid --description: 1 to %d printable characters",
			  MAP_DESC_MAX - 1);
	else
		m->p.description = arg;
}

static void parse_lifetime(struct global_opts *g, const char *arg, struct map_cli *m)
{
	unsigned long v;
	if (parse_uint(arg, UINT32_MAX, &v) < 0) {
		cli_usage(g, "invalid lifetime '%s': expected seconds from 0 to %u", arg,
			  UINT32_MAX);
		return;
	}
	m->p.lifetime = (uint32_t)v;
	m->lifetime_given = true;
}

static void parse_interface(struct global_opts *g, const char *arg, struct map_cli *m)
{
	if (strlen(arg) == 0 || strlen(arg) >= IF_NAMESIZE) {
		cli_usage(g, "invalid interface name '%s'", arg);
		return;
	}
	snprintf(m->ifname, sizeof(m->ifname), "%s", arg);
	m->p.ifname = m->ifname;
}

static void on_map_option(void *ctx, struct global_opts *g, int opt, const char *arg)
{
	struct map_cli *m = ctx;
	switch (opt) {
	case OPT_VIA: parse_via(g, arg, &m->p.methods); break;
	case OPT_LIFETIME: parse_lifetime(g, arg, m); break;
	case OPT_KEEP: m->keep = true; break;
	case OPT_ANY: m->p.any = true; break;
	case OPT_DESCRIPTION: parse_description(g, arg, m); break;
	case OPT_INTERNAL: parse_ipv4(g, "--internal", arg, &m->p.internal); break;
	case OPT_GATEWAY: parse_ipv4(g, "--gateway", arg, &m->p.gateway); break;
	case OPT_DELETE: m->delete_given = true; break;
	case OPT_FORCE: m->p.force = true; break;
	case OPT_LIST: m->list_given = true; break;
	case OPT_EXTERNAL: m->external_given = true; break;
	case OPT_CHECK: m->check = true; break;
	case OPT_STUN: m->stun = arg; break;
	case 'i': parse_interface(g, arg, m); break;
	default: break;
	}
}

/* One port, 1 to 65535: "invalid port" names the operand, and says when it is out of range. */
static int parse_one_port(struct global_opts *g, const char *operand, const char *text,
			  uint16_t *port)
{
	unsigned long v;
	if (parse_port(text, port) == 0)
		return 0;
	if (parse_uint(text, (unsigned long)-1, &v) == 0)
		return cli_usage(g, "invalid port '%s': %s is out of range (1 to 65535)", operand,
				 text);
	return cli_usage(g, "invalid port '%s': expected PORT[:EXTERNAL], 1 to 65535", operand);
}

/* PORT[:EXTERNAL] [tcp|udp] */
static int parse_operands(struct global_opts *g, int argc, char **argv, struct map_params *p)
{
	if (argc < 1 || argc > 2)
		return cli_usage(g, "%s; try 'natctl map --help'",
				 argc < 1 ? "missing PORT" : "too many operands");
	char internal[8];
	const char *colon = strchr(argv[0], ':');
	size_t n = colon ? (size_t)(colon - argv[0]) : strlen(argv[0]);
	if (n >= sizeof(internal))
		n = sizeof(internal) - 1; /* too long to be a port: parse_one_port says so */
	memcpy(internal, argv[0], n);
	internal[n] = '\0';
	if (parse_one_port(g, argv[0], internal, &p->internal_port) != 0 ||
	    (colon && parse_one_port(g, argv[0], colon + 1, &p->external_port) != 0))
		return failure_exit(FAILURE_USAGE);
	if (!colon)
		p->external_port = p->internal_port;
	if (argc == 2) {
		if (strcasecmp(argv[1], "udp") == 0)
			p->protocol = IPPROTO_UDP;
		else if (strcasecmp(argv[1], "tcp") != 0)
			return cli_usage(g, "invalid transport '%s': expected tcp or udp", argv[1]);
	}
	return 0;
}

/* Conflicting flags are refused before anything is sent. */
static void check_combination(struct map_cli *m, struct global_opts *g, int operands)
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
	else if (m->check && (m->delete_given || m->list_given || m->external_given))
		bad = "--check goes with a new mapping";
	else if (m->stun && !m->check)
		bad = "--stun goes with --check";
	if (bad)
		cli_usage(g, "%s", bad);
}

/* ---- running, and the one document of each mode ---- */

static void emit_keep_event(void *ctx, enum map_event e, const struct map_result *r)
{
	render_map_keep_event(ctx, e, r, clock_wall_ms());
}

/* A failure in the document of the mode asked for: --list's, --external's,
 * a --keep event, or the mapping. */
static int render_failure(const struct map_cli *m, const struct output *o,
			  const struct map_result *r)
{
	struct map_list l = {.gateway = r->gateway};
	struct map_external x = {.n = 0};
	if (m->list_given)
		render_map_list(o, &l, r);
	else if (m->external_given)
		render_map_external(o, &x, r);
	else if (m->keep)
		emit_keep_event((void *)o, MAP_EVENT_FAILED, r);
	else
		render_map_result(o, MAP_EVENT_FAILED, r);
	return failure_exit(r->failure);
}

/* Nothing was asked: a usage error, or no route; the result says what was meant. */
static int render_not_run(const struct map_cli *m, const struct output *o, enum failure failure,
			  const char *error)
{
	struct map_result r;
	memset(&r, 0, sizeof(r));
	r.method = MAP_NONE;
	r.protocol = m->p.protocol;
	r.gateway = m->p.gateway;
	r.internal = m->p.internal;
	r.internal.port = m->p.internal_port;
	r.external.port = m->p.external_port;
	r.failure = failure;
	snprintf(r.error, sizeof(r.error), "%s", error);
	if (m->check)
		map_check_not_run(&r, &m->copt, "nothing was mapped");
	return render_failure(m, o, &r);
}

static int do_list(struct portmap *pm, const struct global_opts *g, const struct output *o,
		   struct map_result *r)
{
	struct map_list l;
	portmap_list(pm, g->deadline_us, &l, r);
	render_map_list(o, &l, r);
	map_list_free(&l);
	return failure_exit(r->failure);
}

static int do_external(struct portmap *pm, const struct global_opts *g, const struct output *o,
		       struct map_result *r)
{
	struct map_external x;
	portmap_external(pm, g->deadline_us, &x, r);
	render_map_external(o, &x, r);
	return failure_exit(r->failure);
}

/* The mapping just made, checked if --check asked; nothing made, why not. */
static void check_mapping(struct portmap *pm, const struct map_cli *m, int64_t deadline,
			  struct map_result *r)
{
	struct map_check_options o = m->copt;
	o.deadline = deadline;
	if (!m->check)
		return;
	if (r->ok)
		map_check(pm, &o, r);
	else
		map_check_not_run(r, &o, "nothing was mapped");
}

static int do_keep(struct portmap *pm, const struct map_cli *m, const struct global_opts *g,
		   const struct output *o, struct map_result *r)
{
	struct sigwatch sw;
	bool wake = false;
	int rc = sigwatch_open(&sw, &wake);
	if (rc < 0) {
		r->failure = FAILURE_SYSTEM;
		snprintf(r->error, sizeof(r->error), "cannot watch for signals: %s", strerror(-rc));
		emit_keep_event((void *)o, MAP_EVENT_FAILED, r);
		return failure_exit(r->failure);
	}
	sigwatch_hangup(&sw, fileno(o->f)); /* `| head -1`: delete when the reader leaves */
	rc = portmap_run(pm, g->deadline_us, r);
	check_mapping(pm, m, g->deadline_us, r);
	if (rc < 0) {
		emit_keep_event((void *)o, MAP_EVENT_FAILED, r);
	} else {
		/* Proven unreachable, it is still held: the event says so, and
		 * the run's status is how it ends (natctl(1) --keep). */
		emit_keep_event((void *)o, MAP_EVENT_MAPPED, r);
		if (map_keep(pm, r, g->timeout_us, &sw, &wake, m->check ? &m->copt : NULL,
			     emit_keep_event, (void *)o) < 0)
			emit_keep_event((void *)o, MAP_EVENT_FAILED, r);
	}
	sigwatch_close(&sw);
	return failure_exit(r->failure);
}

static int do_once(struct portmap *pm, const struct map_cli *m, const struct global_opts *g,
		   const struct output *o, struct map_result *r, enum map_event e)
{
	portmap_run(pm, g->deadline_us, r);
	check_mapping(pm, m, g->deadline_us, r);
	render_map_result(o, e, r);
	return failure_exit(r->failure);
}

/* --check's server, resolved under the deadline before anything is mapped:
 * a name that does not resolve fails the command with no side effect. */
static enum failure resolve_check_server(struct map_cli *m, const struct global_opts *g,
					 struct stun_servers *servers)
{
	const char *name = m->stun ? m->stun : stun_default_servers[0];
	struct global_opts v4 = *g;
	v4.family = AF_INET; /* the mapping is IPv4's */
	enum failure f = stun_servers_resolve(&name, 1, &v4, servers);
	m->copt.server = servers->ep[0];
	m->copt.trace = &g->trace;
	return f;
}

static int run_map(struct map_cli *m, const struct global_opts *g)
{
	struct output o = cli_output(g);
	struct stun_servers servers;
	struct portmap *pm;
	struct map_result r;
	int status;
	enum failure f = m->check ? resolve_check_server(m, g, &servers) : FAILURE_NONE;
	if (f != FAILURE_NONE)
		return render_not_run(m, &o, f, servers.error);
	if (portmap_open(&pm, &m->p, &g->trace, &r) < 0)
		status = render_not_run(m, &o, r.failure, r.error);
	else if (m->list_given)
		status = do_list(pm, g, &o, &r);
	else if (m->external_given)
		status = do_external(pm, g, &o, &r);
	else if (m->keep)
		status = do_keep(pm, m, g, &o, &r);
	else
		status = do_once(pm, m, g, &o, &r,
				 m->delete_given ? MAP_EVENT_DELETED : MAP_EVENT_MAPPED);
	portmap_close(pm);
	return status;
}

/* A malformed --stun is a usage error before anything is asked. */
static void check_stun_operand(const struct map_cli *m, struct global_opts *g)
{
	struct stun_servers servers;
	struct global_opts v4 = *g;
	v4.family = AF_INET;
	if (m->stun && stun_servers_check(&m->stun, 1, &v4, &servers) == FAILURE_USAGE)
		cli_usage(g, "%s", servers.error);
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
		.on_option = on_map_option,
		.ctx = &m,
	};
	int first = cli_parse(argc, argv, &spec, g);
	if (cli_help_or_version(g, usage_map))
		return EXIT_OK;
	int operands = argc - first;
	check_combination(&m, g, operands);
	check_stun_operand(&m, g);
	if (!m.list_given && !m.external_given && !g->usage_error[0])
		parse_operands(g, operands, argv + first, &m.p);
	m.p.op = m.delete_given     ? MAP_OP_DELETE
		 : m.list_given     ? MAP_OP_LIST
		 : m.external_given ? MAP_OP_EXTERNAL
				    : MAP_OP_ADD;
	if (g->usage_error[0]) {
		struct output o = cli_output(g);
		return render_not_run(&m, &o, FAILURE_USAGE, g->usage_error);
	}
	return run_map(&m, g);
}
