/* SPDX-License-Identifier: BSD-2-Clause */
/* Text helpers: the one sanitiser for strings that came from the network, bounded copies, bounded lists of lines, seconds for people. */
#ifndef NATCTL_TEXT_H
#define NATCTL_TEXT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Length of the well-formed UTF-8 sequence at s (RFC 3629 §4), 0 if none:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
size_t text_utf8_sequence(const uint8_t *s, size_t left);

/* Copies as much of the string src as fits in cap bytes, always terminated. */
void text_copy(char *dst, size_t cap, const char *src);

/*
 * Copies src (len bytes, or up to its NUL) into dst (cap bytes, always
 * terminated) with every byte that could steer a terminal replaced by '?':
 * C0 controls, DEL, C1 controls (raw, or encoded as UTF-8 U+0080..U+009F),
 * and anything that is not well-formed UTF-8. Printable ASCII and valid
 * UTF-8 text pass; a character that does not fit whole is left out.
 * Every string that came from the network goes through this before any
 * text output or trace.
 */
void text_sanitize(char *dst, size_t cap, const char *src);
void text_sanitize_bytes(char *dst, size_t cap, const void *src, size_t len);

/*
 * Appends one printf-formatted line to a caller's array `char lines[max][width]`
 * holding *n lines; a line too long is cut, a line past max is dropped.
 * TEXT_LINES_ADD(array, count, fmt, ...) spells the bounds from the array.
 */
void text_lines_add(char *lines, size_t width, size_t max, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void text_lines_vadd(char *lines, size_t width, size_t max, size_t *n, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
/* A duration for people: "1.05", "2.5", "3" (seconds to the hundredth, no
 * trailing zeros), from microseconds. */
void text_seconds(char *out, size_t cap, int64_t us);

#define TEXT_LINES_ADD(array, count, ...)                                                      \
	text_lines_add(&(array)[0][0], sizeof((array)[0]), sizeof(array) / sizeof((array)[0]), \
		       &(count), __VA_ARGS__)

#endif
