/* SPDX-License-Identifier: BSD-2-Clause */
/* STUN Binding transactions over UDP: many in flight at once, retransmitted per RFC 8489, cut at a deadline. */
#ifndef NATCTL_STUN_CLIENT_H
#define NATCTL_STUN_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/net/loop.h"
#include "natctl/stun/stun.h"
#include "natctl/base/trace.h"

/* RFC 8489 §6.2.1: RTO starts at 500 ms and doubles; Rc = 7 sends; after the
 * last one the client waits Rm = 16 times the initial RTO. */
#define STUN_RTO_INITIAL_US (500 * 1000)
#define STUN_RC             7
#define STUN_RM             16

enum stun_txn_state {
	STUN_TXN_IDLE,      /* not yet added to a client */
	STUN_TXN_PENDING,   /* sent, waiting */
	STUN_TXN_ANSWERED,  /* a valid response (success or error) arrived */
	STUN_TXN_TIMEOUT,   /* Rc sends and the final wait passed unanswered */
	STUN_TXN_FAILED,    /* send error, or a response we must not accept */
	STUN_TXN_CANCELLED, /* ended by the caller: its answer is no longer needed */
};

struct stun_txn {
	/* Set by the caller before stun_client_add(). */
	int fd; /* socket to send from; the caller owns it */
	struct endpoint dst;
	uint32_t change_flags;       /* RFC 5780 CHANGE-REQUEST; 0 for none */
	struct endpoint expect_from; /* where the answer must come from; unset: dst */
	int64_t rto_us;              /* initial RTO; 0 means STUN_RTO_INITIAL_US */
	const char *label;           /* for traces and evidence, e.g. "binding" */

	/* Kept by the client. */
	enum stun_txn_state state;
	uint8_t tid[STUN_TID_LEN];
	uint8_t request[128];
	size_t request_len;
	unsigned sends;
	int64_t first_send_us;
	int64_t last_send_us;
	int64_t next_send_us; /* next retransmission, or the give-up time after the last */
	int64_t interval_us;
	unsigned discarded;              /* invalid datagrams dropped for this txn */
	unsigned unexpected;             /* answers dropped for coming from the wrong address */
	struct endpoint unexpected_from; /* the last such address */

	/* The outcome. */
	int send_error; /* -errno when sending failed */
	int reject;     /* STUN_ERR_* when the response had to be refused */
	struct stun_msg response;
	struct endpoint from; /* where the response came from */
	int64_t rtt_us;       /* from the first send to the response */
};

#define STUN_CLIENT_MAX_TXNS 32

struct stun_client {
	struct stun_txn *txns[STUN_CLIENT_MAX_TXNS];
	size_t n;
	const struct trace *trace;
	const char *software; /* SOFTWARE attribute, or NULL */
	int64_t rto_us;       /* RTO for txns that set none; 0 until adopted */
	/* Called when a txn ends (answered, timed out, failed); may add txns or set stop. */
	void (*on_end)(struct stun_client *c, struct stun_txn *t, void *ctx);
	/* Called for a Binding request arriving on one of our sockets (a hairpin probe). */
	void (*on_request)(struct stun_client *c, int fd, const struct stun_msg *msg,
			   const struct endpoint *from, void *ctx);
	void *ctx;
	bool stop; /* set to end the run early: the evidence suffices */
};

void stun_client_init(struct stun_client *c, const struct trace *trace, const char *software);

/* Prepares t (new transaction id, request bytes) and queues it; the loop sends
 * it on the next tick. Returns 0 or a negative errno / STUN_ERR_*. */
int stun_client_add(struct stun_client *c, struct stun_txn *t);

/* Ends a pending txn without calling on_end; its answer is no longer needed. */
void stun_txn_cancel(struct stun_txn *t);

/*
 * Adopts an RTO measured from real answers for every pending txn and every
 * later one that has none of its own: retransmissions come sooner on a fast
 * path, and no later than they would have.
 */
void stun_client_adopt_rto(struct stun_client *c, int64_t rto_us);

/* True once t was sent at least `sends` times and the last send is `wait_us` old:
 * enough evidence that no answer is coming. */
bool stun_txn_silent(const struct stun_txn *t, unsigned sends, int64_t wait_us, int64_t now);

/* How the poll loop drives this client. */
struct loop_client stun_client_loop(struct stun_client *c);

const char *stun_txn_state_name(enum stun_txn_state s);

#endif
