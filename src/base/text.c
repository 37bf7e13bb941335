// SPDX-License-Identifier: BSD-2-Clause
// Text helpers: one sanitiser for network strings, bounded copies, bounded lists of lines.
#include "natctl/base/text.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void text_copy(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

size_t text_utf8_sequence(const uint8_t *s, size_t left)
{
	uint8_t c = s[0];
	size_t n;
	uint8_t lo = 0x80, hi = 0xbf; /* the allowed range of the second byte */
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	if (left < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

static bool is_c1(const uint8_t *s, size_t n)
{
	return n == 2 && s[0] == 0xc2 && s[1] < 0xa0; /* U+0080..U+009F */
}

void text_sanitize_bytes(char *dst, size_t cap, const void *src, size_t len)
{
	const uint8_t *s = src;
	size_t o = 0;
	for (size_t i = 0; i < len && o + 1 < cap;) {
		size_t n = s[i] >= 0x20 && s[i] < 0x7f ? 1 : text_utf8_sequence(s + i, len - i);
		if (n == 0 || is_c1(s + i, n)) {
			dst[o++] = '?';
			i++;
			continue;
		}
		if (o + n >= cap)
			break; /* never half a character */
		memcpy(dst + o, s + i, n);
		o += n;
		i += n;
	}
	dst[o] = '\0';
}

void text_sanitize(char *dst, size_t cap, const char *src)
{
	text_sanitize_bytes(dst, cap, src, strlen(src));
}

void text_lines_vadd(char *lines, size_t width, size_t max, size_t *n, const char *fmt, va_list ap)
{
	if (*n >= max)
		return;
	vsnprintf(lines + *n * width, width, fmt, ap);
	(*n)++;
}

void text_lines_add(char *lines, size_t width, size_t max, size_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	text_lines_vadd(lines, width, max, n, fmt, ap);
	va_end(ap);
}

void text_seconds(char *out, size_t cap, int64_t us)
{
	long long cs = (long long)((us < 0 ? 0 : us) + 5000) / 10000;
	int n = snprintf(out, cap, "%lld.%02lld", cs / 100, cs % 100);
	/* "1.50" -> "1.5", "3.00" -> "3" */
	while (n > 0 && (size_t)n < cap && (out[n - 1] == '0' || out[n - 1] == '.')) {
		bool dot = out[n - 1] == '.';
		out[--n] = '\0';
		if (dot)
			break;
	}
}
