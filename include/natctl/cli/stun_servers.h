/* SPDX-License-Identifier: BSD-2-Clause */
/* STUN server operands (HOST[:PORT]) checked and resolved for the commands, with the default public list. */
#ifndef NATCTL_STUN_SERVERS_H
#define NATCTL_STUN_SERVERS_H

#include <stddef.h>

#include "natctl/base/addr.h"
#include "natctl/base/failure.h"
#include "natctl/cli/cli.h"

#define STUN_SERVERS_MAX 16

/* The public servers asked when none is named, NULL-terminated: one RFC 5780
 * server (it names an alternate address, so filtering can be decided)
 * beside two plain ones. --help, the README and natctl(1) name them all. */
extern const char *const stun_default_servers[];

struct stun_servers {
	struct endpoint ep[STUN_SERVERS_MAX];
	size_t n;
	/* The first operand that was malformed or did not resolve, and why:
	 * "invalid server 'x:99999': port 99999 is out of range (1 to 65535)",
	 * "cannot resolve 'stun.example': ..."; "" if none. */
	char error[512];
};

/*
 * Checks every operand (none: the defaults), then resolves them under g's
 * family and deadline. Prints nothing. Returns FAILURE_USAGE for a
 * malformed operand (nothing is resolved then), FAILURE_RESOLVE if no name
 * resolved, else FAILURE_NONE, with out->error naming any that did not
 * (the caller warns).
 */
enum failure stun_servers_resolve(const char *const *names, size_t n_names,
				  const struct global_opts *g, struct stun_servers *out);
/* Only the check: FAILURE_USAGE (out->error says why) or FAILURE_NONE;
 * nothing is looked up, so a bad operand is said before any network use. */
enum failure stun_servers_check(const char *const *names, size_t n_names,
				const struct global_opts *g, struct stun_servers *out);

/* Prints the default servers, one an indented line, for --help. */
void stun_servers_print_defaults(FILE *f);

#endif
