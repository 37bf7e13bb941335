/* SPDX-License-Identifier: BSD-2-Clause */
/* What every command shares: global options, the command table, option parsing, checked number parsers. */
#ifndef NATCTL_CLI_H
#define NATCTL_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "natctl/base/failure.h"
#include "natctl/base/trace.h"
#include "natctl/cli/output.h"

/* Exit statuses are the failure table's (base/failure.h, natctl(1) EXIT
 * STATUS); success is 0. */
#define EXIT_OK 0

#define NATCTL_DEFAULT_TIMEOUT_US (3 * 1000 * 1000)

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* Options that every command accepts, before or after its name. */
struct global_opts {
	bool json;
	bool verbose;
	bool quiet;
	bool help;    /* -h seen: the caller prints the usage */
	bool version; /* -V seen */
	enum color_mode color;
	int family;          /* AF_UNSPEC, or AF_INET / AF_INET6 from -4 / -6 */
	int64_t timeout_us;  /* one deadline for the whole command */
	int64_t start_us;    /* when natctl started (monotonic) */
	int64_t deadline_us; /* start_us + timeout_us */
	struct trace trace;  /* writes -v lines to stderr, or does nothing */
	/* The first usage error, kept (not printed) until the command renders
	 * it in its own document; "" while there is none. */
	char usage_error[256];
};

struct command {
	const char *name;
	int (*run)(int argc, char **argv, struct global_opts *g);
	void (*usage)(FILE *f);
	const char *summary;
};

/* A command's own options, parsed together with the global ones. */
struct cli_spec {
	const char *command;
	const char *shortopts;         /* the command's own short options, or "" */
	const struct option *longopts; /* its own long options, {0} terminated, or NULL */
	/* Handles one of the command's options; a bad value goes to cli_usage(). */
	void (*on_option)(void *ctx, struct global_opts *g, int opt, const char *arg);
	void *ctx;
};

/*
 * Parses argv (argv[0] is the command name) with the command's options and
 * the global ones, to the end even after a usage error, so that --json,
 * -q and the mode options later on the line still count. Returns the index
 * of the first operand. Prints nothing: -h and -V set g->help and
 * g->version, and the first usage error is left in g->usage_error.
 */
int cli_parse(int argc, char **argv, const struct cli_spec *spec, struct global_opts *g);

/* Records a usage error (the first one wins); returns the usage exit status. */
int cli_usage(struct global_opts *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints the usage (-h) or the version (-V) when asked; true if it did. */
bool cli_help_or_version(const struct global_opts *g, void (*usage)(FILE *f));

/* The output streams and modes the global options ask for; colour from
 * --color, or (auto) for a terminal only, never with NO_COLOR or TERM=dumb. */
struct output cli_output(const struct global_opts *g);

extern const struct option global_long_options[];
#define GLOBAL_SHORT_OPTIONS "jt:vq46hV"

/* Recomputes the deadline after options changed the timeout. */
void global_opts_arm(struct global_opts *g);

/* Checked parsers: 0 on success, -1 on anything but a clean value in range. */
int parse_port(const char *s, uint16_t *port);
int parse_seconds(const char *s, double min, double max, int64_t *us);
int parse_uint(const char *s, unsigned long max, unsigned long *out);

/* --wait SEC (map, probe): how long a gateway that does not answer at all
 * gets before it counts as absent; a usage error unless 0.1 to 60 s. */
void cli_parse_wait(struct global_opts *g, const char *arg, int64_t *wait_us);
/* Once every option is read: the wait must end before the deadline (-t). */
void cli_check_wait(struct global_opts *g, int64_t wait_us);

/* The gateway cache's directory (map, probe), from $CACHE_DIRECTORY,
 * $XDG_CACHE_HOME or $HOME, into buf; NULL for no cache (--no-cache, or a
 * path too long), which -v says. */
const char *cli_cache_dir(const struct global_opts *g, bool no_cache, char *buf, size_t cap);

/* A one-line diagnostic on stderr that is no result's: "natctl: CMD: message". */
void cli_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void print_version(FILE *f);
/* The "Global options" block that every usage text ends with. */
void print_global_options(FILE *f);
/* "Examples:" and the lines given, each one command: every usage text ends with them. */
void print_examples(FILE *f, const char *const *lines);

/* The commands (cmd_*.c). */
int cmd_stun(int argc, char **argv, struct global_opts *g);
void usage_stun(FILE *f);
int cmd_map(int argc, char **argv, struct global_opts *g);
void usage_map(FILE *f);
int cmd_probe(int argc, char **argv, struct global_opts *g);
void usage_probe(FILE *f);

#endif
