// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: the /proc/net/route parser must survive any text.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "natctl/net/gateway.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void find(const char *text, const char *ifname)
{
	struct gateway_route r;
	if (gateway_parse_proc_route(text, ifname, &r) != 0)
		return;
	char s[ENDPOINT_STRLEN];
	endpoint_format(&r.gateway, s);
	volatile size_t sink = strlen(r.ifname) + r.metric;
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* gateway_default_v4 hands the parser a NUL-terminated file. */
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	find(text, NULL);
	find(text, "eth0");
	free(text);
	return 0;
}
