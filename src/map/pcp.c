// SPDX-License-Identifier: BSD-2-Clause
// PCP wire codec (RFC 6887): requests out, validated responses in.
#include "natctl/map/pcp.h"

#include <string.h>

#include "natctl/base/buf.h"

const char *pcp_strerror(int err)
{
	switch (err) {
	case PCP_OK: return "ok";
	case PCP_ERR_SHORT: return "message too short";
	case PCP_ERR_LENGTH: return "length over 1100 octets or not a multiple of 4";
	case PCP_ERR_VERSION: return "unexpected version";
	case PCP_ERR_NOT_RESPONSE: return "R bit clear (a request, not a response)";
	case PCP_ERR_OPCODE: return "opcode differs from the request's";
	case PCP_ERR_NONCE: return "mapping nonce differs from the request's";
	case PCP_ERR_MISMATCH: return "protocol or internal port differ from the request's";
	case PCP_ERR_OPTION: return "malformed option";
	case PCP_ERR_NOSPACE: return "no space";
	case PCP_ERR_RESULT: return "unknown result code";
	case PCP_ERR_OPCODE_UNKNOWN: return "unknown opcode";
	case PCP_ERR_HEADER_ONLY:
		return "error without the MAP payload (nonce) for a parsable request";
	case PCP_ERR_RESERVED: return "header-only error that does not name our address";
	}
	return "unknown error";
}

const char *pcp_result_name(unsigned code)
{
	static const char *const names[] = {
		"SUCCESS",           "UNSUPP_VERSION",         "NOT_AUTHORIZED",
		"MALFORMED_REQUEST", "UNSUPP_OPCODE",          "UNSUPP_OPTION",
		"MALFORMED_OPTION",  "NETWORK_FAILURE",        "NO_RESOURCES",
		"UNSUPP_PROTOCOL",   "USER_EX_QUOTA",          "CANNOT_PROVIDE_EXTERNAL",
		"ADDRESS_MISMATCH",  "EXCESSIVE_REMOTE_PEERS",
	};
	return code < sizeof(names) / sizeof(names[0]) ? names[code] : "UNKNOWN";
}

/* §5: "IPv4 addresses are represented as IPv4-mapped IPv6 addresses". An
 * unset IPv4 address is ::ffff:0.0.0.0, the "no preference" of §11.1. */
static void address_field(const struct endpoint *e, uint8_t out[16])
{
	static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (e->family == AF_INET6) {
		memcpy(out, e->ip, 16);
		return;
	}
	memcpy(out, v4mapped, sizeof(v4mapped));
	if (e->family == AF_INET)
		memcpy(out + 12, e->ip, 4);
	else
		memset(out + 12, 0, 4);
}

static void put_address(struct buf *b, const struct endpoint *e)
{
	uint8_t field[16];
	address_field(e, field);
	buf_put_bytes(b, field, sizeof(field));
}

static void get_address(struct buf *b, struct endpoint *e)
{
	uint8_t raw[16];
	buf_get_bytes(b, raw, sizeof(raw));
	static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	memset(e, 0, sizeof(*e));
	if (memcmp(raw, v4mapped, sizeof(v4mapped)) == 0) {
		e->family = AF_INET;
		memcpy(e->ip, raw + 12, 4);
	} else {
		e->family = AF_INET6;
		memcpy(e->ip, raw, 16);
	}
}

/* §7.3: code, reserved, 16-bit length, data padded to a multiple of 4. */
static void put_option(struct buf *b, uint8_t code, const struct endpoint *addr)
{
	buf_put_u8(b, code);
	buf_put_u8(b, 0);
	buf_put_be16(b, addr ? 16 : 0);
	if (addr)
		put_address(b, addr);
}

int pcp_encode_request(const struct pcp_request *r, uint8_t *out, size_t cap)
{
	struct buf b;
	buf_init(&b, out, cap);
	buf_put_u8(&b, PCP_VERSION);
	buf_put_u8(&b, r->opcode & 0x7f); /* R = 0: a request */
	buf_put_be16(&b, 0);
	buf_put_be32(&b, r->lifetime);
	put_address(&b, &r->client);
	if (r->opcode == PCP_OP_MAP) {
		buf_put_bytes(&b, r->nonce, PCP_NONCE_LEN);
		buf_put_u8(&b, r->protocol);
		buf_put_zeros(&b, 3);
		buf_put_be16(&b, r->internal_port);
		buf_put_be16(&b, r->external_port);
		put_address(&b, &r->external);
		if (endpoint_is_set(&r->third_party))
			put_option(&b, PCP_OPTION_THIRD_PARTY, &r->third_party);
		if (r->prefer_failure)
			put_option(&b, PCP_OPTION_PREFER_FAILURE, NULL);
	}
	return b.err ? PCP_ERR_NOSPACE : (int)b.pos;
}

/*
 * RFC 6887 §9: a server that speaks only NAT-PMP answers a version-2
 * request with a NAT-PMP "Unsupported Version" response (version 0, result
 * 1), which tells the client to fall back to NAT-PMP.
 */
static int decode_natpmp(const uint8_t *data, size_t len, struct pcp_response *r)
{
	if (len < 4)
		return PCP_ERR_SHORT;
	if (!(data[1] & PCP_RESPONSE_BIT))
		return PCP_ERR_NOT_RESPONSE;
	if (load_be16(data + 2) != PCP_RESULT_UNSUPP_VERSION)
		return PCP_ERR_VERSION;
	r->version = 0;
	r->opcode = data[1] & 0x7f;
	r->result = PCP_RESULT_UNSUPP_VERSION;
	r->natpmp = true;
	if (len >= 8)
		r->epoch = load_be32(data + 4);
	return PCP_OK;
}

