// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for the one-line errors STUN results carry, and for how the output prints them.
#include <errno.h>
#include <stdlib.h>

#include "natctl/cli/output.h"
#include "natctl/stun/nat_behavior.h"
#include "natctl/stun/stun_public.h"
#include "test.h"

static struct endpoint ep(const char *ip, uint16_t port)
{
	struct endpoint e;
	endpoint_parse_ip(&e, ip);
	e.port = port;
	return e;
}

static struct stun_public_result public_result(enum stun_public_outcome outcome)
{
	struct stun_public_result r;
	memset(&r, 0, sizeof(r));
	r.outcome = outcome;
	r.server = ep("198.51.100.10", 3478);
	return r;
}

/* The texts natctl has always printed, "within %.3g s" included. */
static void stun_public_error_texts(void)
{
	struct stun_public_result r = public_result(STUN_PUBLIC_NO_ANSWER);
	stun_public_set_error(&r, 1500 * 1000);
	CHECK_EQ_STR(r.error, "no response from 198.51.100.10:3478 within 1.5 s");
	stun_public_set_error(&r, 3000400);
	CHECK_EQ_STR(r.error, "no response from 198.51.100.10:3478 within 3 s");
	stun_public_set_error(&r, 1234567);
	CHECK_EQ_STR(r.error, "no response from 198.51.100.10:3478 within 1.23 s");

	r = public_result(STUN_PUBLIC_REFUSED);
	r.error_code = 400;
	stun_public_set_error(&r, 0);
	CHECK_EQ_STR(r.error, "198.51.100.10:3478 answered with error 400 (no reason given)");
	snprintf(r.error_reason, sizeof(r.error_reason), "Bad Request");
	stun_public_set_error(&r, 0);
	CHECK_EQ_STR(r.error, "198.51.100.10:3478 answered with error 400 Bad Request");

	r = public_result(STUN_PUBLIC_REJECTED);
	stun_public_set_error(&r, 0);
	CHECK_EQ_STR(r.error, "198.51.100.10:3478 sent an unusable response (no address, or an "
			      "unknown required attribute)");

	r = public_result(STUN_PUBLIC_NETWORK);
	r.sys_error = -ENETUNREACH;
	stun_public_set_error(&r, 0);
	char want[NAT_ERROR_MAX];
	snprintf(want, sizeof(want), "cannot send to 198.51.100.10:3478: %s",
		 strerror(ENETUNREACH));
	/* Not CHECK_EQ_STR: its message has no room for two such buffers. */
	CHECK(strcmp(r.error, want) == 0);

	r = public_result(STUN_PUBLIC_OK);
	snprintf(r.error, sizeof(r.error), "stale");
	stun_public_set_error(&r, 0);
	CHECK_EQ_STR(r.error, "");
}

static void nat_report_error_texts(void)
{
	struct nat_report r;
	memset(&r, 0, sizeof(r));
	r.server = ep("2001:db8::10", 3478);
	r.n_servers = 1;
	nat_report_set_error(&r, 3000 * 1000);
	CHECK_EQ_STR(r.error, "no response from [2001:db8::10]:3478 within 3 s");
	r.n_servers = 2;
	nat_report_set_error(&r, 999 * 1000);
	CHECK_EQ_STR(r.error,
		     "no response from [2001:db8::10]:3478 or the other servers within 0.999 s");
	CHECK_EQ_INT(r.failure, FAILURE_NO_ANSWER);
	r.refused_by = ep("198.51.100.30", 3478);
	r.refused_code = 420;
	snprintf(r.refused_reason, sizeof(r.refused_reason), "Unknown Attribute");
	nat_report_set_error(&r, 999 * 1000);
	CHECK_EQ_STR(r.error, "198.51.100.30:3478 answered with error 420 Unknown Attribute; no "
			      "other server answered usably");
	CHECK_EQ_INT(r.failure, FAILURE_REFUSED);
	r.n_servers = 1;
	r.refused_reason[0] = '\0';
	nat_report_set_error(&r, 999 * 1000);
	CHECK_EQ_STR(r.error, "198.51.100.30:3478 answered with error 420 (no reason given)");
	r.refused_code = 0;
	nat_report_set_error(&r, 999 * 1000);
	CHECK_EQ_STR(r.error, "198.51.100.30:3478 sent an unusable response (no address, or an "
			      "unknown required attribute)");
	CHECK_EQ_INT(r.failure, FAILURE_BAD_ANSWER);
	r.decided = true;
	nat_report_set_error(&r, 999 * 1000);
	CHECK_EQ_STR(r.error, "");
	CHECK_EQ_INT(r.failure, FAILURE_NONE);
}

