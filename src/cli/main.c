// SPDX-License-Identifier: BSD-2-Clause
// natctl's entry point: global options, the command table, dispatch.
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "natctl/cli/cli.h"
#include "natctl/base/clock.h"

/*
 * AddressSanitizer builds: a malloc that the worker child's memory budget
 * (RLIMIT_DATA, net/worker.c) refuses returns NULL, as in a plain build,
 * and miniupnpc gives that answer up; by default AddressSanitizer would
 * abort the child instead. ASAN_OPTIONS still has the last word.
 */
#if defined(__SANITIZE_ADDRESS__)
#define NATCTL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NATCTL_ASAN 1
#endif
#endif
#ifdef NATCTL_ASAN
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}
#endif

static void usage_main(FILE *f);
static void usage_help(FILE *f);
static int cmd_help(int argc, char **argv, struct global_opts *g);

static const struct command commands[] = {
	{"map", cmd_map, usage_map, "open, list, renew or delete a port mapping on the gateway"},
	{"stun", cmd_stun, usage_stun, "public address and NAT behaviour by STUN"},
	{"probe", cmd_probe, usage_probe,
	 "diagnose the network: gateway protocols, NAT type, double NAT"},
	{"help", cmd_help, usage_help, "show help for a command"},
	{NULL, NULL, NULL, NULL},
};

static const struct command *find_command(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void usage_main(FILE *f)
{
	fputs("usage: natctl [global options] COMMAND [options] [args]\n\nCommands:\n", f);
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->summary);
	print_global_options(f);
	fputs("\n'natctl help COMMAND' or 'natctl COMMAND --help' shows a command's usage.\n", f);
}

static void usage_help(FILE *f)
{
	fputs("usage: natctl help [COMMAND]\n\nShows natctl's usage, or COMMAND's.\n", f);
}

static int cmd_help(int argc, char **argv, struct global_opts *g)
{
	struct cli_spec spec = {.command = "help", .usage = usage_help};
	int first = cli_parse(argc, argv, &spec, g);
	if (first <= 0)
		return -first;
	if (first == argc) {
		usage_main(stdout);
		return EXIT_OK;
	}
	const struct command *c = find_command(argv[first]);
	if (!c || argc - first > 1) {
		cli_error("help", "unknown command '%s'; try 'natctl --help'", argv[first]);
		return EXIT_USAGE;
	}
	c->usage(stdout);
	return EXIT_OK;
}

/* -v: "natctl: [  0.012] stun: -> 198.51.100.10:3478 ..." on stderr. */
static void trace_stderr(void *ctx, const char *fmt, va_list ap)
{
	const struct global_opts *g = ctx;
	if (!g->verbose)
		return;
	fprintf(stderr, "natctl: [%8.3f] ", (double)(clock_now_us() - g->start_us) / USEC_PER_SEC);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* Global options before the command name; the command parses the rest. */
static int parse_leading_options(int argc, char **argv, struct global_opts *g)
{
	struct cli_spec spec = {.command = NULL, .shortopts = "+", .usage = usage_main};
	return cli_parse(argc, argv, &spec, g);
}

static int finish_output(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error(NULL, "cannot write the result to stdout");
		return status == EXIT_OK ? EXIT_FAIL : status;
	}
	return status;
}

int main(int argc, char **argv)
{
	struct global_opts g = {
		.family = AF_UNSPEC,
		.timeout_us = NATCTL_DEFAULT_TIMEOUT_US,
		.start_us = clock_now_us(),
	};
	g.trace = (struct trace){trace_stderr, &g};
	global_opts_arm(&g);

	int first = parse_leading_options(argc, argv, &g);
	if (first <= 0)
		return finish_output(-first);
	if (first >= argc) {
		usage_main(stderr);
		return EXIT_USAGE;
	}
	const struct command *c = find_command(argv[first]);
	if (!c) {
		cli_error(NULL, "unknown command '%s'; try 'natctl --help'", argv[first]);
		return EXIT_USAGE;
	}
	return finish_output(c->run(argc - first, argv + first, &g));
}
