// SPDX-License-Identifier: BSD-2-Clause
// The failure table's lookups: a class's JSON token, exit status and meaning.
#include "natctl/base/failure.h"

#include <errno.h>
#include <stddef.h>

static const struct {
	const char *token, *meaning;
	int status;
	bool documented;
} rows[FAILURE_COUNT] = {[FAILURE_NONE] = {NULL, NULL, 0, true},
#define FAILURE_ROW(id, tok, st, doc, text) [FAILURE_##id] = {tok, text, st, doc},
			 FAILURES(FAILURE_ROW)
#undef FAILURE_ROW
};

static bool valid(enum failure f)
{
	return f >= FAILURE_NONE && f < FAILURE_COUNT;
}

const char *failure_token(enum failure f)
{
	return valid(f) ? rows[f].token : NULL;
}

int failure_exit(enum failure f)
{
	return valid(f) ? rows[f].status : 1;
}

const char *failure_meaning(enum failure f)
{
	return valid(f) ? rows[f].meaning : NULL;
}

bool failure_documented(enum failure f)
{
	return valid(f) && rows[f].documented;
}

enum failure failure_of_errno(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case ENETUNREACH:
	case EHOSTUNREACH:
	case ENETDOWN:
	case EADDRNOTAVAIL:
	case ENODEV: return FAILURE_NO_ROUTE;
	case ECONNREFUSED: return FAILURE_NO_ANSWER; /* port unreachable: no server there */
	case ETIMEDOUT: return FAILURE_NO_ANSWER;
	default: return FAILURE_SYSTEM;
	}
}

/* Most telling first: what the gateway said, then what it did not, then local trouble. */
static const enum failure rank[] = {
	FAILURE_DOUBLE_NAT, FAILURE_CONFLICT,   FAILURE_REFUSED,     FAILURE_NOT_FOUND,
	FAILURE_TIMEOUT,    FAILURE_BAD_ANSWER, FAILURE_UNSUPPORTED, FAILURE_NO_ANSWER,
	FAILURE_RESOLVE,    FAILURE_NO_ROUTE,   FAILURE_SYSTEM,      FAILURE_UNREACHABLE,
	FAILURE_USAGE,
};

static size_t rank_of(enum failure f)
{
	for (size_t i = 0; i < sizeof(rank) / sizeof(rank[0]); i++)
		if (rank[i] == f)
			return i;
	return sizeof(rank) / sizeof(rank[0]);
}

enum failure failure_merge(enum failure a, enum failure b)
{
	if (a == FAILURE_NONE)
		return b;
	if (b == FAILURE_NONE)
		return a;
	return rank_of(a) <= rank_of(b) ? a : b;
}
