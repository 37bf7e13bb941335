// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for the PCP codec (RFC 6887 layouts both ways, hostile responses) and the nonce derivation.
#include <netinet/in.h>

#include "natctl/base/buf.h"
#include "natctl/map/pcp.h"
#include "natctl/map/pcp_nonce.h"
#include "test.h"

static struct endpoint ip4(const char *s)
{
	struct endpoint e;
	endpoint_parse_ip(&e, s);
	return e;
}

static struct pcp_request map_request(void)
{
	struct pcp_request q;
	memset(&q, 0, sizeof(q));
	q.opcode = PCP_OP_MAP;
	q.lifetime = 7200;
	q.client = ip4("192.168.77.10");
	for (int i = 0; i < PCP_NONCE_LEN; i++)
		q.nonce[i] = (uint8_t)(0xa0 + i);
	q.protocol = IPPROTO_TCP;
	q.internal_port = 8080;
	q.external_port = 8081;
	return q;
}

/* RFC 6887 §7.1 and §11.1, byte by byte. */
static void pcp_encode_map_layout(void)
{
	struct pcp_request q = map_request();
	uint8_t b[PCP_MAX_MESSAGE];
	int n = pcp_encode_request(&q, b, sizeof(b));
	CHECK_EQ_INT(n, PCP_HEADER_LEN + PCP_MAP_PAYLOAD_LEN);
	static const uint8_t want[60] = {
		2,    1,    0,    0,    0,    0,    0x1c, 0x20, /* version, R=0 MAP, lifetime */
		0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0xff, 0xff,
		192,  168,  77,   10, /* client ::ffff:ip */
		0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, /* nonce */
		6,    0,    0,    0,    0x1f, 0x90, 0x1f, 0x91, /* tcp, ports */
		0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0xff, 0xff,
		0,    0,    0,    0, /* no preferred address */
	};
	CHECK(memcmp(b, want, sizeof(want)) == 0);
}

static void pcp_encode_options(void)
{
	struct pcp_request q = map_request();
	q.third_party = ip4("192.168.77.11");
	q.prefer_failure = true;
	uint8_t b[PCP_MAX_MESSAGE];
	int n = pcp_encode_request(&q, b, sizeof(b));
	CHECK_EQ_INT(n, 60 + 20 + 4);
	CHECK_EQ_INT(b[60], PCP_OPTION_THIRD_PARTY);
	CHECK_EQ_INT(load_be16(b + 62), 16);
	CHECK_EQ_INT(b[60 + 4 + 15], 11);
	CHECK_EQ_INT(b[80], PCP_OPTION_PREFER_FAILURE);
	CHECK_EQ_INT(load_be16(b + 82), 0);
	CHECK_EQ_INT(pcp_encode_request(&q, b, 60), PCP_ERR_NOSPACE);
}

static void pcp_encode_announce(void)
{
	struct pcp_request q;
	memset(&q, 0, sizeof(q));
	q.opcode = PCP_OP_ANNOUNCE;
	q.client = ip4("10.0.0.2");
	uint8_t b[64];
	CHECK_EQ_INT(pcp_encode_request(&q, b, sizeof(b)), 24);
	CHECK_EQ_INT(b[0], 2);
	CHECK_EQ_INT(b[1], 0);
	CHECK_EQ_INT(load_be32(b + 4), 0);
	CHECK_EQ_INT(b[23], 2);
}

/* A MAP success response as a server would build it. */
static size_t map_response(const struct pcp_request *q, uint8_t result, uint8_t *b)
{
	memset(b, 0, 60);
	b[0] = 2;
	b[1] = 0x80 | PCP_OP_MAP;
	b[3] = result;
	store_be32(b + 4, 3600);
	store_be32(b + 8, 12345);
	memcpy(b + 24, q->nonce, PCP_NONCE_LEN);
	b[36] = q->protocol;
	store_be16(b + 40, q->internal_port);
	store_be16(b + 42, 9000);
	b[54] = b[55] = 0xff;
	b[56] = 203, b[57] = 0, b[58] = 113, b[59] = 2;
	return 60;
}

