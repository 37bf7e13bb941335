/* SPDX-License-Identifier: BSD-2-Clause */
/* PCP mapping nonces derived from natctl's private key, so a later natctl can renew or delete a mapping. */
#ifndef NATCTL_PCP_NONCE_H
#define NATCTL_PCP_NONCE_H

#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/map/pcp.h"
#include "natctl/base/siphash.h"

/*
 * nonce = first 96 bits of SipHash-2-4-128(key, "natctl pcp nonce 1" ||
 * internal address (16 bytes, IPv4-mapped) || internal port || protocol).
 * The key is random and kept in natctl's state directory, readable by its
 * owner alone (map/state.h): the same mapping always gets the same nonce
 * there, and nobody else can compute it (RFC 6887 §11.1 wants it
 * unguessable by off-path attackers; a key anyone could read, such as
 * /etc/machine-id, would let any local user delete natctl's mappings).
 */
void pcp_nonce_derive(const uint8_t key[SIPHASH_KEY_LEN], const struct endpoint *internal,
		      uint16_t port, uint8_t protocol, uint8_t nonce[PCP_NONCE_LEN]);

#endif
