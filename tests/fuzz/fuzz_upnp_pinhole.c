// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: WANIPv6FirewallControl answers as natctl reads them (each action's), and envelopes built around an untrusted internal client.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "natctl/map/upnp_pinhole.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An envelope holds the client only when it is an IPv6 literal: nothing to escape. */
static void envelope(const uint8_t *data, size_t size)
{
	char client[64], out[UPNP_6FC_ENVELOPE_MAX], action[UPNP_6FC_SOAPACTION_MAX];
	size_t n = size < sizeof(client) - 1 ? size : sizeof(client) - 1;
	memcpy(client, data, n);
	client[n] = '\0';
	struct upnp_6fc_request req = {.action = UPNP_6FC_ADD_PINHOLE,
				       .internal_client = client,
				       .internal_port = 40000,
				       .lease = n};
	int len = upnp_6fc_envelope(&req, out, sizeof(out), action);
	if (len >= 0 &&
	    ((size_t)len >= sizeof(out) || strpbrk(client, "<>&\"'") || strlen(out) != (size_t)len))
		__builtin_trap();
}

/* Input: one byte for the action, then the answer's body. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct upnp_6fc_reply r;
	if (size < 1)
		return 0;
	enum upnp_6fc_action a = (enum upnp_6fc_action)(data[0] % 5);
	int rc = upnp_6fc_parse(a, (const char *)data + 1, size - 1, &r);
	if (rc != 0 && rc != UPNP_6FC_BAD_REPLY)
		__builtin_trap();
	if (rc == 0 && (r.code < 0 || r.code > 999))
		__builtin_trap();
	(void)upnp_6fc_explain(r.code);
	envelope(data + 1, size - 1);
	return 0;
}
