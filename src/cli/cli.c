// SPDX-License-Identifier: BSD-2-Clause
// Global options, option parsing shared by the commands, checked number parsers, diagnostics.
#include "natctl/cli/cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "natctl/base/clock.h"

const struct option global_long_options[] = {
	{"json", no_argument, NULL, 'j'},    {"timeout", required_argument, NULL, 't'},
	{"verbose", no_argument, NULL, 'v'}, {"ipv4", no_argument, NULL, '4'},
	{"ipv6", no_argument, NULL, '6'},    {"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'}, {NULL, 0, NULL, 0},
};

static void vdiag(FILE *f, const char *command, const char *kind, const char *fmt, va_list ap)
{
	fputs("natctl: ", f);
	if (command)
		fprintf(f, "%s: ", command);
	if (kind)
		fputs(kind, f);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
}

void cli_error(const char *command, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag(stderr, command, NULL, fmt, ap);
	va_end(ap);
}

void cli_warn(const char *command, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag(stderr, command, "warning: ", fmt, ap);
	va_end(ap);
}

void cli_error_to(FILE *f, const char *command, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag(f, command, NULL, fmt, ap);
	va_end(ap);
}

void cli_warn_to(FILE *f, const char *command, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag(f, command, "warning: ", fmt, ap);
	va_end(ap);
}

void print_version(FILE *f)
{
	fprintf(f, "natctl %s\n", NATCTL_VERSION);
}

void print_global_options(FILE *f)
{
	fputs("\nGlobal options (before or after the command):\n"
	      "  -j, --json           print the result as one JSON object on stdout\n"
	      "  -t, --timeout SEC    deadline for the whole command, decimals allowed (default 3)\n"
	      "  -v, --verbose        trace every packet sent and received on stderr\n"
	      "  -4, --ipv4           use IPv4 only\n"
	      "  -6, --ipv6           use IPv6 only\n"
	      "  -h, --help           show this help and exit\n"
	      "  -V, --version        show the version and exit\n",
	      f);
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

void global_opts_arm(struct global_opts *g)
{
	g->deadline_us = g->start_us + g->timeout_us;
}

int global_opt_apply(struct global_opts *g, int opt, const char *arg, const char *command)
{
	switch (opt) {
	case 'j': g->json = true; return 1;
	case 'v': g->verbose = true; return 1;
	case '4':
	case '6':
		if (g->family != AF_UNSPEC && g->family != (opt == '4' ? AF_INET : AF_INET6)) {
			cli_error(command, "-4 and -6 cannot be combined");
			return -EXIT_USAGE;
		}
		g->family = opt == '4' ? AF_INET : AF_INET6;
		return 1;
	case 't':
		if (parse_seconds(arg, 0.001, 3600, &g->timeout_us) < 0) {
			cli_error(command,
				  "invalid timeout '%s': expected seconds from 0.001 to 3600", arg);
			return -EXIT_USAGE;
		}
		global_opts_arm(g);
		return 1;
	default: return 0;
	}
}

#define MAX_LONG_OPTIONS 48

/* The command's long options followed by the global ones. */
static void merge_long_options(const struct option *own, struct option *out)
{
	size_t n = 0;
	for (; own && own->name && n < MAX_LONG_OPTIONS - 8; own++)
		out[n++] = *own;
	for (const struct option *o = global_long_options; o->name; o++)
		out[n++] = *o;
	out[n] = (struct option){NULL, 0, NULL, 0};
}

static int report_bad_option(const struct cli_spec *spec, char **argv, int opt)
{
	const char *cmd = spec->command, *word = argv[optind - 1];
	char shown[64];
	/* For a bad letter inside "-jx", name the letter, not the whole word. */
	if (optopt && word[0] == '-' && word[1] != '-')
		snprintf(shown, sizeof(shown), "-%c", optopt);
	else
		snprintf(shown, sizeof(shown), "%s", word);
	cli_error(cmd, "%s '%s'; try 'natctl%s%s --help'",
		  opt == ':' ? "missing value for option" : "unknown option", shown, cmd ? " " : "",
		  cmd ? cmd : "");
	return -EXIT_USAGE;
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
			return report_bad_option(spec, argv, opt);
		if (opt == 'h') {
			spec->usage(stdout);
			return -EXIT_OK;
		}
		if (opt == 'V') {
			print_version(stdout);
			return -EXIT_OK;
		}
		int rc = global_opt_apply(g, opt, optarg, spec->command);
		if (rc < 0)
			return rc;
		if (rc == 0 && spec->on_option) {
			rc = spec->on_option(spec->ctx, opt, optarg);
			if (rc)
				return -rc;
		}
	}
	return optind;
}
