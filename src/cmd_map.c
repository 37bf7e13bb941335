// SPDX-License-Identifier: BSD-2-Clause
// `natctl map`: port mappings on the gateway (UPnP IGD, NAT-PMP, PCP). Not implemented yet.
#include <stdio.h>

#include "natctl/cli.h"

void usage_map(FILE *f)
{
	fputs("usage: natctl map [options] PORT[:EXTERNAL] [tcp|udp]\n"
	      "\n"
	      "Asks the gateway to forward EXTERNAL (default PORT) to PORT on this host.\n"
	      "Not implemented yet.\n",
	      f);
	print_global_options(f);
}

int cmd_map(int argc, char **argv, struct global_opts *g)
{
	struct cli_spec spec = {.command = "map", .shortopts = "", .usage = usage_map};
	int first = cli_parse(argc, argv, &spec, g);
	if (first <= 0)
		return -first;
	cli_error("map", "not implemented yet");
	return EXIT_FAIL;
}
