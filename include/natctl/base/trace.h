/* SPDX-License-Identifier: BSD-2-Clause */
/* A callback through which lower layers report what they send and receive (-v), without printing. */
#ifndef NATCTL_TRACE_H
#define NATCTL_TRACE_H

#include <stdarg.h>

struct trace {
	void (*log)(void *ctx, const char *fmt, va_list ap);
	void *ctx;
};

/* Does nothing when t or t->log is NULL. */
void trace_log(const struct trace *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