static void pcp_decode_map_success(void)
{
	struct pcp_request q = map_request();
	uint8_t b[64];
	size_t n = map_response(&q, 0, b);
	struct pcp_response r;
	CHECK_EQ_INT(pcp_decode_response(b, n, &r), PCP_OK);
	CHECK_EQ_INT(pcp_response_matches(&q, &r), PCP_OK);
	CHECK_EQ_INT(r.result, 0);
	CHECK_EQ_INT(r.lifetime, 3600);
	CHECK_EQ_INT(r.epoch, 12345);
	CHECK_EQ_INT(r.external_port, 9000);
	char ip[IP_STRLEN];
	CHECK_EQ_STR(endpoint_format_ip(&r.external, ip), "203.0.113.2");
	CHECK(r.has_map);
	CHECK(!r.natpmp);
}

/*
 * A pinhole (map -6): RFC 6887 §5 puts an IPv6 client address in the field
 * as it is, and §11.1's "no preference" for the external address is the
 * IPv6 all-zeros address ::, not ::ffff:0.0.0.0. miniupnpd's answer
 * (CreatePCPMap_FW) echoes the internal port and leaves the address ::.
 */
static void pcp_map_over_ipv6(void)
{
	struct pcp_request q = map_request();
	q.client = ip4("2001:db8:77::10");
	q.external_port = 40000;
	q.internal_port = 40000;
	q.external.family = AF_INET6;
	uint8_t b[PCP_MAX_MESSAGE];
	int n = pcp_encode_request(&q, b, sizeof(b));
	CHECK_EQ_INT(n, 60);
	static const uint8_t client[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x77, 0, 0,
					   0,    0,    0,    0,    0, 0,    0, 0x10};
	static const uint8_t zero[16];
	CHECK(memcmp(b + 8, client, 16) == 0);
	CHECK(memcmp(b + 44, zero, 16) == 0);
	/* the server's answer, as it would come back */
	b[1] |= 0x80;
	b[3] = PCP_RESULT_SUCCESS;
	struct pcp_response r;
	CHECK_EQ_INT(pcp_decode_response(b, (size_t)n, &r), PCP_OK);
	CHECK_EQ_INT(pcp_response_matches(&q, &r), PCP_OK);
	CHECK_EQ_INT(r.external_port, 40000);
	char ip[IP_STRLEN];
	CHECK_EQ_INT(r.external.family, AF_INET6);
	CHECK_EQ_STR(endpoint_format_ip(&r.external, ip), "::");
	/* an IPv6 external address comes back as such */
	memcpy(b + 44, client, 16);
	CHECK_EQ_INT(pcp_decode_response(b, (size_t)n, &r), PCP_OK);
	CHECK_EQ_STR(endpoint_format_ip(&r.external, ip), "2001:db8:77::10");
}

/* Round trip: what we encode as a request, re-read as a server would. */
static void pcp_request_round_trip(void)
{
	struct pcp_request q = map_request();
	uint8_t b[PCP_MAX_MESSAGE];
	int n = pcp_encode_request(&q, b, sizeof(b));
	b[1] |= 0x80; /* make it look like the echo of a response */
	b[3] = 0;
	struct pcp_response r;
	CHECK_EQ_INT(pcp_decode_response(b, (size_t)n, &r), PCP_OK);
	CHECK_EQ_INT(r.internal_port, 8080);
	CHECK_EQ_INT(r.external_port, 8081);
	CHECK(memcmp(r.nonce, q.nonce, PCP_NONCE_LEN) == 0);
}

static void pcp_decode_malformed_table(void)
{
	struct pcp_request q = map_request();
	static const struct {
		const char *what;
		int want;
	} rows[] = {
		{"short", PCP_ERR_SHORT},
		{"not multiple of 4", PCP_ERR_LENGTH},
		{"too long", PCP_ERR_LENGTH},
		{"wrong version", PCP_ERR_VERSION},
		{"R bit clear", PCP_ERR_NOT_RESPONSE},
		{"wrong opcode", PCP_ERR_OPCODE},
		{"nonce mismatch", PCP_ERR_NONCE},
		{"port mismatch", PCP_ERR_MISMATCH},
		{"bad result code", PCP_ERR_RESULT},
		{"option overrun", PCP_ERR_OPTION},
		{"truncated payload", PCP_ERR_SHORT},
		{"unknown opcode", PCP_ERR_OPCODE_UNKNOWN},
		{"natpmp success", PCP_ERR_VERSION},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t b[PCP_MAX_MESSAGE + 8];
		size_t n = map_response(&q, 0, b);
		switch (i) {
		case 0: n = 20; break;
		case 1: n = 58; break;
		case 2:
			memset(b + 60, 0, 1044);
			n = 1104;
			break;
		case 3: b[0] = 3; break;
		case 4: b[1] = PCP_OP_MAP; break;
		case 5:
			b[1] = 0x80 | PCP_OP_ANNOUNCE;
			n = 24;
			break;
		case 6: b[24] ^= 1; break;
		case 7: store_be16(b + 40, 8079); break;
		case 8: b[3] = 200; break;
		case 9: b[60] = 1, b[61] = 0, store_be16(b + 62, 16), n = 64; break;
		case 10: n = 48; break;
		case 11: b[1] = 0x80 | 0x55; break;
		case 12: memset(b, 0, 16), b[1] = 0x81, n = 16; break;
		}
		struct pcp_response r;
		int rc = pcp_decode_response(b, n, &r);
		if (rc == PCP_OK)
			rc = pcp_response_matches(&q, &r);
		if (rc != rows[i].want) {
			char m[128];
			snprintf(m, sizeof(m), "%s: got %d (%s)", rows[i].what, rc,
				 pcp_strerror(rc));
			test_fail(__FILE__, __LINE__, m);
		}
	}
}

