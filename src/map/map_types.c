// SPDX-License-Identifier: BSD-2-Clause
// Names of the port-mapping methods, transports and events, from the one method list.
#include "natctl/map/map_types.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name, *title;
	unsigned facts;
} methods[MAP_N_METHODS] = {
#define MAP_METHOD_NAMES(id, name, title, facts) [MAP_##id] = {#name, title, facts},
	MAP_METHODS(MAP_METHOD_NAMES)
#undef MAP_METHOD_NAMES
};

static bool valid(enum map_method m)
{
	return m >= 0 && m < MAP_N_METHODS;
}

const char *map_method_name(enum map_method m)
{
	return valid(m) ? methods[m].name : "none";
}

const char *map_method_title(enum map_method m)
{
	return valid(m) ? methods[m].title : "none";
}

unsigned map_method_facts(enum map_method m)
{
	return valid(m) ? methods[m].facts : 0;
}

enum map_method map_method_by_name(const char *name)
{
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (strcmp(name, methods[m].name) == 0)
			return (enum map_method)m;
	return MAP_NONE;
}

const char *map_protocol_name(int protocol)
{
	return protocol == IPPROTO_UDP ? "udp" : "tcp";
}

const char *map_event_name(enum map_event e)
{
	static const char *const names[] = {
		[MAP_EVENT_MAPPED] = "mapped",
		[MAP_EVENT_RENEWED] = "renewed",
		[MAP_EVENT_REMAPPED] = "remapped",
		[MAP_EVENT_ADDRESS_CHANGED] = "address-changed",
		[MAP_EVENT_RENEW_FAILED] = "renew-failed",
		[MAP_EVENT_LOST] = "lost",
		[MAP_EVENT_DELETED] = "deleted",
		[MAP_EVENT_FAILED] = "failed",
		[MAP_EVENT_HOOK_FAILED] = "hook-failed",
	};
	return e >= 0 && (size_t)e < sizeof(names) / sizeof(names[0]) ? names[e] : "?";
}

void map_list_free(struct map_list *l)
{
	free(l->entries);
	l->entries = NULL;
	l->n = 0;
}
