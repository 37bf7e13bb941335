/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal to src/stun: what nat_behavior.c (running the tests) takes from nat_report.c (the report on them). */
#ifndef NATCTL_NAT_DISCOVERY_H
#define NATCTL_NAT_DISCOVERY_H

#include "natctl/base/text.h"
#include "natctl/stun/nat_behavior.h"

/* A reason for the verdict, in the report's bounded list. */
#define add_reason(r, ...) TEXT_LINES_ADD((r)->reasons, (r)->n_reasons, __VA_ARGS__)

/* "binding", "mapping-alt-ip", ...: the name a test goes by in traces and in the report. */
const char *nat_role_name(enum nat_role role);

/* The address a probe's success response names, or NULL while it has none. */
const struct endpoint *nat_probe_mapped(const struct nat_probe *p);

/* An empty report for a run of opt: every property unknown, the first server named. */
void nat_report_init(struct nat_report *r, const struct nat_options *opt);

/* The verdict and the evidence, from tests that are over; the sockets must still be open. */
void nat_report_fill(const struct nat_discovery *d);

#endif
