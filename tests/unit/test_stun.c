// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for the STUN codec: RFC 5769 vectors both ways, round trips, malformed input.
#include "natctl/stun/stun.h"
#include "test.h"

/* RFC 5769 §2.1 Sample Request (software "STUN test client", username
 * "evtj:h6vY", password "VOkJxbRl1RmTxUk/WvJxBt"). */
static const uint8_t rfc5769_request[] = {
	0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
	0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x10, 0x53, 0x54, 0x55, 0x4e,
	0x20, 0x74, 0x65, 0x73, 0x74, 0x20, 0x63, 0x6c, 0x69, 0x65, 0x6e, 0x74, 0x00, 0x24,
	0x00, 0x04, 0x6e, 0x00, 0x01, 0xff, 0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1,
	0x51, 0x26, 0x3b, 0x36, 0x00, 0x06, 0x00, 0x09, 0x65, 0x76, 0x74, 0x6a, 0x3a, 0x68,
	0x36, 0x76, 0x59, 0x20, 0x20, 0x20, 0x00, 0x08, 0x00, 0x14, 0x9a, 0xea, 0xa7, 0x0c,
	0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e, 0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49, 0xc1, 0xb5,
	0x71, 0xa2, 0x80, 0x28, 0x00, 0x04, 0xe5, 0x7a, 0x3b, 0xcf,
};

/* RFC 5769 §2.2 Sample IPv4 Response: 192.0.2.1 port 32853. */
static const uint8_t rfc5769_response_v4[] = {
	0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
	0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74,
	0x20, 0x76, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01,
	0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43, 0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99,
	0xfd, 0x9e, 0x90, 0xc3, 0x8c, 0x74, 0x89, 0xf9, 0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b,
	0xe7, 0xd7, 0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96,
};

/* RFC 5769 §2.3 Sample IPv6 Response: 2001:db8:1234:5678:11:2233:4455:6677 port 32853. */
static const uint8_t rfc5769_response_v6[] = {
	0x01, 0x01, 0x00, 0x48, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
	0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74,
	0x20, 0x76, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x14, 0x00, 0x02,
	0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa, 0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5,
	0xbe, 0xd2, 0xb9, 0xd9, 0x00, 0x08, 0x00, 0x14, 0xa3, 0x82, 0x95, 0x4e, 0x4b, 0xe6,
	0x7b, 0xf1, 0x17, 0x84, 0xc9, 0x7c, 0x82, 0x92, 0xc2, 0x75, 0xbf, 0xe3, 0xed, 0x41,
	0x80, 0x28, 0x00, 0x04, 0xc8, 0xfb, 0x0b, 0x4c,
};

static const uint8_t rfc5769_tid[STUN_TID_LEN] = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
						  0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

static void stun_crc32_check_value(void)
{
	/* The CRC-32 "check" value from the ISO 3309 / zlib definition. */
	CHECK_EQ_INT(stun_crc32((const uint8_t *)"123456789", 9), 0xCBF43926u);
}

static void stun_rfc5769_request(void)
{
	struct stun_msg m;
	CHECK_EQ_INT(stun_decode(rfc5769_request, sizeof(rfc5769_request), &m), 0);
	CHECK_EQ_INT(m.method, STUN_METHOD_BINDING);
	CHECK_EQ_INT(m.cls, STUN_CLASS_REQUEST);
	CHECK(memcmp(m.tid, rfc5769_tid, STUN_TID_LEN) == 0);
	CHECK(m.has & STUN_HAS_FINGERPRINT); /* verified, or decode would fail */
	CHECK(m.has & STUN_HAS_INTEGRITY);
	CHECK_EQ_INT(m.integrity_offset, 76);
	CHECK_EQ_INT(m.integrity[0], 0x9a);
	CHECK_EQ_INT(m.integrity[19], 0xa2);
	CHECK_EQ_STR(m.software, "STUN test client");
	CHECK_EQ_STR(m.username, "evtj:h6vY");
}

