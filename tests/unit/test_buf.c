// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for the bounded byte reader/writer.
#include "natctl/base/buf.h"
#include "test.h"

static void buf_write_read_round_trip(void)
{
	uint8_t mem[11];
	struct buf w, r;
	buf_init(&w, mem, sizeof(mem));
	buf_put_u8(&w, 0xab);
	buf_put_be16(&w, 0x1234);
	buf_put_be32(&w, 0xdeadbeef);
	buf_put_bytes(&w, "xy", 2);
	buf_put_zeros(&w, 2);
	CHECK(!w.err);
	CHECK_EQ_INT(w.pos, 11);
	CHECK_EQ_INT(mem[1], 0x12);
	CHECK_EQ_INT(mem[3], 0xde);

	buf_init_ro(&r, mem, w.pos);
	CHECK_EQ_INT(buf_get_u8(&r), 0xab);
	CHECK_EQ_INT(buf_get_be16(&r), 0x1234);
	CHECK_EQ_INT(buf_get_be32(&r), 0xdeadbeef);
	char xy[2];
	buf_get_bytes(&r, xy, 2);
	CHECK(xy[0] == 'x' && xy[1] == 'y');
	buf_skip(&r, 2);
	CHECK(!r.err);
	CHECK_EQ_INT(buf_left(&r), 0);
}

static void buf_overrun_sets_error(void)
{
	uint8_t mem[3] = {1, 2, 3};
	struct buf w, r;
	buf_init(&w, mem, sizeof(mem));
	buf_put_be32(&w, 0xffffffff);
	CHECK(w.err);
	CHECK_EQ_INT(mem[0], 1); /* nothing written past the check */

	buf_init_ro(&r, mem, sizeof(mem));
	CHECK_EQ_INT(buf_get_be16(&r), 0x0102);
	CHECK_EQ_INT(buf_get_be16(&r), 0); /* only one byte left */
	CHECK(r.err);
	CHECK_EQ_INT(buf_get_u8(&r), 0); /* sticky */
	CHECK_EQ_INT(buf_left(&r), 0);
}

const struct test_case buf_cases[] = {
	T(buf_write_read_round_trip),
	T(buf_overrun_sets_error),
	{NULL, NULL},
};
