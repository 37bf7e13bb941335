// SPDX-License-Identifier: BSD-2-Clause
// natctl's record of its own mappings: results become state records, records become deletions.
#include "natctl/map/map_ledger.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void map_ledger_entry(const struct map_result *r, int64_t now, struct state_mapping *out)
{
	memset(out, 0, sizeof(*out));
	out->method = r->method;
	out->gateway = r->gateway;
	out->protocol = r->protocol;
	out->internal = r->internal;
	out->external_port = r->external.port;
	out->lifetime = r->lifetime;
	/* A permanent UPnP mapping never lapses: only a deletion ends it. */
	out->expiry = r->lifetime ? now + (int64_t)r->lifetime : 0;
	out->has_nonce = r->has_nonce;
	memcpy(out->nonce, r->nonce, sizeof(out->nonce));
	out->has_pinhole_id = r->has_pinhole_id;
	out->pinhole_id = r->pinhole_id;
}

/* The records of the results that hold a mapping (ok, a method). */
static size_t entries_of(const struct map_result *rs, size_t n, int64_t now,
			 struct state_mapping *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (rs[i].method != MAP_NONE && rs[i].external.port)
			map_ledger_entry(&rs[i], now, &out[k++]);
	return k;
}

int map_ledger_update(const struct state_dir *d, const struct map_result *made, size_t n_made,
		      const struct map_result *gone, size_t n_gone)
{
	if (!d || n_made + n_gone == 0)
		return 0;
	struct state_mapping *add = calloc(n_made + n_gone, sizeof(*add));
	if (!add)
		return -ENOMEM;
	int64_t now = (int64_t)time(NULL);
	size_t n_add = 0;
	for (size_t i = 0; i < n_made; i++)
		if (made[i].ok)
			n_add += entries_of(&made[i], 1, now, &add[n_add]);
	struct state_mapping *drop = add + n_add;
	size_t n_drop = entries_of(gone, n_gone, now, drop);
	int rc = state_update(d, add, n_add, drop, n_drop);
	free(add);
	return rc;
}

void map_ledger_delete_job(const struct state_mapping *m, struct map_job *out)
{
	memset(out, 0, sizeof(*out));
	out->op = MAP_OP_DELETE;
	out->method = m->method;
	out->protocol = m->protocol;
	out->internal_port = m->internal.port;
	out->external_port = m->external_port;
	out->nonce = m->has_nonce ? m->nonce : NULL;
	out->has_pinhole_id = m->has_pinhole_id;
	out->pinhole_id = m->pinhole_id;
}
