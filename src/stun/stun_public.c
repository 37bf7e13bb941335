// SPDX-License-Identifier: BSD-2-Clause
// The public address by STUN: first good Binding answer among several servers.
#include "natctl/stun/stun_public.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "natctl/net/loop.h"
#include "natctl/net/net.h"
#include "natctl/stun/stun_client.h"
#include "natctl/stun/stun_tcp.h"
#include "natctl/base/clock.h"
#include "natctl/base/version.h"

#define MAX_SERVERS STUN_CLIENT_MAX_TXNS

/* The result keeps a server's text whole, as the codec decoded it. */
_Static_assert(NAT_TEXT_MAX == STUN_TEXT_MAX, "stun_public_result's text must hold a stun_msg's");

struct query {
	struct stun_public_result *r;
	struct stun_txn *winner;
};

/* Stop at the first success; error responses only count if nothing better comes. */
static void on_txn_end(struct stun_client *c, struct stun_txn *t, void *ctx)
{
	struct query *q = ctx;
	if (t->state == STUN_TXN_ANSWERED && t->response.cls == STUN_CLASS_SUCCESS &&
	    stun_msg_mapped(&t->response)) {
		q->winner = t;
		c->stop = true;
	}
}

static void fill_success(struct stun_public_result *r, const struct stun_txn *t)
{
	r->outcome = STUN_PUBLIC_OK;
	r->server = t->dst;
	r->mapped = *stun_msg_mapped(&t->response);
	r->rtt_us = t->rtt_us;
	memcpy(r->software, t->response.software, sizeof(r->software));
	socket_local_toward(t->fd, &t->dst, &r->local);
}

/* No success: say why, the most telling failure first. */
static void fill_failure(struct stun_public_result *r, const struct stun_txn *txns, size_t n)
{
	const struct stun_txn *refused = NULL, *rejected = NULL, *unsent = NULL;
	size_t n_unsent = 0;
	for (size_t i = 0; i < n; i++) {
		const struct stun_txn *t = &txns[i];
		bool answered = t->state == STUN_TXN_ANSWERED;
		if (answered && t->response.cls == STUN_CLASS_ERROR && !refused)
			refused = t;
		/* Refused by §6.3.3, or a success that names no address. */
		if (((t->state == STUN_TXN_FAILED && t->reject) || answered) && !rejected)
			rejected = t;
		if (t->state == STUN_TXN_FAILED && t->send_error) {
			unsent = unsent ? unsent : t;
			n_unsent++;
		}
	}
	r->outcome = STUN_PUBLIC_NO_ANSWER;
	if (refused) {
		r->outcome = STUN_PUBLIC_REFUSED;
		r->server = refused->dst;
		r->error_code = refused->response.error_code;
		memcpy(r->error_reason, refused->response.error_reason, sizeof(r->error_reason));
	} else if (rejected) {
		r->outcome = STUN_PUBLIC_REJECTED;
		r->server = rejected->dst;
	} else if (unsent && n_unsent == n) {
		r->outcome = STUN_PUBLIC_NETWORK;
		r->server = unsent->dst;
		r->sys_error = unsent->send_error;
	}
}

void stun_public_set_error(struct stun_public_result *r, int64_t waited_us)
{
	char srv[ENDPOINT_STRLEN];
	size_t len = sizeof(r->error);
	endpoint_format(&r->server, srv);
	static const enum failure classes[] = {
		[STUN_PUBLIC_OK] = FAILURE_NONE,
		[STUN_PUBLIC_NO_ANSWER] = FAILURE_NO_ANSWER,
		[STUN_PUBLIC_REFUSED] = FAILURE_REFUSED,
		[STUN_PUBLIC_REJECTED] = FAILURE_BAD_ANSWER,
		[STUN_PUBLIC_NETWORK] = FAILURE_SYSTEM,
	};
	r->failure = classes[r->outcome];
	if (r->outcome == STUN_PUBLIC_NETWORK)
		r->failure = failure_of_errno(r->sys_error);
	switch (r->outcome) {
	case STUN_PUBLIC_OK: r->error[0] = '\0'; break;
	case STUN_PUBLIC_NO_ANSWER:
		snprintf(r->error, len, "no response from %s within %.3g s", srv,
			 (double)waited_us / USEC_PER_SEC);
		break;
	case STUN_PUBLIC_REFUSED:
		snprintf(r->error, len, "%s answered with error %u %s", srv, r->error_code,
			 r->error_reason[0] ? r->error_reason : "(no reason given)");
		break;
	case STUN_PUBLIC_REJECTED:
		snprintf(r->error, len,
			 "%s sent an unusable response (no address, or an unknown required attribute)",
			 srv);
		break;
	case STUN_PUBLIC_NETWORK:
		snprintf(r->error, len, "cannot send to %s: %s", srv, strerror(-r->sys_error));
		break;
	}
}