static void check_response(const uint8_t *data, size_t len, const char *want)
{
	struct stun_msg m;
	char s[ENDPOINT_STRLEN];
	CHECK_EQ_INT(stun_decode(data, len, &m), 0);
	CHECK_EQ_INT(m.cls, STUN_CLASS_SUCCESS);
	CHECK_EQ_INT(m.method, STUN_METHOD_BINDING);
	CHECK(m.has & STUN_HAS_XOR_MAPPED);
	CHECK(m.has & STUN_HAS_FINGERPRINT);
	CHECK_EQ_STR(m.software, "test vector");
	CHECK(stun_msg_mapped(&m) == &m.xor_mapped);
	CHECK_EQ_STR(endpoint_format(&m.xor_mapped, s), want);
}

static void stun_rfc5769_ipv4_response(void)
{
	check_response(rfc5769_response_v4, sizeof(rfc5769_response_v4), "192.0.2.1:32853");
}

static void stun_rfc5769_ipv6_response(void)
{
	check_response(rfc5769_response_v6, sizeof(rfc5769_response_v6),
		       "[2001:db8:1234:5678:11:2233:4455:6677]:32853");
}

/* Encoding the §2.2 address with the §2.2 transaction id gives the RFC's bytes. */
static void stun_rfc5769_xor_encode(void)
{
	uint8_t out[64];
	struct buf b;
	struct endpoint e;
	CHECK(endpoint_parse_ip(&e, "192.0.2.1") == 0);
	e.port = 32853;
	buf_init(&b, out, sizeof(out));
	stun_put_xor_address(&b, STUN_ATTR_XOR_MAPPED_ADDRESS, &e, rfc5769_tid);
	CHECK(!b.err);
	CHECK_EQ_INT(b.pos, 12);
	CHECK(memcmp(out, rfc5769_response_v4 + 36, 12) == 0);

	CHECK(endpoint_parse_ip(&e, "2001:db8:1234:5678:11:2233:4455:6677") == 0);
	e.port = 32853;
	buf_init(&b, out, sizeof(out));
	stun_put_xor_address(&b, STUN_ATTR_XOR_MAPPED_ADDRESS, &e, rfc5769_tid);
	CHECK_EQ_INT(b.pos, 24);
	CHECK(memcmp(out, rfc5769_response_v6 + 36, 24) == 0);
}

/* Rebuilding the §2.2 response (minus MESSAGE-INTEGRITY) and checking our FINGERPRINT verifies. */
static void stun_fingerprint_encode(void)
{
	uint8_t out[128];
	struct buf b;
	struct endpoint e;
	struct stun_msg m;
	CHECK(endpoint_parse_ip(&e, "192.0.2.1") == 0);
	e.port = 32853;
	buf_init(&b, out, sizeof(out));
	stun_begin(&b, STUN_METHOD_BINDING, STUN_CLASS_SUCCESS, rfc5769_tid);
	stun_put_attr(&b, STUN_ATTR_SOFTWARE, "test vector", 11);
	stun_put_xor_address(&b, STUN_ATTR_XOR_MAPPED_ADDRESS, &e, rfc5769_tid);
	int len = stun_finish(&b, true);
	CHECK_EQ_INT(len, 20 + 16 + 12 + 8);
	CHECK(memcmp(out, "\x01\x01\x00\x24", 4) == 0);
	/* Same bytes but for SOFTWARE's padding, which the RFC fills with spaces. */
	CHECK(memcmp(out + 4, rfc5769_response_v4 + 4, 31) == 0);
	CHECK(memcmp(out + 36, rfc5769_response_v4 + 36, 12) == 0);
	CHECK_EQ_INT(stun_decode(out, (size_t)len, &m), 0);
	CHECK(m.has & STUN_HAS_FINGERPRINT);
}

