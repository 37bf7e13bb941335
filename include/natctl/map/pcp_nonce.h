/* SPDX-License-Identifier: BSD-2-Clause */
/* PCP mapping nonces derived from the machine id, so a later natctl can renew or delete a mapping. */
#ifndef NATCTL_PCP_NONCE_H
#define NATCTL_PCP_NONCE_H

#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/map/pcp.h"
#include "natctl/base/siphash.h"

/*
 * Reads the 128-bit machine id (/etc/machine-id, else
 * /var/lib/dbus/machine-id) as the key. Returns 0, or -1 if neither holds
 * 32 hex digits.
 */
int pcp_nonce_key(uint8_t key[SIPHASH_KEY_LEN]);

/*
 * nonce = first 96 bits of SipHash-2-4-128(key, "natctl pcp nonce 1" ||
 * internal address (16 bytes, IPv4-mapped) || internal port || protocol).
 * The same mapping always gets the same nonce on this machine; nobody
 * without the machine id can compute it (RFC 6887 §11.1 wants it
 * unguessable by off-path attackers).
 */
void pcp_nonce_derive(const uint8_t key[SIPHASH_KEY_LEN], const struct endpoint *internal,
		      uint16_t port, uint8_t protocol, uint8_t nonce[PCP_NONCE_LEN]);

#endif
