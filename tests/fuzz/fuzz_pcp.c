// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: the PCP response decoder and matcher must survive any datagram.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "natctl/map/pcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What pcp_client and map_keep do with an answer: match, name, format. */
static void use_response(const struct pcp_response *r)
{
	struct pcp_request req;
	memset(&req, 0, sizeof(req));
	req.opcode = r->opcode;
	memcpy(req.nonce, r->nonce, PCP_NONCE_LEN);
	req.protocol = r->protocol;
	req.internal_port = r->internal_port;
	(void)pcp_response_matches(&req, r);
	req.opcode = PCP_OP_MAP;
	req.internal_port ^= 1;
	(void)pcp_strerror(pcp_response_matches(&req, r));
	(void)pcp_result_name(r->result);

	char s[ENDPOINT_STRLEN];
	struct endpoint e = r->external;
	e.port = r->external_port;
	endpoint_format(&e, s);
	(void)addr_classify(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcp_response r;
	int rc = pcp_decode_response(data, size, &r);
	(void)pcp_strerror(rc);
	if (rc == 0)
		use_response(&r);
	return 0;
}
