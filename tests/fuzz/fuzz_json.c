// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: every string the JSON writer emits parses back (a strict RFC 8259 parser here) to the text it was given, with no control character left raw; the text sanitiser's output is checked too.
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natctl/base/json.h"
#include "natctl/base/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- UTF-8 by RFC 3629 §4, written out here apart from the library's ---- */

/* Length of the well-formed sequence at s, 0 if none. */
static size_t utf8_len(const uint8_t *s, size_t left)
{
	static const struct {
		uint8_t lead_lo, lead_hi, len, second_lo, second_hi;
	} rows[] = {
		{0xc2, 0xdf, 2, 0x80, 0xbf}, {0xe0, 0xe0, 3, 0xa0, 0xbf},
		{0xe1, 0xec, 3, 0x80, 0xbf}, {0xed, 0xed, 3, 0x80, 0x9f},
		{0xee, 0xef, 3, 0x80, 0xbf}, {0xf0, 0xf0, 4, 0x90, 0xbf},
		{0xf1, 0xf3, 4, 0x80, 0xbf}, {0xf4, 0xf4, 4, 0x80, 0x8f},
	};
	if (s[0] < 0x80)
		return 1;
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		if (s[0] < rows[r].lead_lo || s[0] > rows[r].lead_hi)
			continue;
		size_t n = rows[r].len;
		if (left < n || s[1] < rows[r].second_lo || s[1] > rows[r].second_hi)
			return 0;
		for (size_t i = 2; i < n; i++)
			if ((s[i] & 0xc0) != 0x80)
				return 0;
		return n;
	}
	return 0;
}

static size_t put_utf8(uint8_t *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (uint8_t)(0xc0 | cp >> 6);
		out[1] = (uint8_t)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (uint8_t)(0xe0 | cp >> 12);
		out[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (uint8_t)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (uint8_t)(0xf0 | cp >> 18);
	out[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (uint8_t)(0x80 | (cp & 0x3f));
	return 4;
}

/* What the writer promises to keep of s: valid UTF-8 as it is, each byte
 * of an invalid sequence as U+FFFD. */
static size_t expected(const uint8_t *s, size_t n, uint8_t *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		size_t k = utf8_len(s + i, n - i);
		if (k == 0) {
			o += put_utf8(out + o, 0xfffd);
			i++;
		} else {
			memcpy(out + o, s + i, k);
			o += k;
			i += k;
		}
	}
	return o;
}

/* ---- a strict RFC 8259 parser, enough for what the writer emits ---- */

struct parser {
	const uint8_t *p, *end;
};

static void fail(const char *why)
{
	fprintf(stderr, "fuzz_json: %s\n", why);
	abort();
}

static void expect(struct parser *ps, char c)
{
	if (ps->p >= ps->end || *ps->p != (uint8_t)c)
		fail("unexpected character");
	ps->p++;
}

static uint32_t hex4(struct parser *ps)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++, ps->p++) {
		if (ps->p >= ps->end)
			fail("short \\u escape");
		uint8_t c = *ps->p;
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			fail("bad hex digit");
		v = v << 4 | (uint32_t)d;
	}
	return v;
}

/* §7: a \u escape, a surrogate pair as one. */
static uint32_t unicode_escape(struct parser *ps)
{
	uint32_t cp = hex4(ps);
	if (cp >= 0xdc00 && cp <= 0xdfff)
		fail("lone low surrogate");
	if (cp < 0xd800 || cp > 0xdbff)
		return cp;
	expect(ps, '\\');
	expect(ps, 'u');
	uint32_t lo = hex4(ps);
	if (lo < 0xdc00 || lo > 0xdfff)
		fail("high surrogate without a low one");
	return 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
}

static uint32_t simple_escape(uint8_t c)
{
	switch (c) {
	case '"': return '"';
	case '\\': return '\\';
	case '/': return '/';
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	}
	fail("unknown escape");
	return 0;
}

/* A string, decoded into out (UTF-8); raw C0, DEL and C1 are refused, as
 * the writer promises none reach a terminal. */
