/* SPDX-License-Identifier: BSD-2-Clause */
/* Why a command failed: the one table of failure classes, each with its JSON error_code and its exit status. */
#ifndef NATCTL_FAILURE_H
#define NATCTL_FAILURE_H

#include <stdbool.h>

/*
 * X(ID, token, exit status, documented, meaning). The token is the JSON
 * "error_code", the exit status is natctl(1)'s EXIT STATUS; the README and
 * the man page list every documented row (tests/docs/test_docs.sh holds
 * them to it). A row with documented 0 is reserved: never emitted yet,
 * never documented. Results carry a class, and the commands exit with its
 * status: no layer below the commands knows exit statuses.
 */
#define FAILURES(X)                                                                           \
	X(USAGE, "usage", 2, 1, "bad command line: unknown command or option, bad value")     \
	X(NO_ROUTE, "no-route", 1, 1,                                                         \
	  "no route: no default route, network unreachable, or no such interface")            \
	X(RESOLVE, "resolve", 1, 1, "a host name could not be resolved")                      \
	X(NO_ANSWER, "no-answer", 3, 1,                                                       \
	  "nothing answered within the deadline: no gateway, no STUN server")                 \
	X(TIMEOUT, "timeout", 1, 1,                                                           \
	  "the gateway answered, but did not finish the request within the deadline")         \
	X(UNSUPPORTED, "unsupported", 1, 1,                                                   \
	  "the gateway answered, but does not speak the method asked")                        \
	X(REFUSED, "refused", 4, 1,                                                           \
	  "the gateway or server refused: not authorized, no resources, an error response")   \
	X(CONFLICT, "conflict", 4, 1, "the external port is held by another mapping or host") \
	X(DOUBLE_NAT, "double-nat", 4, 1,                                                     \
	  "the gateway refused the way gateways behind another NAT do")                       \
	X(NOT_FOUND, "not-found", 1, 1, "--delete: there is no such mapping")                 \
	X(BAD_ANSWER, "bad-answer", 1, 1, "answers came, but none could be used")             \
	X(SYSTEM, "system", 1, 1,                                                             \
	  "a local error: a socket could not be opened or bound, memory, writing the result") \
	X(UNREACHABLE, "unreachable", 5, 1,                                                   \
	  "map --check: the mapping was made, but the check proved it unreachable from outside")

enum failure {
	FAILURE_NONE, /* success: no error_code, exit status 0 */
#define FAILURE_ENUM(id, token, status, documented, meaning) FAILURE_##id,
	FAILURES(FAILURE_ENUM)
#undef FAILURE_ENUM
		FAILURE_COUNT,
};

/* "no-answer" (JSON error_code), NULL for FAILURE_NONE. */
const char *failure_token(enum failure f);
/* The exit status: 0 for FAILURE_NONE. */
int failure_exit(enum failure f);
/* What it means, for --help and the docs; NULL for FAILURE_NONE. */
const char *failure_meaning(enum failure f);
/* Whether the docs list it (reserved rows are not). */
bool failure_documented(enum failure f);

/* A failed send, connect or bind: no-route for an unreachable network, else system. */
enum failure failure_of_errno(int err);

/* Of two failures, the one that says more about why (refusals before
 * silence, silence before local errors): for results that gather several. */
enum failure failure_merge(enum failure a, enum failure b);

#endif
