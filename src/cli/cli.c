// SPDX-License-Identifier: BSD-2-Clause
// Global options, option parsing shared by the commands, checked number parsers, usage errors kept for the document.
#include "natctl/cli/cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/base/text.h"
#include "natctl/base/version.h"
#include "natctl/map/map_cache.h"

enum { OPT_COLOR = 0x400 };

const struct option global_long_options[] = {
	{"json", no_argument, NULL, 'j'},
	{"timeout", required_argument, NULL, 't'},
	{"verbose", no_argument, NULL, 'v'},
	{"quiet", no_argument, NULL, 'q'},
	{"color", required_argument, NULL, OPT_COLOR},
	{"ipv4", no_argument, NULL, '4'},
	{"ipv6", no_argument, NULL, '6'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

void cli_error(const char *command, const char *fmt, ...)
{
	va_list ap;
	fputs("natctl: ", stderr);
	if (command)
		fprintf(stderr, "%s: ", command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_usage(struct global_opts *g, const char *fmt, ...)
{
	if (!g->usage_error[0]) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(g->usage_error, sizeof(g->usage_error), fmt, ap);
		va_end(ap);
	}
	return failure_exit(FAILURE_USAGE);
}

void print_version(FILE *f)
{
	fprintf(f, "%s\n", natctl_name_version);
}

/* "Exit status: 0 success; 1 no-route, resolve, ...": each status with the
 * error_code tokens that give it, from the failure table. */
static void print_exit_statuses(FILE *f)
{
	int highest = 0;
	for (int c = 1; c < FAILURE_COUNT; c++)
		if (failure_documented((enum failure)c) && failure_exit((enum failure)c) > highest)
			highest = failure_exit((enum failure)c);
	fputs("\nExit status (and the JSON error_code; natctl(1) says what each means):\n"
	      "  0  success\n",
	      f);
	for (int status = 1; status <= highest; status++) {
		const char *sep = "";
		fprintf(f, "  %d  ", status);
		for (int c = 1; c < FAILURE_COUNT; c++) {
			if (failure_exit((enum failure)c) != status ||
			    !failure_documented((enum failure)c))
				continue;
			fprintf(f, "%s%s", sep, failure_token((enum failure)c));
			sep = ", ";
		}
		fputc('\n', f);
	}
}

void print_global_options(FILE *f)
{
	fputs("\nGlobal options (before or after the command):\n"
	      "  -j, --json           print the result as one JSON document on stdout, also\n"
	      "                       on failure\n"
	      "  -q, --quiet          nothing on stdout on success; errors still on stderr\n"
	      "  -t, --timeout SEC    deadline for the whole command, decimals allowed (default 3)\n"
	      "  -v, --verbose        trace every packet sent and received on stderr\n"
	      "      --color WHEN     auto (default: on a terminal, unless NO_COLOR or\n"
	      "                       TERM=dumb), always or never\n"
	      "  -4, --ipv4           use IPv4 only\n"
	      "  -6, --ipv6           use IPv6 only\n"
	      "  -h, --help           show this help and exit\n"
	      "  -V, --version        show the version and exit\n",
	      f);
	print_exit_statuses(f);
}

void print_examples(FILE *f, const char *const *lines)
{
	fputs("\nExamples:\n", f);
	for (; *lines; lines++)
		fprintf(f, "  %s\n", *lines);
}

int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

int parse_port(const char *s, uint16_t *port)
{
	unsigned long v;
	if (parse_uint(s, 65535, &v) < 0 || v == 0)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int parse_seconds(const char *s, double min, double max, int64_t *us)
{
	if (!s || !((*s >= '0' && *s <= '9') || *s == '.'))
		return -1;
	errno = 0;
	char *end;
	double v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < min || v > max)
		return -1;
	*us = (int64_t)llround(v * USEC_PER_SEC);
	return 0;
}

void cli_parse_wait(struct global_opts *g, const char *arg, int64_t *wait_us)
{
	if (parse_seconds(arg, 0.1, 60, wait_us) < 0)
		cli_usage(g, "invalid --wait '%s': expected seconds from 0.1 to 60", arg);
}

void cli_check_wait(struct global_opts *g, int64_t wait_us)
{
	char wait[16], timeout[16];
	text_seconds(wait, sizeof(wait), wait_us);
	text_seconds(timeout, sizeof(timeout), g->timeout_us);
	if (wait_us >= g->timeout_us)
		cli_usage(g, "--wait %s does not end before the deadline (-t %s): give -t more",
			  wait, timeout);
}

const char *cli_cache_dir(const struct global_opts *g, bool no_cache, char *buf, size_t cap)
{
	if (no_cache) {
		trace_log(&g->trace, "cache: not used (--no-cache)");
		return NULL;
	}
	if (map_cache_dir_choose(buf, cap, getenv("CACHE_DIRECTORY"), getenv("XDG_CACHE_HOME"),
				 getenv("HOME")) < 0) {
		trace_log(&g->trace, "cache: not used: its directory's path is too long");
		return NULL;
	}
	return buf;
}

void global_opts_arm(struct global_opts *g)
{
	g->deadline_us = g->start_us + g->timeout_us;
}

static void apply_color(struct global_opts *g, const char *arg)
{
	static const char *const names[] =
		{[COLOR_AUTO] = "auto", [COLOR_ALWAYS] = "always", [COLOR_NEVER] = "never"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(arg, names[i]) == 0) {
			g->color = (enum color_mode)i;
			return;
		}
	}
	cli_usage(g, "invalid --color '%s': expected auto, always or never", arg);
}

static void apply_family(struct global_opts *g, int opt)
{
	int family = opt == '4' ? AF_INET : AF_INET6;
	if (g->family != AF_UNSPEC && g->family != family)
		cli_usage(g, "-4 and -6 cannot be combined");
	else
		g->family = family;
}

/* Applies one global option; false if opt is not one. */
static bool global_opt_apply(struct global_opts *g, int opt, const char *arg)
{
	switch (opt) {
	case 'j': g->json = true; return true;
	case 'v': g->verbose = true; return true;
	case 'q': g->quiet = true; return true;
	case 'h': g->help = true; return true;
	case 'V': g->version = true; return true;
	case OPT_COLOR: apply_color(g, arg); return true;
	case '4':
	case '6': apply_family(g, opt); return true;
	case 't':
		if (parse_seconds(arg, 0.001, 3600, &g->timeout_us) < 0)
			cli_usage(g, "invalid timeout '%s': expected seconds from 0.001 to 3600",
				  arg);
		global_opts_arm(g);
		return true;
	default: return false;
	}
}

#define MAX_LONG_OPTIONS 48

/* The command's long options followed by the global ones. */
static void merge_long_options(const struct option *own, struct option *out)
{
	size_t n = 0;
	for (; own && own->name && n < MAX_LONG_OPTIONS - 12; own++)
		out[n++] = *own;
	for (const struct option *o = global_long_options; o->name; o++)
		out[n++] = *o;
	out[n] = (struct option){NULL, 0, NULL, 0};
}

static void bad_option(const struct cli_spec *spec, struct global_opts *g, char **argv, int opt)
{
	const char *cmd = spec->command, *word = argv[optind - 1];
	char shown[64];
	/* For a bad letter inside "-jx", name the letter, not the whole word. */
	if (optopt && word[0] == '-' && word[1] != '-')
		snprintf(shown, sizeof(shown), "-%c", optopt);
	else
		snprintf(shown, sizeof(shown), "%s", word);
	cli_usage(g, "%s '%s'; try 'natctl%s%s --help'",
		  opt == ':' ? "missing value for option" : "unknown option", shown, cmd ? " " : "",
		  cmd ? cmd : "");
}

int cli_parse(int argc, char **argv, const struct cli_spec *spec, struct global_opts *g)
{
	struct option longopts[MAX_LONG_OPTIONS];
	char shortopts[96];
	merge_long_options(spec->longopts, longopts);
	const char *own = spec->shortopts ? spec->shortopts : "";
	bool posix = own[0] == '+'; /* stop at the first operand (the command name) */
	snprintf(shortopts, sizeof(shortopts), "%s:%s%s", posix ? "+" : "", own + posix,
		 GLOBAL_SHORT_OPTIONS);
	opterr = 0;
	optind = 0; /* glibc: start over, the option strings changed */
	int opt;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (opt == '?' || opt == ':')
			bad_option(spec, g, argv, opt);
		else if (!global_opt_apply(g, opt, optarg) && spec->on_option)
			spec->on_option(spec->ctx, g, opt, optarg);
	}
	return optind;
}

bool cli_help_or_version(const struct global_opts *g, void (*usage)(FILE *f))
{
	if (g->help)
		usage(stdout);
	else if (g->version)
		print_version(stdout);
	return g->help || g->version;
}

/* https://no-color.org, and a terminal that says it cannot. */
static bool color_auto(void)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
	return isatty(STDOUT_FILENO) && !(no && no[0]) && term && term[0] &&
	       strcmp(term, "dumb") != 0;
}

struct output cli_output(const struct global_opts *g)
{
	return (struct output){
		.f = stdout,
		.err = stderr,
		.json = g->json,
		.verbose = g->verbose,
		.quiet = g->quiet,
		.color = g->color == COLOR_ALWAYS || (g->color == COLOR_AUTO && color_auto()),
	};
}