static size_t parse_string(struct parser *ps, uint8_t *out)
{
	size_t o = 0;
	expect(ps, '"');
	for (;;) {
		if (ps->p >= ps->end)
			fail("unterminated string");
		uint8_t c = *ps->p;
		if (c == '"') {
			ps->p++;
			return o;
		}
		if (c < 0x20 || c == 0x7f)
			fail("raw control character");
		if (c == '\\') {
			ps->p++;
			if (ps->p >= ps->end)
				fail("short escape");
			uint8_t e = *ps->p++;
			o += put_utf8(out + o, e == 'u' ? unicode_escape(ps) : simple_escape(e));
			continue;
		}
		size_t k = utf8_len(ps->p, (size_t)(ps->end - ps->p));
		if (k == 0)
			fail("invalid UTF-8");
		if (k == 2 && c == 0xc2 && ps->p[1] < 0xa0)
			fail("raw C1 control");
		memcpy(out + o, ps->p, k);
		o += k;
		ps->p += k;
	}
}

/* The document: {"<key>":"<value>","a":["<value>",null]}, then a newline. */
static void parse_document(struct parser *ps, uint8_t *key, size_t *key_len, uint8_t *val,
			   size_t *val_len)
{
	uint8_t again[4 * 1024 * 6];
	expect(ps, '{');
	*key_len = parse_string(ps, key);
	expect(ps, ':');
	*val_len = parse_string(ps, val);
	expect(ps, ',');
	if (parse_string(ps, again) != 1 || again[0] != 'a')
		fail("second key");
	expect(ps, ':');
	expect(ps, '[');
	size_t n = parse_string(ps, again);
	if (n != *val_len || memcmp(again, val, n) != 0)
		fail("the same value written twice differs");
	expect(ps, ',');
	for (const char *lit = "null"; *lit; lit++)
		expect(ps, *lit);
	expect(ps, ']');
	expect(ps, '}');
	expect(ps, '\n');
	if (ps->p != ps->end)
		fail("trailing bytes");
}

/* ---- the properties ---- */

static void check_json(const uint8_t *k, size_t kn, const uint8_t *v, size_t vn)
{
	char *ks = strndup((const char *)k, kn), *vs = strndup((const char *)v, vn), *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!ks || !vs || !f)
		abort();
	struct json_writer w;
	json_init(&w, f);
	json_begin_object(&w, NULL);
	json_string(&w, ks, vs);
	json_begin_array(&w, "a");
	json_string(&w, NULL, vs);
	json_string(&w, NULL, NULL);
	json_end_array(&w);
	json_end_object(&w);
	if (json_finish(&w) != 0)
		fail("writer refused a balanced document");
	fclose(f);

	static uint8_t key[4096 * 6], val[4096 * 6], want[4096 * 6];
	size_t key_len, val_len;
	struct parser ps = {(const uint8_t *)text, (const uint8_t *)text + len};
	parse_document(&ps, key, &key_len, val, &val_len);
	size_t n = expected((const uint8_t *)ks, strlen(ks), want);
	if (n != key_len || memcmp(want, key, n) != 0)
		fail("key did not round-trip");
	n = expected((const uint8_t *)vs, strlen(vs), want);
	if (n != val_len || memcmp(want, val, n) != 0)
		fail("value did not round-trip");
	free(text);
	free(ks);
	free(vs);
}

/* text_sanitize: bounded, terminated, valid UTF-8, nothing that steers a terminal. */
static void check_sanitizer(const uint8_t *data, size_t size, size_t cap)
{
	char out[256];
	text_sanitize_bytes(out, cap, data, size);
	size_t n = strnlen(out, cap);
	if (n >= cap)
		fail("sanitised text not terminated within its buffer");
	for (size_t i = 0; i < n;) {
		const uint8_t *s = (const uint8_t *)out + i;
		size_t k = utf8_len(s, n - i);
		if (k == 0 || s[0] < 0x20 || s[0] == 0x7f ||
		    (k == 2 && s[0] == 0xc2 && s[1] < 0xa0))
			fail("sanitised text lets a control or invalid byte through");
		i += k;
	}
}

/* The input: a key, a NUL, the value (each up to its NUL, as C strings are). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	const uint8_t *nul = memchr(data, 0, size);
	size_t kn = nul ? (size_t)(nul - data) : size;
	const uint8_t *v = nul ? nul + 1 : data + size;
	size_t vn = (size_t)(data + size - v);
	check_json(data, kn, v, vn);
	check_sanitizer(data, size, 1 + size % 255);
	check_sanitizer(data, size, 256);
	return 0;
}
