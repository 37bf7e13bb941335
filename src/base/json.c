// SPDX-License-Identifier: BSD-2-Clause
// Streaming JSON writer (RFC 8259).
#include "natctl/base/json.h"

#include <math.h>
#include <string.h>

#include "natctl/base/text.h"

void json_init(struct json_writer *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
}

/* A C1 control (U+0080..U+009F) as UTF-8: C2 80..C2 9F. */
static bool is_c1(const unsigned char *p, size_t n)
{
	return n == 2 && p[0] == 0xc2 && p[1] < 0xa0;
}

/*
 * Writes s as a JSON string: escapes, and replaces invalid UTF-8 with U+FFFD.
 * RFC 8259 §7 requires only C0 controls, '"' and '\\' escaped; DEL and the C1
 * controls are escaped too, so that a JSON document shown on a terminal
 * cannot carry a control sequence (U+009B is CSI on many terminals).
 */
static void put_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
	fputc('"', f);
	while (*p) {
		unsigned char c = *p;
		size_t n;
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			p++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			p++;
		} else if (c < 0x80) {
			fputc(c, f);
			p++;
		} else if ((n = text_utf8_sequence(p, (size_t)(end - p))) > 0) {
			if (is_c1(p, n))
				fprintf(f, "\\u%04x", p[1]);
			else
				fwrite(p, 1, n, f);
			p += n;
		} else {
			fputs("\\ufffd", f);
			p++;
		}
	}
	fputc('"', f);
}

/* Emits the comma and key that come before any value. */
static bool begin_item(struct json_writer *w, const char *key)
{
	if (w->err)
		return false;
	if (w->depth > 0 && w->has_items[w->depth - 1])
		fputc(',', w->f);
	if (w->depth > 0)
		w->has_items[w->depth - 1] = true;
	if (key) {
		put_string(w->f, key);
		fputc(':', w->f);
	}
	return true;
}

static void open_scope(struct json_writer *w, const char *key, char c)
{
	if (w->depth >= JSON_MAX_DEPTH) {
		w->err = true;
		return;
	}
	if (!begin_item(w, key))
		return;
	fputc(c, w->f);
	w->has_items[w->depth++] = false;
}

static void close_scope(struct json_writer *w, char c)
{
	if (w->err || w->depth == 0) {
		w->err = true;
		return;
	}
	w->depth--;
	fputc(c, w->f);
}

void json_begin_object(struct json_writer *w, const char *key)
{
	open_scope(w, key, '{');
}

void json_end_object(struct json_writer *w)
{
	close_scope(w, '}');
}

void json_begin_array(struct json_writer *w, const char *key)
{
	open_scope(w, key, '[');
}

void json_end_array(struct json_writer *w)
{
	close_scope(w, ']');
}

void json_string(struct json_writer *w, const char *key, const char *value)
{
	if (!begin_item(w, key))
		return;
	if (value)
		put_string(w->f, value);
	else
		fputs("null", w->f);
}

void json_int(struct json_writer *w, const char *key, long long value)
{
	if (begin_item(w, key))
		fprintf(w->f, "%lld", value);
}

void json_uint(struct json_writer *w, const char *key, unsigned long long value)
{
	if (begin_item(w, key))
		fprintf(w->f, "%llu", value);
}

void json_bool(struct json_writer *w, const char *key, bool value)
{
	if (begin_item(w, key))
		fputs(value ? "true" : "false", w->f);
}

void json_null(struct json_writer *w, const char *key)
{
	if (begin_item(w, key))
		fputs("null", w->f);
}

void json_double(struct json_writer *w, const char *key, double value, int decimals)
{
	if (!begin_item(w, key))
		return;
	if (isfinite(value))
		fprintf(w->f, "%.*f", decimals, value);
	else
		fputs("null", w->f);
}

int json_finish(struct json_writer *w)
{
	if (w->err || w->depth != 0)
		return -1;
	fputc('\n', w->f);
	return 0;
}
