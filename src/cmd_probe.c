// SPDX-License-Identifier: BSD-2-Clause
// `natctl probe`: one diagnosis of the network. Not implemented yet.
#include <stdio.h>

#include "natctl/cli.h"

void usage_probe(FILE *f)
{
	fputs("usage: natctl probe [options]\n"
	      "\n"
	      "Diagnoses the network: port-mapping protocols, public address, NAT type,\n"
	      "double NAT. Not implemented yet.\n",
	      f);
	print_global_options(f);
}

int cmd_probe(int argc, char **argv, struct global_opts *g)
{
	struct cli_spec spec = {.command = "probe", .shortopts = "", .usage = usage_probe};
	int first = cli_parse(argc, argv, &spec, g);
	if (first <= 0)
		return -first;
	cli_error("probe", "not implemented yet");
	return EXIT_FAIL;
}