/* One socket per address family, on --local-port if given. */
static int open_family_socket(int fds[2], int family, uint16_t local_port)
{
	int slot = family == AF_INET6;
	struct endpoint any = {.family = family, .port = local_port}; /* the wildcard */
	if (fds[slot] < 0)
		fds[slot] = udp_open(family, local_port ? &any : NULL);
	return fds[slot];
}

/* One transaction per server, on one socket per address family; stops at the first failure. */
static int add_servers(struct stun_client *c, struct stun_txn *txns, int fds[2],
		       const struct stun_public_options *opt, size_t n)
{
	const struct endpoint *servers = opt->servers;
	int rc = 0;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		txns[i].fd = open_family_socket(fds, servers[i].family, opt->local_port);
		txns[i].dst = servers[i];
		rc = txns[i].fd < 0 ? txns[i].fd : stun_client_add(c, &txns[i]);
	}
	return rc;
}

int stun_public_query(const struct stun_public_options *opt, struct stun_public_result *r)
{
	size_t n = opt->n_servers > MAX_SERVERS ? MAX_SERVERS : opt->n_servers;
	memset(r, 0, sizeof(*r));
	if (n > 0)
		r->server = opt->servers[0];
	struct stun_txn txns[MAX_SERVERS];
	struct stun_client client;
	struct query q = {r, NULL};
	int fds[2] = {-1, -1};
	stun_client_init(&client, opt->trace, natctl_name_version);
	client.on_end = on_txn_end;
	client.ctx = &q;
	memset(txns, 0, sizeof(txns));
	int rc = add_servers(&client, txns, fds, opt, n);
	if (rc >= 0) {
		struct loop_client lc = stun_client_loop(&client);
		loop_run(&lc, 1, opt->deadline);
		if (q.winner)
			fill_success(r, q.winner);
		else
			fill_failure(r, txns, n);
	}
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (rc >= 0)
		stun_public_set_error(r, clock_now_us() - opt->start_us);
	return rc < 0 ? rc : 0;
}

int stun_public_query_tcp(const struct stun_public_options *opt, struct stun_public_result *r)
{
	const struct endpoint *server = &opt->servers[0];
	struct stun_tcp tcp;
	memset(r, 0, sizeof(*r));
	r->tcp = true;
	r->server = *server;
	r->outcome = STUN_PUBLIC_NO_ANSWER;
	if (stun_tcp_start(&tcp, server, opt->trace, clock_now_us()) == 0) {
		struct loop_client lc = stun_tcp_loop(&tcp);
		loop_run(&lc, 1, opt->deadline);
	}
	if (tcp.state == STUN_TCP_ANSWERED) {
		r->outcome = STUN_PUBLIC_OK;
		r->local = tcp.local;
		r->mapped = *stun_msg_mapped(&tcp.response);
		r->rtt_us = tcp.rtt_us;
		memcpy(r->software, tcp.response.software, sizeof(r->software));
	} else if (tcp.state == STUN_TCP_FAILED && tcp.sys_error) {
		r->outcome = STUN_PUBLIC_NETWORK;
		r->sys_error = tcp.sys_error;
	} else if (tcp.state == STUN_TCP_FAILED) {
		r->outcome = STUN_PUBLIC_REJECTED;
	}
	stun_tcp_close(&tcp);
	stun_public_set_error(r, clock_now_us() - opt->start_us);
	return 0;
}
