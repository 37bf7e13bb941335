/* SPDX-License-Identifier: BSD-2-Clause */
/* Every catchable terminating signal, and a reader of stdout gone away, as readable events in the poll loop (signalfd), so a command can clean up first. */
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
	int hangup_fd;  /* a pipe we write to, watched for its reader leaving; -1: none */
};

/*
 * Blocks every signal whose default action ends the process and that can
 * be caught: INT, TERM, HUP, QUIT, USR1, USR2, ALRM, PIPE, VTALRM, PROF,
 * IO, PWR, STKFLT, XCPU, XFSZ and the real-time ones, and opens the
 * signalfd; 0 or -errno. A write to a pipe nobody reads then fails with
 * EPIPE and its SIGPIPE arrives here, like the others.
 */
int sigwatch_open(struct sigwatch *s, bool *wake);
/* Also counts the reader of pipe fd going away as SIGPIPE, at once rather
 * than at the next write; fd is watched only if it is a pipe (a terminal,
 * a file or a socket is left alone). */
void sigwatch_hangup(struct sigwatch *s, int fd);
/* Reads pending signals without waiting; true if one arrived. */
bool sigwatch_poll(struct sigwatch *s);
/* The signals sigwatch_open() blocks (for a child that must not inherit the mask). */
void sigwatch_set(sigset_t *set);
/* Stops watching: signals still pending are taken (not delivered), the mask restored. */
void sigwatch_close(struct sigwatch *s);
struct loop_client sigwatch_loop(struct sigwatch *s);

#endif
