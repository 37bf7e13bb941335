// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for the JSON writer.
#include <math.h>
#include <stdlib.h>

#include "natctl/base/json.h"
#include "natctl/cli/output.h"
#include "test.h"

/* Runs fill() against a memory stream and returns what it wrote (caller frees). */
static char *capture(void (*fill)(struct json_writer *w), int *finish_rc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct json_writer w;
	json_init(&w, f);
	fill(&w);
	*finish_rc = json_finish(&w);
	fclose(f);
	return text;
}

static void fill_nested(struct json_writer *w)
{
	json_begin_object(w, NULL);
	json_string(w, "s", "a\"b\\c\n\x01");
	json_int(w, "i", -5);
	json_uint(w, "u", 65535);
	json_bool(w, "t", true);
	json_null(w, "n");
	json_begin_array(w, "arr");
	json_string(w, NULL, "x");
	json_begin_object(w, NULL);
	json_end_object(w);
	json_double(w, NULL, 1.5, 3);
	json_end_array(w);
	json_string(w, "nul", NULL);
	json_end_object(w);
}

static void json_nesting_and_escapes(void)
{
	int rc;
	char *text = capture(fill_nested, &rc);
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_STR(text, "{\"s\":\"a\\\"b\\\\c\\u000a\\u0001\",\"i\":-5,\"u\":65535,\"t\":true,"
			   "\"n\":null,\"arr\":[\"x\",{},1.500],\"nul\":null}\n");
	free(text);
}

static void fill_nonfinite(struct json_writer *w)
{
	json_begin_object(w, NULL);
	json_double(w, "nan", NAN, 3);
	json_double(w, "inf", INFINITY, 3);
	json_end_object(w);
}

static void json_never_prints_nan(void)
{
	int rc;
	char *text = capture(fill_nonfinite, &rc);
	CHECK_EQ_STR(text, "{\"nan\":null,\"inf\":null}\n");
	free(text);
}

static void fill_utf8(struct json_writer *w)
{
	json_begin_object(w, NULL);
	/* valid 2- and 3-byte sequences pass; a lone continuation, an overlong
	 * and a surrogate become U+FFFD */
	json_string(w, "k", "\xc3\xa9\xe2\x82\xac|\x80|\xc0\xaf|\xed\xa0\x80|\xf0\x9f");
	json_end_object(w);
}

static void json_invalid_utf8_replaced(void)
{
	int rc;
	char *text = capture(fill_utf8, &rc);
	CHECK_EQ_STR(text, "{\"k\":\"\xc3\xa9\xe2\x82\xac|\\ufffd|\\ufffd\\ufffd|"
			   "\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd\"}\n");
	free(text);
}

static void fill_unbalanced(struct json_writer *w)
{
	json_begin_object(w, NULL);
	json_begin_array(w, "a");
	json_end_object(w); /* depth is right but kinds are not tracked: still one close */
}

static void fill_too_deep(struct json_writer *w)
{
	for (int i = 0; i < JSON_MAX_DEPTH + 1; i++)
		json_begin_array(w, NULL);
}

static void json_misuse_reported(void)
{
	int rc;
	char *text = capture(fill_unbalanced, &rc);
	CHECK(rc < 0); /* the object was never closed */
	free(text);
	text = capture(fill_too_deep, &rc);
	CHECK(rc < 0);
	free(text);
}

static void fill_endpoints(struct json_writer *w)
{
	struct endpoint e;
	endpoint_parse_ip(&e, "2001:db8::1");
	e.port = 3478;
	struct endpoint port_only = {.port = 8080}, address_only = e;
	address_only.port = 0;
	json_begin_object(w, NULL);
	json_endpoint(w, "e", &e);
	json_endpoint(w, "port_only", &port_only);
	json_endpoint(w, "address_only", &address_only);
	json_endpoint(w, "none", NULL);
	json_endpoint(w, "unset", &(struct endpoint){0});
	json_end_object(w);
}

/* One endpoint shape everywhere: {address, port}, each part null when unknown. */
static void json_endpoint_shapes(void)
{
	int rc;
	char *text = capture(fill_endpoints, &rc);
	CHECK_EQ_STR(text, "{\"e\":{\"address\":\"2001:db8::1\",\"port\":3478},"
			   "\"port_only\":{\"address\":null,\"port\":8080},"
			   "\"address_only\":{\"address\":\"2001:db8::1\",\"port\":null},"
			   "\"none\":null,\"unset\":null}\n");
	free(text);
}

const struct test_case json_cases[] = {
	T(json_nesting_and_escapes), T(json_never_prints_nan), T(json_invalid_utf8_replaced),
	T(json_misuse_reported),     T(json_endpoint_shapes),  {NULL, NULL},
};
