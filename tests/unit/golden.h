/* SPDX-License-Identifier: BSD-2-Clause */
/* Golden-file checks: render into memory, compare byte for byte with tests/golden/<name>. */
#ifndef NATCTL_TEST_GOLDEN_H
#define NATCTL_TEST_GOLDEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "natctl/base/addr.h"
#include "natctl/cli/output.h"
#include "natctl/map/map_types.h"
#include "natctl/stun/nat_behavior.h"

/* One rendering in progress: out.f and out.err are memory streams. */
struct golden {
	struct output out;
	char *buf, *err;
	size_t len, err_len;
};

/* Opens the memory stream; out is text or JSON, verbose or not. */
void golden_begin(struct golden *g, bool json, bool verbose);

/*
 * Closes the streams and compares what was rendered on out.f with the
 * golden file `name`, and what went to out.err with `name`.err (which
 * exists only where the render writes errors or warnings); a mismatch
 * fails the case with the first differing line. With
 * NATCTL_UPDATE_GOLDEN=1 in the environment it writes the files instead.
 */
void golden_end_at(struct golden *g, const char *name, const char *file, int line);
#define GOLDEN_END(g, name) golden_end_at((g), (name), __FILE__, __LINE__)

/* An endpoint from an IP literal and a port (0 for an address alone). */
struct endpoint golden_ep(const char *ip, uint16_t port);

/*
 * A map event's goldens, base.txt and base.json: mapped and deleted as a
 * one-shot result, every other event as a --keep line at a fixed time.
 */
void golden_map_event(const char *base, enum map_event e, const struct map_result *r);
/* The same, any event as a --keep line. */
void golden_keep_event(const char *base, enum map_event e, const struct map_result *r);

/* A mapping made: the lab's gateway, client 192.168.77.10:port, 203.0.113.2:port outside. */
void golden_mapping(struct map_result *r, enum map_method m, int protocol, uint16_t port,
		    uint32_t lifetime);

/* Appends one STUN exchange to a report's evidence, unanswered, sent `sends` times. */
struct nat_test *golden_add_test(struct nat_report *r, const char *name, struct endpoint local,
				 struct endpoint dst, uint32_t change, unsigned sends);
/* Appends one reason for the verdict. */
void golden_add_reason(struct nat_report *r, const char *text);
/* Marks it answered: from where, the mapped address it carried, after how long. */
void golden_answer(struct nat_test *t, struct endpoint from, struct endpoint mapped,
		   int64_t rtt_us);

#endif