/* Walks the options after the payload; they must fit exactly (§7.3). */
static int skip_options(struct buf *b)
{
	while (buf_left(b) > 0) {
		if (buf_left(b) < 4)
			return PCP_ERR_OPTION;
		buf_skip(b, 2);
		uint16_t n = buf_get_be16(b);
		size_t padded = ((size_t)n + 3) & ~(size_t)3;
		if (padded > buf_left(b))
			return PCP_ERR_OPTION;
		buf_skip(b, padded);
	}
	return PCP_OK;
}

static int decode_map(struct buf *b, struct pcp_response *r)
{
	/* A server that could not parse the request may answer with the header
	 * alone (pcp_response_matches says when that can be ours); anything
	 * longer must carry the whole payload. */
	if (buf_left(b) == 0 && r->result != PCP_RESULT_SUCCESS)
		return PCP_OK;
	if (buf_left(b) < PCP_MAP_PAYLOAD_LEN)
		return PCP_ERR_SHORT;
	r->has_map = true;
	buf_get_bytes(b, r->nonce, PCP_NONCE_LEN);
	r->protocol = buf_get_u8(b);
	buf_skip(b, 3);
	r->internal_port = buf_get_be16(b);
	r->external_port = buf_get_be16(b);
	get_address(b, &r->external);
	return skip_options(b);
}

int pcp_decode_response(const uint8_t *data, size_t len, struct pcp_response *r)
{
	memset(r, 0, sizeof(*r));
	if (len >= 1 && data[0] == 0)
		return decode_natpmp(data, len, r);
	if (len < PCP_HEADER_LEN)
		return PCP_ERR_SHORT;
	if (len > PCP_MAX_MESSAGE || len % 4 != 0)
		return PCP_ERR_LENGTH;
	struct buf b;
	buf_init_ro(&b, data, len);
	r->version = buf_get_u8(&b);
	uint8_t op = buf_get_u8(&b);
	buf_skip(&b, 1);
	r->result = buf_get_u8(&b);
	r->lifetime = buf_get_be32(&b);
	r->epoch = buf_get_be32(&b);
	buf_get_bytes(&b, r->reserved, sizeof(r->reserved));
	r->opcode = op & 0x7f;
	if (!(op & PCP_RESPONSE_BIT))
		return PCP_ERR_NOT_RESPONSE;
	/* §9: a server of another version says so with UNSUPP_VERSION and
	 * its own version number; any other answer must be version 2. */
	if (r->version != PCP_VERSION && r->result != PCP_RESULT_UNSUPP_VERSION)
		return PCP_ERR_VERSION;
	if (r->result > PCP_RESULT_MAX)
		return PCP_ERR_RESULT;
	if (r->version != PCP_VERSION)
		return PCP_OK; /* header only: the rest is another version's layout */
	switch (r->opcode) {
	case PCP_OP_ANNOUNCE: return skip_options(&b);
	case PCP_OP_MAP: return decode_map(&b, r);
	default: return PCP_ERR_OPCODE_UNKNOWN;
	}
}

/*
 * A MAP answer that stops after the header carries no nonce, so anyone who
 * can send from the gateway's address could forge it. It is taken only
 * where the server could not have copied our payload: another version's
 * answer (§9), or a request it could not parse, MALFORMED_REQUEST or
 * UNSUPP_OPCODE. Any other error answers a request the server parsed, so
 * it carries the payload, and §11.3 matches it by the nonce. And §7.2:
 * "For requests that were not successfully parsed, the server copies the
 * last 96 bits of the PCP Client's IP Address field from the request
 * message into this corresponding 96-bit field of the response."
 */
static int header_only_matches(const struct pcp_request *req, const struct pcp_response *r)
{
	if (r->version != PCP_VERSION && r->result == PCP_RESULT_UNSUPP_VERSION)
		return PCP_OK;
	if (r->result != PCP_RESULT_MALFORMED_REQUEST && r->result != PCP_RESULT_UNSUPP_OPCODE)
		return PCP_ERR_HEADER_ONLY;
	uint8_t field[16];
	address_field(&req->client, field);
	return memcmp(r->reserved, field + 4, sizeof(r->reserved)) == 0 ? PCP_OK : PCP_ERR_RESERVED;
}

int pcp_response_matches(const struct pcp_request *req, const struct pcp_response *r)
{
	if (r->natpmp)
		return PCP_OK;
	/* §8.3: a response whose opcode differs from the request's is dropped,
	 * except that a server of another version answers with the header only. */
	if (r->opcode != req->opcode)
		return PCP_ERR_OPCODE;
	if (req->opcode != PCP_OP_MAP)
		return PCP_OK;
	if (!r->has_map)
		return header_only_matches(req, r);
	/* §11.3: the client matches the response by nonce, protocol and
	 * internal port, so a stale or forged answer cannot pass for ours. */
	if (memcmp(r->nonce, req->nonce, PCP_NONCE_LEN) != 0)
		return PCP_ERR_NONCE;
	if (r->protocol != req->protocol || r->internal_port != req->internal_port)
		return PCP_ERR_MISMATCH;
	return PCP_OK;
}

bool pcp_announcement_epoch(const uint8_t *data, size_t len, uint32_t *epoch)
{
	struct pcp_response r;
	if (pcp_decode_response(data, len, &r) != 0 || r.natpmp || r.opcode != PCP_OP_ANNOUNCE ||
	    r.version != PCP_VERSION || r.result != PCP_RESULT_SUCCESS)
		return false;
	*epoch = r.epoch;
	return true;
}