static void stun_round_trip_all_attributes(void)
{
	uint8_t out[STUN_MAX_MESSAGE];
	struct buf b;
	struct endpoint mapped, origin, other, changed;
	struct stun_msg m;
	char s[ENDPOINT_STRLEN];
	static const uint16_t unknown[] = {0x7f01, 0x0031};
	endpoint_parse_ip(&mapped, "203.0.113.2");
	mapped.port = 40000;
	endpoint_parse_ip(&origin, "198.51.100.10");
	origin.port = 3478;
	endpoint_parse_ip(&other, "2001:db8::11");
	other.port = 3479;
	endpoint_parse_ip(&changed, "198.51.100.11");
	changed.port = 3479;

	buf_init(&b, out, sizeof(out));
	stun_begin(&b, STUN_METHOD_BINDING, STUN_CLASS_ERROR, rfc5769_tid);
	stun_put_xor_address(&b, STUN_ATTR_XOR_MAPPED_ADDRESS, &mapped, rfc5769_tid);
	stun_put_address(&b, STUN_ATTR_MAPPED_ADDRESS, &mapped);
	stun_put_address(&b, STUN_ATTR_RESPONSE_ORIGIN, &origin);
	stun_put_address(&b, STUN_ATTR_OTHER_ADDRESS, &other);
	stun_put_address(&b, STUN_ATTR_CHANGED_ADDRESS, &changed);
	stun_put_u32_attr(&b, STUN_ATTR_CHANGE_REQUEST, STUN_CHANGE_IP | STUN_CHANGE_PORT);
	stun_put_error_code(&b, 420, "Unknown Attribute");
	stun_put_unknown_attributes(&b, unknown, 2);
	stun_put_attr(&b, STUN_ATTR_SOFTWARE, "natctl\x01", 7);
	int len = stun_finish(&b, true);
	CHECK(len > 0);
	CHECK_EQ_INT(stun_decode(out, (size_t)len, &m), 0);
	CHECK_EQ_INT(m.cls, STUN_CLASS_ERROR);
	CHECK_EQ_STR(endpoint_format(&m.xor_mapped, s), "203.0.113.2:40000");
	CHECK(endpoint_equal(&m.mapped, &mapped));
	CHECK(endpoint_equal(&m.response_origin, &origin));
	CHECK_EQ_STR(endpoint_format(&m.other_address, s), "[2001:db8::11]:3479");
	CHECK(endpoint_equal(&m.changed_address, &changed));
	CHECK_EQ_INT(m.change_request, 6);
	CHECK_EQ_INT(m.error_code, 420);
	CHECK_EQ_STR(m.error_reason, "Unknown Attribute");
	CHECK_EQ_INT(m.n_unknown_listed, 2);
	CHECK_EQ_INT(m.unknown_listed[1], 0x0031);
	CHECK_EQ_STR(m.software, "natctl?"); /* control bytes never reach a terminal */
}

static void stun_binding_request_layout(void)
{
	uint8_t out[128];
	struct stun_msg m;
	int len = stun_build_binding_request(out, sizeof(out), rfc5769_tid, STUN_CHANGE_PORT, "x");
	CHECK_EQ_INT(len, 20 + 8 + 8 + 8);
	CHECK_EQ_INT(out[0], 0x00);
	CHECK_EQ_INT(out[1], 0x01);
	CHECK_EQ_INT(stun_decode(out, (size_t)len, &m), 0);
	CHECK_EQ_INT(m.cls, STUN_CLASS_REQUEST);
	CHECK_EQ_INT(m.change_request, STUN_CHANGE_PORT);
	CHECK(stun_build_binding_request(out, 30, rfc5769_tid, 0, "x") == STUN_ERR_NOSPACE);
}

/* SOFTWARE of any length is sent a multiple of 4 long (trailing spaces), so
 * RFC 3489 servers, which know no padding, find the next attribute. */
