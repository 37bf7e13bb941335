/* SPDX-License-Identifier: BSD-2-Clause */
/* SIGINT, SIGTERM and SIGHUP as readable events in the poll loop (signalfd), so a command can clean up first. */
#ifndef NATCTL_SIGWATCH_H
#define NATCTL_SIGWATCH_H

#include <signal.h>
#include <stdbool.h>

#include "natctl/net/loop.h"

struct sigwatch {
	int fd;
	int signo;      /* the first signal received, 0 if none */
	bool *wake;     /* set when a signal arrives; the loop client is done once it is true */
	sigset_t saved; /* the mask to restore */
};

/* Blocks the three signals and opens the signalfd; 0 or -errno. */
int sigwatch_open(struct sigwatch *s, bool *wake);
/* Reads pending signals without waiting; true if one arrived. */
bool sigwatch_poll(struct sigwatch *s);
void sigwatch_close(struct sigwatch *s);
struct loop_client sigwatch_loop(struct sigwatch *s);

#endif
