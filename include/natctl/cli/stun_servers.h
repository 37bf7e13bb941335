/* SPDX-License-Identifier: BSD-2-Clause */
/* STUN server operands (HOST[:PORT]) resolved for the commands, with the default public list. */
#ifndef NATCTL_STUN_SERVERS_H
#define NATCTL_STUN_SERVERS_H

#include <stddef.h>

#include "natctl/base/addr.h"
#include "natctl/cli/cli.h"

#define STUN_SERVERS_MAX 16

/*
 * Resolves names (none: the default public servers) under g's family and
 * deadline into out (STUN_SERVERS_MAX places). Reports problems on stderr
 * as `command`. Returns EXIT_OK if at least one resolved, EXIT_USAGE for a
 * malformed operand, EXIT_FAIL if none resolved.
 */
int stun_servers_resolve(const char *command, const char *const *names, size_t n_names,
			 const struct global_opts *g, struct endpoint *out, size_t *n);

#endif
