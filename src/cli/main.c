// SPDX-License-Identifier: BSD-2-Clause
// natctl's entry point: global options, the command table, dispatch.
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "natctl/cli/cli.h"
#include "natctl/base/clock.h"

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
	static const char *const examples[] = {
		"natctl stun                     # the NAT type and public address",
		"natctl map --keep 8080 tcp      # open TCP port 8080 while natctl runs",
		"natctl -j probe | jq .verdict   # what is wrong with this network",
		NULL,
	};
	fputs("usage: natctl [global options] COMMAND [options] [args]\n\nCommands:\n", f);
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->summary);
	print_global_options(f);
	fputs("\n'natctl help COMMAND', 'natctl COMMAND --help' and 'natctl -h COMMAND' show a\n"
	      "command's usage.\n",
	      f);
	print_examples(f, examples);
}

static void usage_help(FILE *f)
{
	static const char *const examples[] = {"natctl help map", "natctl help", NULL};
	fputs("usage: natctl help [COMMAND]\n\nShows natctl's usage, or COMMAND's.\n", f);
	print_examples(f, examples);
}

/* A usage error that no command's document can carry (no command ran). */
static int usage_failure(const struct global_opts *g, const char *fmt, const char *arg)
{
	char text[256];
	struct output o = cli_output(g);
	snprintf(text, sizeof(text), fmt, arg);
	render_usage_failure(&o, g->usage_error[0] ? g->usage_error : text);
	return failure_exit(FAILURE_USAGE);
}

static int cmd_help(int argc, char **argv, struct global_opts *g)
{
	struct cli_spec spec = {.command = "help"};
	int first = cli_parse(argc, argv, &spec, g);
	if (cli_help_or_version(g, usage_help))
		return EXIT_OK;
	if (g->usage_error[0])
		return usage_failure(g, "%s", g->usage_error);
	if (first == argc) {
		usage_main(stdout);
		return EXIT_OK;
	}
	const struct command *c = find_command(argv[first]);
	if (!c || argc - first > 1)
		return usage_failure(g, "help: unknown command '%s'; try 'natctl --help'",
				     argv[first]);
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

static int finish_output(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error(NULL, "cannot write the result to stdout");
		return status == EXIT_OK ? failure_exit(FAILURE_SYSTEM) : status;
	}
	return status;
}

/* -h before the command: "natctl -h map" is map's help, "natctl -h" natctl's. */
static int leading_help(const struct global_opts *g, int argc, char **argv, int first)
{
	const struct command *c = first < argc ? find_command(argv[first]) : NULL;
	if (g->version && !g->help)
		print_version(stdout);
	else
		(c ? c->usage : usage_main)(stdout);
	return finish_output(EXIT_OK);
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

	/* Global options before the command name; the command parses the rest,
	 * and renders any usage error found here in its own document. */
	struct cli_spec lead = {.command = NULL, .shortopts = "+"};
	int first = cli_parse(argc, argv, &lead, &g);
	if (g.help || g.version)
		return leading_help(&g, argc, argv, first);
	if (first >= argc && !g.json && !g.usage_error[0]) {
		usage_main(stderr); /* a person typed "natctl" alone */
		return failure_exit(FAILURE_USAGE);
	}
	if (first >= argc)
		return finish_output(
			usage_failure(&g, "%s", "no command given; try 'natctl --help'"));
	const struct command *c = find_command(argv[first]);
	if (!c)
		return finish_output(usage_failure(&g, "unknown command '%s'; try 'natctl --help'",
						   argv[first]));
	return finish_output(c->run(argc - first, argv + first, &g));
}
