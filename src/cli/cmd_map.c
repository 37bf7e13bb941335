// SPDX-License-Identifier: BSD-2-Clause
// `natctl map`: open, keep, delete or list port mappings on the gateway (PCP, NAT-PMP, UPnP IGD).
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "natctl/cli/cli.h"
#include "natctl/base/clock.h"
#include "natctl/base/text.h"
#include "natctl/cli/output_map.h"
#include "natctl/cli/stun_servers.h"
#include "natctl/map/map_cache.h"
#include "natctl/map/map_check.h"
#include "natctl/map/map_cleanup.h"
#include "natctl/map/map_hook.h"
#include "natctl/map/map_keep.h"
#include "natctl/map/map_ledger.h"
#include "natctl/map/portmap.h"
#include "natctl/map/state.h"
#include "natctl/net/sigwatch.h"

void usage_map(FILE *f)
{
	static const char *const examples[] = {
		"natctl map 8080                      # forward TCP port 8080 to this host",
		"natctl map --keep 9000-9015 both     # 16 ports, TCP and UDP, held",
		"natctl map --cleanup                 # after a crash: delete what natctl left",
		NULL,
	};
	fputs("usage: natctl map [options] PORT[-LAST][:EXTERNAL] [tcp|udp|both]\n"
	      "       natctl map --delete [options] PORT[-LAST][:EXTERNAL] [tcp|udp|both]\n"
	      "       natctl map --cleanup [options]\n"
	      "       natctl map --list [options]\n"
	      "       natctl map --external [options]\n"
	      "\n"
	      "Asks the gateway to forward EXTERNAL (default PORT) to PORT on this host,\n"
	      "over tcp (default), udp or both, through PCP, NAT-PMP or UPnP IGD: all are\n"
	      "asked at once and the first that works is used, PCP first, then NAT-PMP,\n"
	      "then UPnP. A range PORT-LAST (at most 1024 mappings) is mapped all at once.\n"
	      "With -6 (natctl -6 map PORT): an inbound IPv6 pinhole through PCP or UPnP\n"
	      "IGDv2 (PCP first) to this host's stable global address (not temporary, ULA\n"
	      "or deprecated), bound as the source of the requests.\n"
	      "\n"
	      "Options:\n"
	      "      --via METHOD       auto (default), pcp, natpmp or upnp\n"
	      "      --lifetime SEC     lifetime of the mapping (default 7200; 0 permanent\n"
	      "                         where the method allows, else the longest)\n"
	      "      --keep             stay in the foreground, renew the mappings, map them\n"
	      "                         again after a gateway restart, delete them on any\n"
	      "                         terminating signal; one line per event (with --json,\n"
	      "                         one JSON document per line)\n"
	      "      --on-change CMD    with --keep: run CMD (by /bin/sh -c) on mapped,\n"
	      "                         remapped, address-changed and lost, the mapping in\n"
	      "                         NATCTL_* environment variables; killed after 10 times\n"
	      "                         -t\n"
	      "      --any              if EXTERNAL is taken, take the port the gateway offers\n"
	      "      --description TEXT UPnP description (default \"natctl HOSTNAME\", which\n"
	      "                         --cleanup and --list know as natctl's own)\n"
	      "      --internal ADDRESS map to another host of the LAN, where allowed (-6:\n"
	      "                         this host's IPv6 address to open instead)\n"
	      "  -i, --interface IF     use interface IF and its default gateway\n"
	      "      --gateway ADDRESS  skip discovery: ask this gateway\n"
	      "      --delete           remove the mapping (only one to this host)\n"
	      "      --force            with --delete: remove it whatever host it points at\n"
	      "      --cleanup          delete every mapping natctl made from this host that\n"
	      "                         is still live (its state, and UPnP mappings described\n"
	      "                         as natctl's that point here)\n"
	      "      --list             list the gateway's mappings (UPnP), and natctl's own\n"
	      "                         PCP and NAT-PMP mappings from its state\n"
	      "      --external         print the gateway's external address by each method\n"
	      "      --check            prove the new mapping reachable from outside: an\n"
	      "                         RFC 5780 STUN server answers through it (TCP, or a\n"
	      "                         UDP port in use: through a companion UDP mapping)\n"
	      "      --stun SERVER      the STUN server of --check, HOST[:PORT] (default\n"
	      "                         stun.voipgate.com:3478, the RFC 5780 one of 'stun')\n"
	      "      --wait SEC         how long a gateway that does not answer at all gets\n"
	      "                         before it counts as absent (default 1.05; SSDP's MX\n"
	      "                         follows; for slow routers; within -t)\n"
	      "      --no-cache         neither use nor write the gateway cache (what the\n"
	      "                         last discovery learnt, for a warm start)\n",
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
	OPT_CLEANUP,
	OPT_ON_CHANGE,
	OPT_WAIT,
	OPT_NO_CACHE,
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
	{"cleanup", no_argument, NULL, OPT_CLEANUP},
	{"on-change", required_argument, NULL, OPT_ON_CHANGE},
	{"wait", required_argument, NULL, OPT_WAIT},
	{"no-cache", no_argument, NULL, OPT_NO_CACHE},
	{NULL, 0, NULL, 0},
};

/* At most this many mappings in one run: a range times its transports. */
#define MAP_SET_MAX 1024

struct map_cli {
	struct map_params p;
	bool keep, lifetime_given, delete_given, list_given, external_given, check, cleanup;
	bool no_cache;
	bool set; /* a range or both transports: one result per mapping */
	struct map_ask asks[MAP_SET_MAX];
	size_t n_asks;
	char cache_dir[MAP_CACHE_DIR_MAX];
	const char *stun;      /* --stun, or NULL: the default server */
	const char *on_change; /* --on-change, or NULL */
	struct map_check_options copt;
	char ifname[IF_NAMESIZE];
	char tag[MAP_DESC_MAX]; /* natctl's own UPnP description on this host */
	struct state_dir state;
	bool have_state; /* the state directory holds the key, and will hold the mappings */
	uint8_t key[SIPHASH_KEY_LEN];
	char state_warning[MAP_TEXT_MAX]; /* why there is no state, if so */
	struct global_opts *g;            /* where option errors go */
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

/* An IPv4 address, or with -6 an IPv6 one (checked once every option is read). */
static void parse_ip(struct global_opts *g, const char *opt, const char *arg, struct endpoint *e)
{
	if (endpoint_parse_ip(e, arg) < 0) {
		memset(e, 0, sizeof(*e));
		cli_usage(g, "invalid %s '%s': expected an IP address", opt, arg);
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

static void parse_on_change(struct global_opts *g, const char *arg, struct map_cli *m)
{
	if (!arg[0])
		cli_usage(g, "invalid --on-change: an empty command");
	else
		m->on_change = arg;
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
	case OPT_INTERNAL: parse_ip(g, "--internal", arg, &m->p.internal); break;
	case OPT_GATEWAY: parse_ip(g, "--gateway", arg, &m->p.gateway); break;
	case OPT_DELETE: m->delete_given = true; break;
	case OPT_FORCE: m->p.force = true; break;
	case OPT_LIST: m->list_given = true; break;
	case OPT_EXTERNAL: m->external_given = true; break;
	case OPT_CHECK: m->check = true; break;
	case OPT_STUN: m->stun = arg; break;
	case OPT_CLEANUP: m->cleanup = true; break;
	case OPT_ON_CHANGE: parse_on_change(g, arg, m); break;
	case OPT_WAIT: cli_parse_wait(g, arg, &m->p.wait_us); break;
	case OPT_NO_CACHE: m->no_cache = true; break;
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

/* PORT or PORT-LAST: a range of one port or more, named in errors by its operand. */
static int parse_range(struct global_opts *g, const char *operand, const char *text,
		       uint16_t *first, uint16_t *last)
{
	char one[8];
	const char *dash = strchr(text, '-');
	size_t n = dash ? (size_t)(dash - text) : strlen(text);
	if (n >= sizeof(one))
		n = sizeof(one) - 1; /* too long to be a port: parse_one_port says so */
	memcpy(one, text, n);
	one[n] = '\0';
	if (parse_one_port(g, operand, one, first) != 0 ||
	    (dash && parse_one_port(g, operand, dash + 1, last) != 0))
		return failure_exit(FAILURE_USAGE);
	if (!dash)
		*last = *first;
	if (*last < *first)
		return cli_usage(g, "invalid port range '%s': %u comes after %u", operand, *first,
				 *last);
	return 0;
}

/* tcp, udp or both: how many transports, and which (IPPROTO_*). */
static int parse_transport(struct global_opts *g, const char *arg, int protocols[2], size_t *n)
{
	*n = 1;
	protocols[0] = IPPROTO_TCP;
	if (!arg || strcasecmp(arg, "tcp") == 0)
		return 0;
	if (strcasecmp(arg, "udp") == 0) {
		protocols[0] = IPPROTO_UDP;
		return 0;
	}
	if (strcasecmp(arg, "both") == 0) {
		protocols[1] = IPPROTO_UDP;
		*n = 2;
		return 0;
	}
	return cli_usage(g, "invalid transport '%s': expected tcp, udp or both", arg);
}

/* The mappings asked: each port of the range, each transport (TCP first). */
static int fill_asks(struct global_opts *g, struct map_cli *m, const uint16_t in[2],
		     const uint16_t ext[2], const int protocols[2], size_t n_proto)
{
	size_t ports = (size_t)(in[1] - in[0]) + 1;
	if (ext[1] != ext[0] && ext[1] - ext[0] != in[1] - in[0])
		return cli_usage(g,
				 "invalid port range: EXTERNAL %u-%u is not as long as PORT %u-%u",
				 ext[0], ext[1], in[0], in[1]);
	if (ports > 65536u - ext[0] || ports * n_proto > MAP_SET_MAX)
		return cli_usage(
			g, "invalid port range: at most %d mappings (%zu asked), within 1 to 65535",
			MAP_SET_MAX, ports * n_proto);
	for (size_t i = 0; i < ports; i++)
		for (size_t t = 0; t < n_proto; t++)
			m->asks[m->n_asks++] = (struct map_ask){
				.protocol = protocols[t],
				.internal_port = (uint16_t)(in[0] + i),
				.external_port = (uint16_t)(ext[0] + i),
			};
	return 0;
}

/* PORT[-LAST][:EXTERNAL[-LAST]] [tcp|udp|both] */
static int parse_operands(struct global_opts *g, int argc, char **argv, struct map_cli *m)
{
	if (argc < 1 || argc > 2)
		return cli_usage(g, "%s; try 'natctl map --help'",
				 argc < 1 ? "missing PORT" : "too many operands");
	char internal[16];
	const char *colon = strchr(argv[0], ':');
	size_t n = colon ? (size_t)(colon - argv[0]) : strlen(argv[0]);
	uint16_t in[2], ext[2];
	int protocols[2];
	size_t n_proto;
	if (n >= sizeof(internal))
		n = sizeof(internal) - 1; /* too long to be a range: parse_range says so */
	memcpy(internal, argv[0], n);
	internal[n] = '\0';
	if (parse_range(g, argv[0], internal, &in[0], &in[1]) != 0 ||
	    (colon && parse_range(g, argv[0], colon + 1, &ext[0], &ext[1]) != 0) ||
	    parse_transport(g, argc == 2 ? argv[1] : NULL, protocols, &n_proto) != 0)
		return failure_exit(FAILURE_USAGE);
	if (!colon)
		memcpy(ext, in, sizeof(ext));
	m->set = in[1] != in[0] || n_proto > 1;
	if (fill_asks(g, m, in, ext, protocols, n_proto) != 0)
		return failure_exit(FAILURE_USAGE);
	m->p.protocol = m->asks[0].protocol;
	m->p.internal_port = m->asks[0].internal_port;
	m->p.external_port = m->asks[0].external_port;
	return 0;
}

/* An address option of the wrong family for -4 (default) or -6. */
static const char *family_mismatch(const struct map_cli *m, int family)
{
	bool v6 = family == AF_INET6;
	if (endpoint_is_set(&m->p.internal) && m->p.internal.family != family)
		return v6 ? "invalid --internal: -6 takes an IPv6 address of this host"
			  : "invalid --internal: expected an IPv4 address (-6 for IPv6)";
	if (endpoint_is_set(&m->p.gateway) && m->p.gateway.family != family)
		return v6 ? "invalid --gateway: -6 takes an IPv6 address"
			  : "invalid --gateway: expected an IPv4 address (-6 for IPv6)";
	return NULL;
}

/*
 * -6 opens a pinhole through PCP (RFC 6887 speaks IPv6 as it speaks IPv4)
 * and UPnP IGDv2's WANIPv6FirewallControl. NAT-PMP has no IPv6 (RFC 6886),
 * and a pinhole has no table to list or external address to ask for.
 */
static const char *ipv6_refusal(struct map_cli *m)
{
	if (m->list_given || m->external_given)
		return "--list and --external are IPv4's: an IPv6 pinhole has no NAT table";
	if (m->p.methods == MAP_BIT(MAP_NATPMP))
		return "NAT-PMP has no IPv6 (RFC 6886): -6 goes through pcp or upnp";
	if (m->p.force)
		return "--force is IPv4's: a pinhole is only ever this host's";
	/* PCP and UPnP IGDv2 (WANIPv6FirewallControl) at once, PCP preferred. */
	m->p.methods &= MAP_BIT(MAP_PCP) | MAP_BIT(MAP_UPNP);
	return NULL;
}

/* Flags that exclude each other, or NULL. */
static const char *conflict(const struct map_cli *m, int operands)
{
	int modes = m->delete_given + m->list_given + m->external_given + m->keep + m->cleanup;
	bool once = m->delete_given || m->list_given || m->external_given || m->cleanup;
	const char *bad = NULL;
	if (modes > 1)
		bad = "--keep, --delete, --cleanup, --list and --external exclude each other";
	else if (m->on_change && !m->keep)
		bad = "--on-change goes with --keep";
	else if (m->p.force && !m->delete_given)
		bad = "--force goes with --delete";
	else if (m->lifetime_given && once)
		bad = "--lifetime goes with a new mapping";
	else if (m->p.any && once)
		bad = "--any goes with a new mapping";
	else if ((m->list_given || m->external_given || m->cleanup) && operands > 0)
		bad = "--list, --external and --cleanup take no PORT";
	else if (m->check && once)
		bad = "--check goes with a new mapping";
	else if (m->stun && !m->check)
		bad = "--stun goes with --check";
	return bad;
}

/* Conflicting flags are refused before anything is sent. */
static void check_combination(struct map_cli *m, struct global_opts *g, int operands)
{
	const char *bad = family_mismatch(m, m->p.family);
	if (!bad && m->p.family == AF_INET6)
		bad = ipv6_refusal(m);
	if (!bad)
		bad = conflict(m, operands);
	if (bad)
		cli_usage(g, "%s", bad);
	else if (m->p.wait_us)
		cli_check_wait(g, m->p.wait_us);
}

/* ---- natctl's state, and its own UPnP description ---- */

/* $STATE_DIRECTORY (a service), $XDG_STATE_HOME/natctl, ~/.local/state/natctl
 * or /var/lib/natctl: the key of PCP nonces, and the mappings made. */
static void open_state(struct map_cli *m)
{
	int rc = state_dir_choose(&m->state, getenv("STATE_DIRECTORY"), getenv("XDG_STATE_HOME"),
				  getenv("HOME"));
	if (rc == 0)
		rc = state_key(&m->state, m->key);
	if (rc < 0) {
		snprintf(m->state_warning, sizeof(m->state_warning),
			 "no state in %s (%s): natctl keeps no record of these mappings, and "
			 "a later natctl cannot delete them by PCP",
			 m->state.path, strerror(-rc));
		return;
	}
	m->have_state = true;
	m->p.pcp_key = m->key;
}

static const struct state_dir *state_of(const struct map_cli *m)
{
	return m->have_state ? &m->state : NULL;
}

static void warn_state(const struct map_cli *m, struct map_result *r)
{
	if (m->state_warning[0])
		TEXT_LINES_ADD(r->warnings, r->n_warnings, "%s", m->state_warning);
}

/* "natctl HOSTNAME": what natctl calls its UPnP mappings unless told
 * otherwise, so that --cleanup and --list know them. */
static void make_tag(struct map_cli *m)
{
	char host[256] = "", clean[MAP_DESC_MAX];
	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	text_sanitize(clean, sizeof(clean), host);
	if (clean[0])
		snprintf(m->tag, sizeof(m->tag), MAP_TAG_PLAIN " %.*s",
			 (int)(sizeof(m->tag) - sizeof(MAP_TAG_PLAIN) - 1), clean);
	else
		snprintf(m->tag, sizeof(m->tag), MAP_TAG_PLAIN);
	if (!m->p.description)
		m->p.description = m->tag;
}

/* --delete -6: the UniqueIDs of the UPnP pinholes natctl recorded for the
 * ports asked at gateway (DeletePinhole names a pinhole by it alone); with
 * take false, only the methods natctl recorded any of them by, at any
 * gateway (MAP_BIT()s). */
static unsigned pinhole_ids(struct map_cli *m, const struct endpoint *gateway, bool take)
{
	unsigned found = 0;
	const struct state_dir *d = state_of(m);
	struct state_mapping *rec = calloc(STATE_MAX_MAPPINGS, sizeof(*rec));
	size_t n = 0;
	if (!d || !rec || state_load(d, (int64_t)time(NULL), rec, STATE_MAX_MAPPINGS, &n) < 0)
		n = 0;
	for (size_t i = 0; i < m->n_asks; i++) {
		struct map_ask *a = &m->asks[i];
		for (size_t k = 0; k < n && !a->has_pinhole_id; k++) {
			const struct state_mapping *s = &rec[k];
			if (s->gateway.family != AF_INET6 || s->protocol != a->protocol ||
			    s->external_port != a->external_port ||
			    (s->method == MAP_UPNP && !s->has_pinhole_id) ||
			    (take && !endpoint_same_ip(&s->gateway, gateway)))
				continue;
			found |= MAP_BIT(s->method);
			if (take && s->method == MAP_UPNP) {
				a->has_pinhole_id = true;
				a->pinhole_id = s->pinhole_id;
			}
		}
	}
	free(rec);
	return found;
}

/*
 * --delete -6 (not through one method alone): through the methods the
 * state says made the pinholes. Both open the same firewall rule in
 * miniupnpd, and PCP asked to delete a UPnP pinhole is refused and then
 * cuts the rule's lifetime, keeping it open; UPnP cannot delete one it has
 * no UniqueID of, so without a record only PCP is asked.
 */
static void delete6_methods(struct map_cli *m)
{
	unsigned upnp = MAP_BIT(MAP_UPNP), recorded;
	if (!m->delete_given || m->p.family != AF_INET6 || __builtin_popcount(m->p.methods) < 2)
		return;
	recorded = pinhole_ids(m, NULL, false) & m->p.methods;
	m->p.methods = recorded ? recorded : m->p.methods & ~upnp;
}

/* The deletions of results rs[n] (each method that removed one), out of the state. */
static void forget_deleted(const struct map_cli *m, const struct map_result *rs, size_t n)
{
	struct map_result *gone = calloc(n * MAP_N_METHODS + 1, sizeof(*gone));
	size_t k = 0;
	for (size_t i = 0; gone && i < n; i++)
		for (int b = 0; rs[i].ok && b < MAP_N_METHODS; b++)
			if (rs[i].deleted_by & MAP_BIT(b)) {
				gone[k] = rs[i];
				gone[k++].method = (enum map_method)b;
			}
	map_ledger_update(state_of(m), NULL, 0, gone, k);
	free(gone);
}

/* ---- running, and the one document of each mode ---- */

static void emit_keep_event(void *ctx, enum map_event e, const struct map_result *r)
{
	render_map_keep_event(ctx, e, r, clock_wall_ms());
}

static const char *set_operation(const struct map_cli *m)
{
	return m->cleanup ? "cleanup" : m->delete_given ? "delete" : "map";
}

/* A failure in the document of the mode asked for: --list's, --external's,
 * a --keep event, a set's, or the mapping. */
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
	else if (m->set || m->cleanup)
		render_map_set(o, set_operation(m), NULL, 0, r);
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
	r.family = m->p.family;
	r.failure = failure;
	snprintf(r.error, sizeof(r.error), "%s", error);
	if (m->check)
		map_check_not_run(&r, &m->copt, "nothing was mapped");
	return render_failure(m, o, &r);
}

/* natctl's own PCP and NAT-PMP mappings beside UPnP's table. */
static void list_ours(struct portmap *pm, const struct map_cli *m, struct map_list *l,
		      struct map_result *r)
{
	struct endpoint self, gw;
	size_t n = 0;
	struct state_mapping *rec = calloc(STATE_MAX_MAPPINGS, sizeof(*rec));
	portmap_endpoints(pm, &self, &gw);
	l->gateway = gw;
	if (rec && m->have_state)
		state_load(&m->state, (int64_t)time(NULL), rec, STATE_MAX_MAPPINGS, &n);
	map_list_add_ours(l, rec, n, m->p.methods, m->tag, &self, (int64_t)time(NULL));
	free(rec);
	/* The gateway's table missing is news, not a failure, beside natctl's own. */
	if (r->failure != FAILURE_NONE && l->n > 0) {
		TEXT_LINES_ADD(r->warnings, r->n_warnings, "UPnP: %s", r->error);
		r->failure = FAILURE_NONE;
		r->error[0] = '\0';
		r->n_errors = 0;
	}
}

static int do_list(struct portmap *pm, const struct map_cli *m, const struct global_opts *g,
		   const struct output *o, struct map_result *r)
{
	struct map_list l;
	memset(&l, 0, sizeof(l));
	if (m->p.methods & MAP_BIT(MAP_UPNP))
		portmap_list(pm, g->deadline_us, &l, r);
	list_ours(pm, m, &l, r);
	warn_state(m, r);
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

/* Every mapping asked, made or deleted at once; recorded in the state. */
static size_t run_asks(struct portmap *pm, const struct map_cli *m, const struct global_opts *g,
		       struct map_result *rs)
{
	size_t ok = portmap_run_set(pm, m->asks, m->n_asks, g->deadline_us, rs);
	if (!m->set)
		check_mapping(pm, m, g->deadline_us, &rs[0]);
	if (m->delete_given)
		forget_deleted(m, rs, m->n_asks);
	else
		map_ledger_update(state_of(m), rs, m->n_asks, NULL, 0);
	warn_state(m, &rs[0]);
	return ok;
}

/* A set's own line: how many failed, and the first one's reason. */
static void summarize(const struct map_result *rs, size_t n, struct map_result *s)
{
	const struct map_result *first = NULL;
	size_t failed = 0;
	memset(s, 0, sizeof(*s));
	s->method = MAP_NONE;
	s->gateway = n ? rs[0].gateway : s->gateway;
	for (size_t i = 0; i < n; i++) {
		if (rs[i].failure == FAILURE_NONE)
			continue;
		first = first ? first : &rs[i];
		failed++;
		s->failure = failure_merge(s->failure, rs[i].failure);
	}
	if (first)
		snprintf(s->error, sizeof(s->error), "%zu of %zu mappings failed (%u/%s: %.800s)",
			 failed, n, first->external.port, map_protocol_name(first->protocol),
			 first->error);
}

static enum failure worst(const struct map_result *rs, size_t n)
{
	enum failure f = FAILURE_NONE;
	for (size_t i = 0; i < n; i++)
		f = failure_merge(f, rs[i].failure);
	return f;
}

static struct map_hook *open_hook(const struct map_cli *m, const struct global_opts *g)
{
	return m->on_change ? map_hook_open(m->on_change, MAP_HOOK_BOUND_FACTOR * g->timeout_us,
					    &g->trace)
			    : NULL;
}

/* Holds the mappings made until a signal; each failed one is said at the start. */
static int keep_all(struct portmap *pm, const struct map_cli *m, const struct global_opts *g,
		    const struct output *o, struct sigwatch *sw, bool *wake, struct map_result *rs)
{
	struct map_hook *hook = open_hook(m, g);
	struct map_keep_options ko = {
		.timeout_us = g->timeout_us,
		.sw = sw,
		.wake = wake,
		.check = m->check ? &m->copt : NULL,
		.hook = hook,
		.state = state_of(m),
		.any = m->p.any,
		.lifetime = m->p.lifetime,
		.methods = m->p.methods,
		.emit = emit_keep_event,
		.ctx = (void *)o,
	};
	for (size_t i = 0; i < m->n_asks; i++)
		if (!rs[i].ok)
			emit_keep_event((void *)o, MAP_EVENT_FAILED, &rs[i]);
	if (m->on_change && !hook) {
		rs[0].failure = FAILURE_SYSTEM;
		snprintf(rs[0].error, sizeof(rs[0].error), "--on-change: out of memory");
		return failure_exit(FAILURE_SYSTEM);
	}
	map_keep(pm, rs, m->n_asks, &ko);
	map_hook_close(hook);
	return failure_exit(worst(rs, m->n_asks));
}

/* The reader of stdout left (`| head -1`, SIGPIPE): nobody is there to
 * read the rest, which is no failure of the run, so it goes to /dev/null
 * and the exit status says how the mappings ended. */
static void reader_gone(FILE *f)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, fileno(f));
		close(fd);
	}
	clearerr(f);
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
	struct map_result *rs = calloc(m->n_asks, sizeof(*rs));
	int status;
	if (!rs) {
		r->failure = FAILURE_SYSTEM;
		snprintf(r->error, sizeof(r->error), "out of memory");
		emit_keep_event((void *)o, MAP_EVENT_FAILED, r);
		status = failure_exit(r->failure);
	} else if (run_asks(pm, m, g, rs) == 0) {
		/* Nothing made, nothing to hold: each failure said once. */
		for (size_t i = 0; i < m->n_asks; i++)
			emit_keep_event((void *)o, MAP_EVENT_FAILED, &rs[i]);
		status = failure_exit(worst(rs, m->n_asks));
	} else {
		/* Proven unreachable, a mapping is still held: its event says
		 * so, and the run's status is how it ends (natctl(1) --keep). */
		status = keep_all(pm, m, g, o, &sw, &wake, rs);
	}
	free(rs);
	sigwatch_close(&sw);
	if (sw.signo == SIGPIPE)
		reader_gone(o->f);
	return status;
}

static int do_once(struct portmap *pm, const struct map_cli *m, const struct global_opts *g,
		   const struct output *o, struct map_result *r)
{
	run_asks(pm, m, g, r);
	render_map_result(o, m->delete_given ? MAP_EVENT_DELETED : MAP_EVENT_MAPPED, r);
	return failure_exit(r->failure);
}

/* A range, or both transports: one result each, in one document. */
static int do_set(struct portmap *pm, const struct map_cli *m, const struct global_opts *g,
		  const struct output *o, struct map_result *r)
{
	struct map_result *rs = calloc(m->n_asks, sizeof(*rs));
	struct map_result summary;
	if (!rs) {
		r->failure = FAILURE_SYSTEM;
		snprintf(r->error, sizeof(r->error), "out of memory");
		return render_failure(m, o, r);
	}
	run_asks(pm, m, g, rs);
	summarize(rs, m->n_asks, &summary);
	render_map_set(o, set_operation(m), rs, m->n_asks, &summary);
	free(rs);
	return failure_exit(summary.failure);
}

static int do_cleanup(struct portmap *pm, const struct map_cli *m, const struct global_opts *g,
		      const struct output *o)
{
	struct map_cleanup c;
	size_t n = 0;
	struct state_mapping *rec = calloc(STATE_MAX_MAPPINGS, sizeof(*rec));
	if (rec && m->have_state)
		state_load(&m->state, (int64_t)time(NULL), rec, STATE_MAX_MAPPINGS, &n);
	map_cleanup(pm, rec, n, m->tag, g->deadline_us, &c);
	free(rec);
	forget_deleted(m, c.results, c.n);
	/* Those that were gone already go from the state too. */
	for (size_t i = 0; i < c.n; i++)
		if (c.results[i].ok && !c.results[i].deleted_by)
			map_ledger_update(state_of(m), NULL, 0, &c.results[i], 1);
	warn_state(m, &c.summary);
	render_map_set(o, "cleanup", c.results, c.n, &c.summary);
	map_cleanup_free(&c);
	return failure_exit(c.summary.failure);
}

/* --check's server, resolved under the deadline before anything is mapped:
 * a name that does not resolve fails the command with no side effect. */
static enum failure resolve_check_server(struct map_cli *m, const struct global_opts *g,
					 struct stun_servers *servers)
{
	const char *name = m->stun ? m->stun : stun_default_servers[0];
	struct global_opts same = *g;
	same.family = m->p.family; /* a server of the mapping's family: -6 checks a pinhole */
	enum failure f = stun_servers_resolve(&name, 1, &same, servers);
	m->copt.server = servers->ep[0];
	m->copt.trace = &g->trace;
	return f;
}

static int run_mode(struct portmap *pm, struct map_cli *m, const struct global_opts *g,
		    const struct output *o, struct map_result *r)
{
	if (m->list_given)
		return do_list(pm, m, g, o, r);
	if (m->external_given)
		return do_external(pm, g, o, r);
	if (m->cleanup)
		return do_cleanup(pm, m, g, o);
	if (m->keep)
		return do_keep(pm, m, g, o, r);
	if (m->delete_given && m->p.family == AF_INET6)
		pinhole_ids(m, &r->gateway, true);
	if (m->set)
		return do_set(pm, m, g, o, r);
	return do_once(pm, m, g, o, r);
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
	make_tag(m);
	if (!m->external_given)
		open_state(m);
	m->p.cache_dir = cli_cache_dir(g, m->no_cache, m->cache_dir, sizeof(m->cache_dir));
	delete6_methods(m);
	if (portmap_open(&pm, &m->p, &g->trace, &r) < 0)
		status = render_not_run(m, &o, r.failure, r.error);
	else
		status = run_mode(pm, m, g, &o, &r);
	portmap_close(pm);
	return status;
}

/* A malformed --stun is a usage error before anything is asked. */
static void check_stun_operand(const struct map_cli *m, struct global_opts *g)
{
	struct stun_servers servers;
	struct global_opts same = *g;
	same.family = m->p.family;
	if (m->stun && stun_servers_check(&m->stun, 1, &same, &servers) == FAILURE_USAGE)
		cli_usage(g, "%s", servers.error);
}

/* A range or `both` asks for a set's document, even when the operand is
 * bad: what the document is follows the command line's shape. */
static bool looks_like_set(int argc, char **argv)
{
	return (argc >= 1 && strchr(argv[0], '-') != NULL) ||
	       (argc == 2 && strcasecmp(argv[1], "both") == 0);
}

int cmd_map(int argc, char **argv, struct global_opts *g)
{
	struct map_cli *m = calloc(1, sizeof(*m));
	if (!m) {
		cli_error("map", "out of memory");
		return failure_exit(FAILURE_SYSTEM);
	}
	m->p.methods = MAP_ALL_METHODS;
	m->p.family = AF_INET;
	m->p.lifetime = MAP_DEFAULT_LIFETIME;
	m->p.protocol = IPPROTO_TCP;
	struct cli_spec spec = {
		.command = "map",
		.shortopts = "i:",
		.longopts = map_long_options,
		.on_option = on_map_option,
		.ctx = m,
	};
	int first = cli_parse(argc, argv, &spec, g), status;
	int operands = argc - first;
	if (cli_help_or_version(g, usage_map)) {
		free(m);
		return EXIT_OK;
	}
	if (g->family == AF_INET6)
		m->p.family = AF_INET6;
	check_combination(m, g, operands);
	check_stun_operand(m, g);
	m->set = looks_like_set(operands, argv + first);
	if (!m->list_given && !m->external_given && !m->cleanup && !g->usage_error[0])
		parse_operands(g, operands, argv + first, m);
	if (m->check && m->set && !g->usage_error[0])
		cli_usage(g, "--check takes one port and one transport");
	m->p.op = m->delete_given     ? MAP_OP_DELETE
		  : m->list_given     ? MAP_OP_LIST
		  : m->external_given ? MAP_OP_EXTERNAL
				      : MAP_OP_ADD;
	if (g->usage_error[0]) {
		struct output o = cli_output(g);
		status = render_not_run(m, &o, FAILURE_USAGE, g->usage_error);
	} else {
		status = run_map(m, g);
	}
	free(m);
	return status;
}