/* RFC 6887 §9: NAT-PMP-only servers answer with a version 0 "Unsupported Version". */
static void pcp_decode_natpmp_answer(void)
{
	uint8_t b[8] = {0, 0x80 | 1, 0, 1, 0, 0, 0x10, 0};
	struct pcp_response r;
	CHECK_EQ_INT(pcp_decode_response(b, sizeof(b), &r), PCP_OK);
	CHECK(r.natpmp);
	CHECK_EQ_INT(r.result, PCP_RESULT_UNSUPP_VERSION);
	struct pcp_request q = map_request();
	CHECK_EQ_INT(pcp_response_matches(&q, &r), PCP_OK);
}

/* §9: another version's server answers UNSUPP_VERSION with its own version, header only. */
static void pcp_decode_other_version(void)
{
	uint8_t b[24] = {1, 0x81, 0, PCP_RESULT_UNSUPP_VERSION};
	struct pcp_response r;
	CHECK_EQ_INT(pcp_decode_response(b, sizeof(b), &r), PCP_OK);
	CHECK_EQ_INT(r.version, 1);
	CHECK_EQ_INT(r.result, PCP_RESULT_UNSUPP_VERSION);
}

/* §7.2: a request the server could not parse may be answered with the
 * header alone, its reserved field holding our address's last 96 bits. */
static void pcp_decode_error_header_only(void)
{
	struct pcp_request q = map_request();
	uint8_t b[64];
	map_response(&q, PCP_RESULT_MALFORMED_REQUEST, b);
	static const uint8_t ours[12] = {0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 77, 10};
	memcpy(b + 12, ours, sizeof(ours));
	struct pcp_response r;
	CHECK_EQ_INT(pcp_decode_response(b, 24, &r), PCP_OK);
	CHECK(!r.has_map);
	CHECK_EQ_INT(pcp_response_matches(&q, &r), PCP_OK);
	CHECK_EQ_STR(pcp_result_name(r.result), "MALFORMED_REQUEST");
	CHECK_EQ_STR(pcp_result_name(99), "UNKNOWN");
	b[3] = PCP_RESULT_UNSUPP_OPCODE;
	CHECK_EQ_INT(pcp_decode_response(b, 24, &r), PCP_OK);
	CHECK_EQ_INT(pcp_response_matches(&q, &r), PCP_OK);
}

/* Issue 9: a 24-byte NOT_AUTHORIZED with no nonce was taken as the answer to
 * any MAP request. Errors for a request the server parsed carry the nonce. */
static void pcp_header_only_errors_refused(void)
{
	struct pcp_request q = map_request();
	static const uint8_t ours[12] = {0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 77, 10};
	for (unsigned result = 1; result <= PCP_RESULT_MAX; result++) {
		uint8_t b[64];
		map_response(&q, (uint8_t)result, b);
		memcpy(b + 12, ours, sizeof(ours));
		struct pcp_response r;
		CHECK_EQ_INT(pcp_decode_response(b, 24, &r), PCP_OK);
		int want =
			result == PCP_RESULT_MALFORMED_REQUEST || result == PCP_RESULT_UNSUPP_OPCODE
				? PCP_OK
				: PCP_ERR_HEADER_ONLY;
		if (pcp_response_matches(&q, &r) != want) {
			char m[96];
			snprintf(m, sizeof(m), "header-only %s", pcp_result_name(result));
			test_fail(__FILE__, __LINE__, m);
		}
	}
	/* an unparsed request's answer must name our address (§7.2) */
	uint8_t b[64];
	map_response(&q, PCP_RESULT_MALFORMED_REQUEST, b);
	struct pcp_response r;
	CHECK_EQ_INT(pcp_decode_response(b, 24, &r), PCP_OK);
	CHECK_EQ_INT(pcp_response_matches(&q, &r), PCP_ERR_RESERVED);
	/* with the payload, an error must carry our nonce */
	map_response(&q, PCP_RESULT_NOT_AUTHORIZED, b);
	b[24] ^= 0x55;
	CHECK_EQ_INT(pcp_decode_response(b, 60, &r), PCP_OK);
	CHECK_EQ_INT(pcp_response_matches(&q, &r), PCP_ERR_NONCE);
}

