// SPDX-License-Identifier: BSD-2-Clause
// Rendering of command results as human text or JSON.
#include "natctl/cli/output.h"

#include <string.h>

void json_endpoint(struct json_writer *w, const char *key, const struct endpoint *e)
{
	if (!e || !endpoint_is_set(e)) {
		json_null(w, key);
		return;
	}
	char ip[IP_STRLEN];
	json_begin_object(w, key);
	json_string(w, "address", endpoint_format_ip(e, ip));
	json_uint(w, "port", e->port);
	json_end_object(w);
}

void json_endpoint_string(struct json_writer *w, const char *key, const struct endpoint *e)
{
	char s[ENDPOINT_STRLEN];
	json_string(w, key, e && endpoint_is_set(e) ? endpoint_format(e, s) : NULL);
}

void json_tri(struct json_writer *w, const char *key, enum nat_tri v)
{
	if (v == NAT_TRI_UNKNOWN)
		json_null(w, key);
	else
		json_bool(w, key, v == NAT_TRI_YES);
}

void json_ms(struct json_writer *w, const char *key, int64_t us)
{
	if (us < 0)
		json_null(w, key);
	else
		json_double(w, key, (double)us / 1000.0, 3);
}
