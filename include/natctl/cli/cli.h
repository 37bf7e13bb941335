/* SPDX-License-Identifier: BSD-2-Clause */
/* What every command shares: global options, the command table, option parsing, checked number parsers. */
#ifndef NATCTL_CLI_H
#define NATCTL_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "natctl/base/trace.h"

/* Exit statuses, as documented in natctl(1) EXIT STATUS. */
enum natctl_exit {
	EXIT_OK = 0,    /* the command did what was asked */
	EXIT_FAIL = 1,  /* the operation failed: no answer, refused, no gateway */
	EXIT_USAGE = 2, /* bad command line */
};

#define NATCTL_DEFAULT_TIMEOUT_US (3 * 1000 * 1000)

/* Options that every command accepts, before or after its name. */
struct global_opts {
	bool json;
	bool verbose;
	int family;          /* AF_UNSPEC, or AF_INET / AF_INET6 from -4 / -6 */
	int64_t timeout_us;  /* one deadline for the whole command */
	int64_t start_us;    /* when natctl started (monotonic) */
	int64_t deadline_us; /* start_us + timeout_us */
	struct trace trace;  /* writes -v lines to stderr, or does nothing */
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
	void (*usage)(FILE *f);
	/* Handles one of the command's options; returns 0 or EXIT_USAGE (message printed). */
	int (*on_option)(void *ctx, int opt, const char *arg);
	void *ctx;
};

/*
 * Parses argv (argv[0] is the command name) with the command's options and
 * the global ones. Returns the index of the first operand, or -EXIT_USAGE
 * after printing the error, or -EXIT_OK after printing --help / --version.
 */
int cli_parse(int argc, char **argv, const struct cli_spec *spec, struct global_opts *g);

/* Applies one global option; returns 1 if opt was global, 0 if not, -EXIT_USAGE on a bad value. */
int global_opt_apply(struct global_opts *g, int opt, const char *arg, const char *command);
extern const struct option global_long_options[];
#define GLOBAL_SHORT_OPTIONS "jt:v46hV"

/* Recomputes the deadline after options changed the timeout. */
void global_opts_arm(struct global_opts *g);

/* Checked parsers: 0 on success, -1 on anything but a clean value in range. */
int parse_port(const char *s, uint16_t *port);
int parse_seconds(const char *s, double min, double max, int64_t *us);
int parse_uint(const char *s, unsigned long max, unsigned long *out);

/* One-line diagnostics on stderr: "natctl: CMD: message". */
void cli_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_warn(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same lines on f, for the output layer, which writes to the streams it was given. */
void cli_error_to(FILE *f, const char *command, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void cli_warn_to(FILE *f, const char *command, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void print_version(FILE *f);
/* The "Global options" block that every usage text ends with. */
void print_global_options(FILE *f);

/* The commands (cmd_*.c). */
int cmd_stun(int argc, char **argv, struct global_opts *g);
void usage_stun(FILE *f);
int cmd_map(int argc, char **argv, struct global_opts *g);
void usage_map(FILE *f);
int cmd_probe(int argc, char **argv, struct global_opts *g);
void usage_probe(FILE *f);

#endif
