// SPDX-License-Identifier: BSD-2-Clause
// Gateway epoch validation shared by NAT-PMP (RFC 6886 §3.6) and PCP (RFC 6887 §8.5).
#include "natctl/map/epoch.h"

#include "natctl/base/clock.h"

/*
 * RFC 6887 §8.5 (RFC 6886 §3.6 has the same rule): the epoch is invalid if
 * it went back by more than one second, or if
 * "client_delta+2 < server_delta - server_delta/16 or
 *  server_delta+2 < client_delta - client_delta/16".
 */
static bool epoch_valid(const struct epoch_track *t, uint32_t server, int64_t now_us)
{
	if ((int64_t)server + 1 < (int64_t)t->server)
		return false;
	int64_t client_delta = (now_us - t->client_us) / USEC_PER_SEC;
	int64_t server_delta = (int64_t)server - (int64_t)t->server;
	if (client_delta + 2 < server_delta - server_delta / 16)
		return false;
	if (server_delta + 2 < client_delta - client_delta / 16)
		return false;
	return true;
}

bool epoch_consistent(const struct epoch_track *t, uint32_t server_epoch, int64_t now_us)
{
	return !t->seen || epoch_valid(t, server_epoch, now_us);
}

bool epoch_observe(struct epoch_track *t, uint32_t server_epoch, int64_t now_us)
{
	bool ok = epoch_consistent(t, server_epoch, now_us);
	t->seen = true;
	t->server = server_epoch;
	t->client_us = now_us;
	return ok;
}
