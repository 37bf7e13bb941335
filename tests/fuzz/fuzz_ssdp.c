// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: the SSDP answer parser and LOCATION check must survive any datagram.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "natctl/map/ssdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What upnp_client does with an answer: compare, trace, keep the URL. */
static void use_answer(const struct ssdp_answer *a)
{
	char s[ENDPOINT_STRLEN];
	endpoint_format(&a->host, s);
	volatile size_t sink = strlen(a->location) + strlen(a->st) + strlen(a->server);
	(void)sink;
	struct endpoint again;
	(void)ssdp_parse_url(a->location, &again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* As received: not NUL-terminated, so any read past size is caught. */
	struct ssdp_answer a;
	int rc = ssdp_parse_response((const char *)data, size, &a);
	(void)ssdp_strerror(rc);
	if (rc == 0)
		use_answer(&a);

	/* The same bytes as a LOCATION value on their own. */
	char *url = malloc(size + 1);
	if (!url)
		return 0;
	memcpy(url, data, size);
	url[size] = '\0';
	struct endpoint host;
	if (ssdp_parse_url(url, &host) == 0) {
		char s[ENDPOINT_STRLEN];
		endpoint_format(&host, s);
	}
	free(url);
	return 0;
}