static void stun_binding_request_software_unpadded(void)
{
	uint8_t out[256];
	struct stun_msg m;
	int len = stun_build_binding_request(out, sizeof(out), rfc5769_tid, 0,
					     "natctl 0.1.0-131-ga904e77");
	CHECK_EQ_INT(len, 20 + 4 + 28 + 8);
	CHECK_EQ_INT(out[22], 0x00);
	CHECK_EQ_INT(out[23], 28); /* the attribute's own length, not 25 */
	CHECK_EQ_INT(stun_decode(out, (size_t)len, &m), 0);
	CHECK_EQ_STR(m.software, "natctl 0.1.0-131-ga904e77   ");
	char longer[200];
	memset(longer, 'n', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = 0;
	len = stun_build_binding_request(out, sizeof(out), rfc5769_tid, 0, longer);
	CHECK_EQ_INT(len, 20 + 4 + 124 + 8); /* RFC 8489 §14.14: fewer than 128 characters */
}

/* RFC 5780 §7.5: RESPONSE-PORT is the port, then two bytes of padding. */
static void stun_binding_request_response_port(void)
{
	uint8_t out[128];
	struct stun_msg m;
	int len = stun_build_binding_request_to(out, sizeof(out), rfc5769_tid,
						STUN_CHANGE_IP | STUN_CHANGE_PORT, 40123, NULL);
	CHECK_EQ_INT(len, 20 + 8 + 8 + 8);
	CHECK_EQ_INT(stun_decode(out, (size_t)len, &m), 0);
	CHECK(m.has & STUN_HAS_RESPONSE_PORT);
	CHECK_EQ_INT(m.response_port, 40123);
	CHECK_EQ_INT(m.change_request, STUN_CHANGE_IP | STUN_CHANGE_PORT);
	/* attribute 0x0027, length 4, 0x9cbb, padding 0 0 */
	static const uint8_t attr[] = {0x00, 0x27, 0x00, 0x04, 0x9c, 0xbb, 0x00, 0x00};
	CHECK(memcmp(out + 28, attr, sizeof(attr)) == 0);
}

/* The message type's method and class bits are interleaved (RFC 8489 §5). */
static void stun_type_bits(void)
{
	static const struct {
		enum stun_class cls;
		uint16_t wire;
	} rows[] = {
		{STUN_CLASS_REQUEST, 0x0001},
		{STUN_CLASS_INDICATION, 0x0011},
		{STUN_CLASS_SUCCESS, 0x0101},
		{STUN_CLASS_ERROR, 0x0111},
	};
	for (size_t i = 0; i < 4; i++) {
		uint8_t out[32];
		struct buf b;
		struct stun_msg m;
		buf_init(&b, out, sizeof(out));
		stun_begin(&b, STUN_METHOD_BINDING, rows[i].cls, rfc5769_tid);
		CHECK_EQ_INT(stun_finish(&b, false), 20);
		CHECK_EQ_INT(load_be16(out), rows[i].wire);
		CHECK_EQ_INT(stun_decode(out, 20, &m), 0);
		CHECK_EQ_INT(m.cls, rows[i].cls);
		CHECK_EQ_INT(m.method, STUN_METHOD_BINDING);
	}
}

/* Builds a small success response with `extra` appended as raw attribute bytes. */
static size_t response_with(uint8_t *out, const uint8_t *extra, size_t extra_len, bool fp)
{
	struct buf b;
	struct endpoint e;
	endpoint_parse_ip(&e, "203.0.113.2");
	e.port = 1234;
	buf_init(&b, out, 256);
	stun_begin(&b, STUN_METHOD_BINDING, STUN_CLASS_SUCCESS, rfc5769_tid);
	stun_put_xor_address(&b, STUN_ATTR_XOR_MAPPED_ADDRESS, &e, rfc5769_tid);
	buf_put_bytes(&b, extra, extra_len);
	return (size_t)stun_finish(&b, fp);
}

static void stun_malformed_table(void)
{
	uint8_t good[256];
	size_t glen = response_with(good, NULL, 0, true);
	struct stun_msg m;
	CHECK_EQ_INT(stun_decode(good, glen, &m), 0);

	struct row {
		const char *what;
		int want;
		uint8_t data[256];
		size_t len;
	} rows[12];
	size_t n = 0;

	/* truncated header */
	rows[n] = (struct row){"truncated header", STUN_ERR_TRUNCATED, {0}, 19};
	memcpy(rows[n++].data, good, 19);
	/* top bits set */
	rows[n] = (struct row){"top bits", STUN_ERR_NOT_STUN, {0}, glen};
	memcpy(rows[n].data, good, glen);
	rows[n++].data[0] |= 0x80;
	/* bad cookie */
	rows[n] = (struct row){"bad cookie", STUN_ERR_COOKIE, {0}, glen};
	memcpy(rows[n].data, good, glen);
	rows[n++].data[4] ^= 0xff;
	/* length overrun: header claims more than the datagram */
	rows[n] = (struct row){"length overrun", STUN_ERR_LENGTH, {0}, glen};
	memcpy(rows[n].data, good, glen);
	store_be16(rows[n++].data + 2, (uint16_t)(glen - 20 + 4));
	/* length not a multiple of 4 */
	rows[n] = (struct row){"length unaligned", STUN_ERR_LENGTH, {0}, glen - 2};
	memcpy(rows[n].data, good, glen - 2);
	store_be16(rows[n++].data + 2, (uint16_t)(glen - 22));
	/* attribute overrun: XOR-MAPPED-ADDRESS claims 200 bytes */
	rows[n] = (struct row){"attribute overrun", STUN_ERR_ATTR_OVERRUN, {0}, glen};
	memcpy(rows[n].data, good, glen);
	store_be16(rows[n++].data + 22, 200);
	/* bad FINGERPRINT */
	rows[n] = (struct row){"bad fingerprint", STUN_ERR_FINGERPRINT, {0}, glen};
	memcpy(rows[n].data, good, glen);
	rows[n++].data[glen - 1] ^= 0x01;
	/* unknown comprehension-required attribute 0x7f01 */
	{
		static const uint8_t unk[] = {0x7f, 0x01, 0x00, 0x04, 1, 2, 3, 4};
		rows[n] = (struct row){"unknown required", STUN_ERR_UNKNOWN_REQUIRED, {0}, 0};
		rows[n].len = response_with(rows[n].data, unk, sizeof(unk), true);
		n++;
	}
	/* bad address family in XOR-MAPPED-ADDRESS */
	rows[n] = (struct row){"bad family", STUN_ERR_ATTR_VALUE, {0}, 0};
	rows[n].len = response_with(rows[n].data, NULL, 0, false);
	rows[n++].data[25] = 0x03;
	/* attribute after FINGERPRINT */
	{
		rows[n] = (struct row){"after fingerprint", STUN_ERR_FINGERPRINT, {0}, glen + 8};
		memcpy(rows[n].data, good, glen);
		static const uint8_t tail[] = {0x80, 0x22, 0x00, 0x04, 'a', 'b', 'c', 'd'};
		memcpy(rows[n].data + glen, tail, 8);
		store_be16(rows[n].data + 2, (uint16_t)(glen + 8 - 20));
		n++;
	}
	/* ERROR-CODE with class 9 */
	{
		static const uint8_t ec[] = {0x00, 0x09, 0x00, 0x04, 0, 0, 9, 1};
		rows[n] = (struct row){"bad error class", STUN_ERR_ATTR_VALUE, {0}, 0};
		rows[n].len = response_with(rows[n].data, ec, sizeof(ec), false);
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		int rc = stun_decode(rows[i].data, rows[i].len, &m);
		if (rc != rows[i].want)
			fprintf(stderr, "  row '%s': got %d (%s)\n", rows[i].what, rc,
				stun_strerror(rc));
		CHECK_EQ_INT(rc, rows[i].want);
	}
}

/* Unknown optional attributes are skipped; attributes after MESSAGE-INTEGRITY are ignored. */
static void stun_ignored_attributes(void)
{
	static const uint8_t opt[] = {0x80, 0x55, 0x00, 0x03, 'a', 'b', 'c', 0};
	uint8_t out[256];
	struct stun_msg m;
	size_t len = response_with(out, opt, sizeof(opt), true);
	CHECK_EQ_INT(stun_decode(out, len, &m), 0);
	CHECK(m.has & STUN_HAS_XOR_MAPPED);

	/* RFC 5769 request: an unknown 0x7fff placed after MESSAGE-INTEGRITY is not counted. */
	uint8_t req[sizeof(rfc5769_request) + 8];
	memcpy(req, rfc5769_request, 100); /* up to and including MESSAGE-INTEGRITY */
	static const uint8_t unk[] = {0x7f, 0xff, 0x00, 0x04, 1, 2, 3, 4};
	memcpy(req + 100, unk, 8);
	store_be16(req + 2, 100 + 8 - 20);
	CHECK_EQ_INT(stun_decode(req, 108, &m), 0);
	CHECK(m.has & STUN_HAS_INTEGRITY);
	CHECK_EQ_INT(m.n_unknown_required, 0);
}

const struct test_case stun_cases[] = {
	T(stun_crc32_check_value),
	T(stun_rfc5769_request),
	T(stun_rfc5769_ipv4_response),
	T(stun_rfc5769_ipv6_response),
	T(stun_rfc5769_xor_encode),
	T(stun_fingerprint_encode),
	T(stun_round_trip_all_attributes),
	T(stun_binding_request_layout),
	T(stun_binding_request_response_port),
	T(stun_binding_request_software_unpadded),
	T(stun_type_bits),
	T(stun_malformed_table),
	T(stun_ignored_attributes),
	{NULL, NULL},
};
