// SPDX-License-Identifier: BSD-2-Clause
// Forwarding of trace lines to whoever asked for them.
#include "natctl/base/trace.h"

#include <stddef.h>

void trace_log(const struct trace *t, const char *fmt, ...)
{
	if (!t || !t->log)
		return;
	va_list ap;
	va_start(ap, fmt);
	t->log(t->ctx, fmt, ap);
	va_end(ap);
}
