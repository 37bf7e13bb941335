/* SPDX-License-Identifier: BSD-2-Clause */
/* SipHash-2-4 with a 128-bit output (Aumasson and Bernstein): a keyed PRF for values others must not guess. */
#ifndef NATCTL_SIPHASH_H
#define NATCTL_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_LEN 16
#define SIPHASH128_LEN  16

void siphash128(const uint8_t key[SIPHASH_KEY_LEN], const void *data, size_t len,
		uint8_t out[SIPHASH128_LEN]);

#endif
