// SPDX-License-Identifier: BSD-2-Clause
// SipHash-2-4, 128-bit output variant, as specified by its authors' reference.
#include "natctl/base/siphash.h"

static uint64_t rotl(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

static uint64_t load_le64(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void store_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl(v[1], 13);
	v[1] ^= v[0];
	v[0] = rotl(v[0], 32);
	v[2] += v[3];
	v[3] = rotl(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = rotl(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = rotl(v[1], 17);
	v[1] ^= v[2];
	v[2] = rotl(v[2], 32);
}

static void compress(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	sipround(v);
	sipround(v);
	v[0] ^= m;
}

void siphash128(const uint8_t key[SIPHASH_KEY_LEN], const void *data, size_t len,
		uint8_t out[SIPHASH128_LEN])
{
	const uint8_t *p = data;
	uint64_t k0 = load_le64(key, 8), k1 = load_le64(key + 8, 8);
	uint64_t v[4] = {
		k0 ^ 0x736f6d6570736575ULL,
		k1 ^ 0x646f72616e646f6dULL ^ 0xee, /* 0xee marks the 128-bit variant */
		k0 ^ 0x6c7967656e657261ULL,
		k1 ^ 0x7465646279746573ULL,
	};
	size_t whole = len - len % 8;
	for (size_t i = 0; i < whole; i += 8)
		compress(v, load_le64(p + i, 8));
	compress(v, load_le64(p + whole, len % 8) | (uint64_t)(len & 0xff) << 56);
	v[2] ^= 0xee;
	for (int i = 0; i < 4; i++)
		sipround(v);
	store_le64(out, v[0] ^ v[1] ^ v[2] ^ v[3]);
	v[1] ^= 0xdd;
	for (int i = 0; i < 4; i++)
		sipround(v);
	store_le64(out + 8, v[0] ^ v[1] ^ v[2] ^ v[3]);
}