/* Nothing went out (no route), or only error responses came back: said so, not "no response". */
static void nat_report_error_classes(void)
{
	struct nat_report r;
	char want[NAT_ERROR_MAX];
	memset(&r, 0, sizeof(r));
	r.server = ep("198.51.100.10", 3478);
	r.n_servers = 1;
	r.send_error = -ENETUNREACH;
	nat_report_set_error(&r, 1000);
	snprintf(want, sizeof(want), "cannot send to 198.51.100.10:3478: %s",
		 strerror(ENETUNREACH));
	CHECK(strcmp(r.error, want) == 0);
	CHECK_EQ_INT(r.failure, FAILURE_NO_ROUTE);
	r.send_error = 0;
	r.refused_by = r.server;
	r.refused_code = 401;
	snprintf(r.refused_reason, sizeof(r.refused_reason), "Unauthorized");
	nat_report_set_error(&r, 1000);
	CHECK_EQ_STR(r.error, "198.51.100.10:3478 answered with error 401 Unauthorized");
	CHECK_EQ_INT(r.failure, FAILURE_REFUSED);
}

/* Each outcome's class, for the JSON error_code and the exit status. */
static void stun_public_error_classes(void)
{
	static const struct {
		enum stun_public_outcome outcome;
		int sys_error;
		enum failure want;
	} rows[] = {
		{STUN_PUBLIC_OK, 0, FAILURE_NONE},
		{STUN_PUBLIC_NO_ANSWER, 0, FAILURE_NO_ANSWER},
		{STUN_PUBLIC_REFUSED, 0, FAILURE_REFUSED},
		{STUN_PUBLIC_REJECTED, 0, FAILURE_BAD_ANSWER},
		{STUN_PUBLIC_NETWORK, -ENETUNREACH, FAILURE_NO_ROUTE},
		{STUN_PUBLIC_NETWORK, -ECONNREFUSED, FAILURE_NO_ANSWER},
		{STUN_PUBLIC_NETWORK, -EMFILE, FAILURE_SYSTEM},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct stun_public_result r = public_result(rows[i].outcome);
		r.sys_error = rows[i].sys_error;
		stun_public_set_error(&r, 0);
		CHECK_EQ_INT(r.failure, rows[i].want);
	}
}

/* What a renderer wrote to its result stream and to its error stream. */
struct captured {
	char *out, *err;
};

/* Renders pub, or else rep, into two memory streams (release() frees them). */
static struct captured render(bool json, const struct stun_public_result *pub,
			      const struct nat_report *rep)
{
	struct captured c = {NULL, NULL};
	size_t out_len = 0, err_len = 0;
	struct output o = {.f = open_memstream(&c.out, &out_len),
			   .err = open_memstream(&c.err, &err_len),
			   .json = json};
	if (pub)
		render_stun_public(&o, pub);
	else
		render_nat_report(&o, rep);
	fclose(o.f);
	fclose(o.err);
	return c;
}

static void release(struct captured c)
{
	free(c.out);
	free(c.err);
}

/* A failed result: one "natctl: stun:" line on the error stream, the text
 * result empty, the JSON document carrying the same error. */
static void render_error_line(void)
{
	struct stun_public_result pub = public_result(STUN_PUBLIC_NO_ANSWER);
	stun_public_set_error(&pub, 1500 * 1000);
	struct captured c = render(false, &pub, NULL);
	CHECK_EQ_STR(c.err, "natctl: stun: no response from 198.51.100.10:3478 within 1.5 s\n");
	CHECK_EQ_STR(c.out, "");
	release(c);
	c = render(true, &pub, NULL);
	CHECK_EQ_STR(c.err, "natctl: stun: no response from 198.51.100.10:3478 within 1.5 s\n");
	CHECK(strstr(c.out, "\"error\":\"no response from 198.51.100.10:3478 within 1.5 s\""));
	release(c);

	struct nat_report rep;
	memset(&rep, 0, sizeof(rep));
	rep.server = pub.server;
	rep.n_servers = 2;
	nat_report_set_error(&rep, 3000 * 1000);
	c = render(true, NULL, &rep);
	CHECK_EQ_STR(c.err, "natctl: stun: no response from 198.51.100.10:3478 "
			    "or the other servers within 3 s\n");
	CHECK(strstr(c.out, "\"error\":\"no response from 198.51.100.10:3478 or the other servers "
			    "within 3 s\""));
	release(c);
}

/* Success: nothing on the error stream, "error": null in JSON. */
static void render_no_error_line(void)
{
	struct stun_public_result pub = public_result(STUN_PUBLIC_OK);
	pub.mapped = ep("203.0.113.5", 40000);
	pub.local = ep("192.168.1.2", 40000);
	stun_public_set_error(&pub, 0);
	struct captured c = render(true, &pub, NULL);
	CHECK_EQ_STR(c.err, "");
	CHECK(strstr(c.out, "\"error\":null"));
	release(c);
	c = render(false, &pub, NULL);
	CHECK_EQ_STR(c.err, "");
	CHECK(strstr(c.out, "public 203.0.113.5:40000\n"));
	release(c);
}

const struct test_case stun_error_cases[] = {
	T(stun_public_error_texts),
	T(nat_report_error_texts),
	T(nat_report_error_classes),
	T(stun_public_error_classes),
	T(render_error_line),
	T(render_no_error_line),
	{NULL, NULL},
};
