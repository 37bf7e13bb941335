/* SPDX-License-Identifier: BSD-2-Clause */
/* The mappings natctl made, as its state records them: from results to records and back to jobs. */
#ifndef NATCTL_MAP_LEDGER_H
#define NATCTL_MAP_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "natctl/map/map_types.h"
#include "natctl/map/portmap.h"
#include "natctl/map/state.h"

/* The record of mapping r (made or renewed at wall-clock second now). */
void map_ledger_entry(const struct map_result *r, int64_t now, struct state_mapping *out);

/*
 * One write of the state: the successful results of made[n_made] are
 * recorded (made or renewed now), those of gone[n_gone] (deleted, or
 * replaced by another port) forgotten. d NULL: nothing kept. 0 or -errno.
 */
int map_ledger_update(const struct state_dir *d, const struct map_result *made, size_t n_made,
		      const struct map_result *gone, size_t n_gone);

/* The job that deletes the recorded mapping m (its nonce, for PCP, stays m's). */
void map_ledger_delete_job(const struct state_mapping *m, struct map_job *out);

#endif
