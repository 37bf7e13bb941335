// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: the STUN decoder must accept or reject any bytes without a fault.
#include <stddef.h>
#include <stdint.h>

#include "natctl/stun/stun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stun_msg m;
	int rc = stun_decode(data, size, &m);
	if (rc == 0) {
		/* Whatever decoded must format without trouble too. */
		char s[ENDPOINT_STRLEN];
		const struct endpoint *e = stun_msg_mapped(&m);
		if (e)
			endpoint_format(e, s);
		endpoint_format(&m.other_address, s);
	}
	(void)stun_is_message(data, size);
	return 0;
}
