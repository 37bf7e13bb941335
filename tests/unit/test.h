/* SPDX-License-Identifier: BSD-2-Clause */
/* A small test harness: named cases in tables, checks that report file:line and go on. */
#ifndef NATCTL_TEST_H
#define NATCTL_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

/* Table entry; tests/CMakeLists.txt registers every T(name) it finds with CTest. */
// clang-format off
#define T(fn) {#fn, fn}
// clang-format on

void test_fail(const char *file, int line, const char *what);

#define CHECK(cond)                                           \
	do {                                                  \
		if (!(cond))                                  \
			test_fail(__FILE__, __LINE__, #cond); \
	} while (0)

#define CHECK_EQ_INT(a, b)                                                                     \
	do {                                                                                   \
		long long va_ = (long long)(a), vb_ = (long long)(b);                          \
		if (va_ != vb_) {                                                              \
			char m_[256];                                                          \
			snprintf(m_, sizeof(m_), "%s == %s (%lld != %lld)", #a, #b, va_, vb_); \
			test_fail(__FILE__, __LINE__, m_);                                     \
		}                                                                              \
	} while (0)

/* Reports two strings that differ, whole (no buffer to cut them). */
void test_fail_strings(const char *file, int line, const char *a_text, const char *b_text,
		       const char *a, const char *b);

#define CHECK_EQ_STR(a, b)                                                       \
	do {                                                                     \
		const char *sa_ = (a), *sb_ = (b);                               \
		if (!sa_ || !sb_ || strcmp(sa_, sb_) != 0)                       \
			test_fail_strings(__FILE__, __LINE__, #a, #b, sa_, sb_); \
	} while (0)

extern const struct test_case buf_cases[];
extern const struct test_case upnp_pinhole_cases[];
extern const struct test_case addr_cases[];
extern const struct test_case stun_cases[];
extern const struct test_case json_cases[];
extern const struct test_case cli_cases[];
extern const struct test_case stun_client_cases[];
extern const struct test_case pcp_cases[];
extern const struct test_case ssdp_cases[];
extern const struct test_case gateway_cases[];
extern const struct test_case nat_verdict_cases[];
extern const struct test_case nat_discovery_cases[];
extern const struct test_case net_cases[];
extern const struct test_case announce_cases[];
extern const struct test_case sigwatch_cases[];
extern const struct test_case golden_set_cases[];
extern const struct test_case diagnose_cases[];
extern const struct test_case retransmit_cases[];
extern const struct test_case text_cases[];
extern const struct test_case portmap_cases[];
extern const struct test_case map_errors_cases[];
extern const struct test_case http_cases[];
extern const struct test_case upnp_cases[];
extern const struct test_case worker_cases[];
extern const struct test_case stun_check_cases[];
extern const struct test_case state_cases[];
extern const struct test_case map_cache_cases[];
extern const struct test_case stun_error_cases[];
extern const struct test_case golden_stun_cases[];
extern const struct test_case golden_probe_cases[];
extern const struct test_case golden_map_cases[];
extern const struct test_case failure_cases[];
extern const struct test_case golden_cli_cases[];

#endif