/* Only a version-2 ANNOUNCE success is an announcement (§14.1.1). */
static void pcp_announcement_parsing(void)
{
	uint8_t b[24] = {2, 0x80 | PCP_OP_ANNOUNCE, 0, 0, 0, 0, 0, 0, 0, 0, 0x30, 0x39};
	uint32_t epoch = 0;
	CHECK(pcp_announcement_epoch(b, sizeof(b), &epoch));
	CHECK_EQ_INT(epoch, 12345);
	b[3] = PCP_RESULT_NOT_AUTHORIZED;
	CHECK(!pcp_announcement_epoch(b, sizeof(b), &epoch));
	b[3] = 0;
	b[1] = 0x80 | PCP_OP_MAP;
	CHECK(!pcp_announcement_epoch(b, sizeof(b), &epoch));
	b[1] = PCP_OP_ANNOUNCE; /* a request */
	CHECK(!pcp_announcement_epoch(b, sizeof(b), &epoch));
	b[1] = 0x80 | PCP_OP_ANNOUNCE;
	CHECK(!pcp_announcement_epoch(b, 20, &epoch));
	b[0] = 0; /* NAT-PMP */
	CHECK(!pcp_announcement_epoch(b, sizeof(b), &epoch));
}

static void pcp_nonce_deterministic(void)
{
	uint8_t key[16], n1[12], n2[12], n3[12];
	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	struct endpoint a = ip4("192.168.77.10");
	pcp_nonce_derive(key, &a, 8080, IPPROTO_TCP, n1);
	pcp_nonce_derive(key, &a, 8080, IPPROTO_TCP, n2);
	CHECK(memcmp(n1, n2, 12) == 0);
	pcp_nonce_derive(key, &a, 8080, IPPROTO_UDP, n3);
	CHECK(memcmp(n1, n3, 12) != 0);
	key[0] ^= 1;
	pcp_nonce_derive(key, &a, 8080, IPPROTO_TCP, n3);
	CHECK(memcmp(n1, n3, 12) != 0);
}

/* The reference vectors of SipHash-2-4-128 (key 00..0f, message 00..len-1). */
static void siphash128_vectors(void)
{
	uint8_t key[16], msg[15], out[16];
	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 15; i++)
		msg[i] = (uint8_t)i;
	static const uint8_t empty[16] = {0xa3, 0x81, 0x7f, 0x04, 0xba, 0x25, 0xa8, 0xe6,
					  0x6d, 0xf6, 0x72, 0x14, 0xc7, 0x55, 0x02, 0x93};
	static const uint8_t fifteen[16] = {0x54, 0x93, 0xe9, 0x99, 0x33, 0xb0, 0xa8, 0x11,
					    0x7e, 0x08, 0xec, 0x0f, 0x97, 0xcf, 0xc3, 0xd9};
	siphash128(key, msg, 0, out);
	CHECK(memcmp(out, empty, 16) == 0);
	siphash128(key, msg, 15, out);
	CHECK(memcmp(out, fifteen, 16) == 0);
}

const struct test_case pcp_cases[] = {
	T(pcp_encode_map_layout),    T(pcp_encode_options),       T(pcp_encode_announce),
	T(pcp_decode_map_success),   T(pcp_request_round_trip),   T(pcp_decode_malformed_table),
	T(pcp_decode_natpmp_answer), T(pcp_decode_other_version), T(pcp_decode_error_header_only),
	T(pcp_nonce_deterministic),  T(siphash128_vectors),       T(pcp_header_only_errors_refused),
	T(pcp_announcement_parsing), T(pcp_map_over_ipv6),        {NULL, NULL},
};
