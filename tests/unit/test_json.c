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

static void fill_c1(struct json_writer *w)
{
	json_begin_object(w, NULL);
	/* U+0080, U+009B (CSI), U+009F as UTF-8; U+00A0 is text; a raw 0x9b is not UTF-8 */
	json_string(w, "k", "\xc2\x80|\xc2\x9b[2J|\xc2\x9f|\xc2\xa0|\x9b|\x7f");
	json_end_object(w);
}

static void json_c1_controls_escaped(void)
{
	int rc;
	char *text = capture(fill_c1, &rc);
	CHECK_EQ_STR(text, "{\"k\":\"\\u0080|\\u009b[2J|\\u009f|\xc2\xa0|\\ufffd|\\u007f\"}\n");
	free(text);
}

/* Every C0 and C1 control, one string each: none reaches the output raw. */
static void json_every_control_escaped(void)
{
	for (unsigned cp = 1; cp < 0xa0; cp++) {
		if (cp >= 0x20 && cp < 0x7f)
			continue;
		char in[3] = {0}, want[16], *out = NULL;
		size_t len = 0;
		if (cp < 0x80) {
			in[0] = (char)cp;
		} else {
			in[0] = (char)0xc2;
			in[1] = (char)cp;
		}
		FILE *f = open_memstream(&out, &len);
		struct json_writer w;
		json_init(&w, f);
		json_string(&w, NULL, in);
		fclose(f);
		snprintf(want, sizeof(want), "\"\\u%04x\"", cp);
		CHECK_EQ_STR(out, want);
		free(out);
	}
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
	T(json_nesting_and_escapes),   T(json_never_prints_nan),
	T(json_invalid_utf8_replaced), T(json_misuse_reported),
	T(json_endpoint_shapes),       T(json_c1_controls_escaped),
	T(json_every_control_escaped), {NULL, NULL},
};
