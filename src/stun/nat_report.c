// SPDX-License-Identifier: BSD-2-Clause
// The discovery's report: the verdict from the tests that ran, and each test kept as evidence.
#include "natctl/stun/nat_discovery.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "natctl/base/clock.h"
#include "natctl/net/net.h"

static const char *const role_names[NAT_ROLE_COUNT] = {
	[NAT_ROLE_BIND] = "binding",
	[NAT_ROLE_MAP_ALT_IP] = "mapping-alt-ip",
	[NAT_ROLE_MAP_ALT_BOTH] = "mapping-alt-ip-port",
	[NAT_ROLE_B_CHANGE] = "filtering-change-ip-port",
	[NAT_ROLE_B_PLAIN] = "filtering-plain-b",
	[NAT_ROLE_C_CHANGE] = "filtering-change-port",
	[NAT_ROLE_C_PLAIN] = "filtering-plain-c",
	[NAT_ROLE_HAIRPIN] = "hairpin",
};

const char *nat_role_name(enum nat_role role)
{
	return role_names[role];
}

const struct endpoint *nat_probe_mapped(const struct nat_probe *p)
{
	bool ok = p->started && p->txn.state == STUN_TXN_ANSWERED &&
		  p->txn.response.cls == STUN_CLASS_SUCCESS;
	return ok ? stun_msg_mapped(&p->txn.response) : NULL;
}

/* The report keeps the server's SOFTWARE whole, as the codec decoded it. */
_Static_assert(NAT_TEXT_MAX == STUN_TEXT_MAX, "nat_report.software must hold a stun_msg's");

/* ---- the evidence: one nat_test per exchange ---- */

static void record_test(struct nat_report *r, const struct nat_probe *p,
			const struct endpoint *local)
{
	if (!p->started || r->n_tests >= NAT_MAX_TESTS)
		return;
	struct nat_test *t = &r->tests[r->n_tests++];
	memset(t, 0, sizeof(*t));
	t->name = nat_role_name(p->role);
	t->local = *local;
	t->dst = p->txn.dst;
	t->change = p->txn.change_flags;
	t->sends = p->txn.sends;
	t->answered = p->txn.state == STUN_TXN_ANSWERED;
	if (t->answered) {
		t->from = p->txn.from;
		t->rtt_us = p->txn.rtt_us;
		t->error_code = p->txn.response.error_code;
		if (stun_msg_mapped(&p->txn.response))
			t->mapped = *stun_msg_mapped(&p->txn.response);
	} else if (p->txn.unexpected) {
		t->from = p->txn.unexpected_from;
		t->note = "answered from an unexpected address: dropped";
	} else if (p->txn.state == STUN_TXN_FAILED && p->txn.send_error) {
		t->note = "could not send";
	} else if (p->txn.state == STUN_TXN_CANCELLED) {
		t->note = "stopped: the verdict did not need it";
	}
}

static void record_tcp(struct nat_report *r, const struct stun_tcp *tcp)
{
	if (tcp->state == STUN_TCP_IDLE || r->n_tests >= NAT_MAX_TESTS)
		return;
	struct nat_test *t = &r->tests[r->n_tests++];
	memset(t, 0, sizeof(*t));
	t->name = "tcp-binding";
	t->local = tcp->local;
	t->dst = tcp->dst;
	t->answered = tcp->state == STUN_TCP_ANSWERED;
	if (t->answered) {
		t->from = tcp->dst;
		t->mapped = *stun_msg_mapped(&tcp->response);
		t->rtt_us = tcp->rtt_us;
	} else if (tcp->sys_error == -ECANCELED) {
		t->note = "stopped: UDP answered";
	} else {
		t->note = "no STUN over TCP here";
	}
}

static struct nat_test *find_test(struct nat_report *r, const char *name)
{
	for (size_t i = 0; i < r->n_tests; i++)
		if (strcmp(r->tests[i].name, name) == 0)
			return &r->tests[i];
	return &r->tests[0];
}

/* Each socket's local endpoint. They are bound to the wildcard, so the
 * address shown is the one actually used toward the server. */
static void local_endpoints(const struct nat_discovery *d, struct endpoint local[NAT_SOCK_COUNT])
{
	for (int s = 0; s < NAT_SOCK_COUNT; s++) {
		memset(&local[s], 0, sizeof(local[s]));
		socket_local(d->fd[s], &local[s]);
		if (endpoint_same_ip(&local[s], &d->r->local) || !endpoint_is_set(&d->r->local))
			continue;
		uint16_t port = local[s].port;
		local[s] = d->r->local;
		local[s].port = port;
	}
}

/* The hairpin request never gets a response: it counts as answered when it
 * arrived on the binding socket. */
static void record_hairpin(const struct nat_discovery *d)
{
	if (!d->hairpin_seen)
		return;
	struct nat_test *h = find_test(d->r, nat_role_name(NAT_ROLE_HAIRPIN));
	h->answered = true;
	h->from = h->dst;
	h->rtt_us = d->hairpin_rtt_us;
	h->note = "arrived on the binding socket: the NAT hairpins";
}

static void record_tests(const struct nat_discovery *d)
{
	struct endpoint local[NAT_SOCK_COUNT];
	local_endpoints(d, local);
	for (size_t i = 0; i < d->n_bind; i++)
		record_test(d->r, &d->bind[i], &local[NAT_SOCK_A]);
	for (size_t i = 0; i < NAT_ROLE_COUNT; i++)
		record_test(d->r, &d->tests[i], &local[d->tests[i].sock]);
	record_tcp(d->r, &d->tcp);
	record_hairpin(d);
}

/* ---- the verdict ---- */

/* A NAT is there when the server saw another endpoint than ours. */
static void report_translation(struct nat_report *r)
{
	r->nat = endpoint_equal(&r->local, &r->mapped) ? NAT_TRI_NO : NAT_TRI_YES;
	r->port_preserving = r->local.port == r->mapped.port ? NAT_TRI_YES : NAT_TRI_NO;
}

static void report_udp_blocked(const struct nat_discovery *d)
{
	struct nat_report *r = d->r;
	r->tcp_answered = true;
	r->server = d->tcp.dst;
	r->mapped = r->tcp_mapped;
	r->local = d->tcp.local;
	r->rtt_us = d->tcp.rtt_us;
	r->classic = NAT_CLASSIC_UDP_BLOCKED;
	report_translation(r);
	r->decided = true;
	add_reason(r, "UDP blocked: no STUN answer over UDP, while TCP to %s answered",
		   endpoint_format(&d->tcp.dst, (char[ENDPOINT_STRLEN]){0}));
}

/* Whatever the deadline left undecided is unknown, with the reason. */
static void report_undecided(const struct nat_discovery *d)
{
	double secs = (double)(d->opt->deadline - d->start_us) / USEC_PER_SEC;
	if (!d->mapping_done)
		add_reason(d->r, "mapping: undecided when the %.3g s deadline came", secs);
	if (!d->filtering_done)
		add_reason(d->r, "filtering: undecided when the %.3g s deadline came", secs);
	if (!d->hairpin_done)
		add_reason(d->r, "hairpinning: undecided when the %.3g s deadline came", secs);
}

/* The RFC 3489 name; with no alternate address, servers that saw different
 * mappings are enough to call it symmetric. */
static void report_classic(const struct nat_discovery *d)
{
	struct nat_report *r = d->r;
	r->classic = nat_classic_from(r->nat, r->mapping, r->filtering);
	if (d->mapping_varies && r->nat == NAT_TRI_YES)
		r->classic = NAT_CLASSIC_SYMMETRIC;
	if (r->nat == NAT_TRI_NO && r->filtering != NAT_DEP_ENDPOINT_INDEPENDENT &&
	    r->filtering != NAT_DEP_UNKNOWN)
		add_reason(r, "classic: no NAT, but a firewall filters inbound UDP "
			      "(RFC 3489 calls this a symmetric UDP firewall)");
}

static void report_udp(const struct nat_discovery *d)
{
	struct nat_report *r = d->r;
	int main_bind = d->primary >= 0 ? d->primary : d->first_answer;
	const struct nat_probe *b = &d->bind[main_bind];
	r->udp_answered = true;
	r->server = b->txn.dst;
	r->mapped = *nat_probe_mapped(b);
	r->rtt_us = b->txn.rtt_us;
	memcpy(r->software, b->txn.response.software, sizeof(r->software));
	socket_local_toward(d->fd[NAT_SOCK_A], &b->txn.dst, &r->local);
	report_translation(r);
	report_undecided(d);
	report_classic(d);
	r->decided = true;
}

/* Servers answered, but not usably: the first error response, else the
 * first response that had to be discarded, is why there is no verdict. */
static void report_refusal(const struct nat_discovery *d)
{
	struct nat_report *r = d->r;
	const struct stun_txn *rejected = NULL;
	for (size_t i = 0; i < d->n_bind; i++) {
		const struct stun_txn *t = &d->bind[i].txn;
		if (t->state == STUN_TXN_ANSWERED && t->response.cls == STUN_CLASS_ERROR) {
			r->refused_by = t->dst;
			r->refused_code = t->response.error_code;
			memcpy(r->refused_reason, t->response.error_reason,
			       sizeof(r->refused_reason));
			return;
		}
		if (!rejected && (t->state == STUN_TXN_ANSWERED || t->reject))
			rejected = t;
	}
	if (rejected)
		r->refused_by = rejected->dst;
}

/* Nothing usable came back: were the requests sent at all? When none was,
 * the error is the network's, not the servers' silence. */
static void report_unsent(const struct nat_discovery *d)
{
	struct nat_report *r = d->r;
	size_t unsent = 0;
	for (size_t i = 0; i < d->n_bind; i++) {
		const struct stun_txn *t = &d->bind[i].txn;
		if (t->state == STUN_TXN_FAILED && t->send_error) {
			unsent++;
			r->send_error = r->send_error ? r->send_error : t->send_error;
		}
	}
	if (unsent < d->n_bind)
		r->send_error = 0; /* some went out: silence, not the network */
}

void nat_report_fill(const struct nat_discovery *d)
{
	struct nat_report *r = d->r;
	if (d->tcp.state == STUN_TCP_ANSWERED) {
		r->tcp_answered = true;
		r->tcp_mapped = *stun_msg_mapped(&d->tcp.response);
	}
	if (d->first_answer >= 0) {
		report_udp(d);
	} else if (r->tcp_answered) {
		report_udp_blocked(d);
	} else {
		report_refusal(d);
		report_unsent(d);
		add_reason(r, endpoint_is_set(&r->refused_by)
				      ? "no STUN server gave a usable answer, over UDP or TCP"
				      : "no STUN server answered, over UDP or TCP");
	}
	record_tests(d);
}

void nat_report_init(struct nat_report *r, const struct nat_options *opt)
{
	memset(r, 0, sizeof(*r));
	r->nat = r->hairpinning = r->port_preserving = NAT_TRI_UNKNOWN;
	if (opt->n_servers)
		r->server = opt->servers[0];
	r->n_servers = opt->n_servers;
}

/* The answer that came instead of a usable one, in stun_public's words. */
static void refusal_error(struct nat_report *r)
{
	char srv[ENDPOINT_STRLEN];
	const char *others = r->n_servers > 1 ? "; no other server answered usably" : "";
	endpoint_format(&r->refused_by, srv);
	if (r->refused_code)
		snprintf(r->error, sizeof(r->error), "%s answered with error %u %s%s", srv,
			 r->refused_code,
			 r->refused_reason[0] ? r->refused_reason : "(no reason given)", others);
	else
		snprintf(r->error, sizeof(r->error),
			 "%s sent an unusable response (no address, or an unknown required "
			 "attribute)%s",
			 srv, others);
}

void nat_report_set_error(struct nat_report *r, int64_t waited_us)
{
	char srv[ENDPOINT_STRLEN];
	const char *others = r->n_servers > 1 ? " or the other servers" : "";
	r->error[0] = '\0';
	r->failure = FAILURE_NONE;
	if (r->decided)
		return;
	endpoint_format(&r->server, srv);
	if (endpoint_is_set(&r->refused_by)) {
		r->failure = r->refused_code ? FAILURE_REFUSED : FAILURE_BAD_ANSWER;
		refusal_error(r);
	} else if (r->send_error) {
		r->failure = failure_of_errno(r->send_error);
		snprintf(r->error, sizeof(r->error), "cannot send to %s%s: %s", srv, others,
			 strerror(-r->send_error));
	} else {
		r->failure = FAILURE_NO_ANSWER;
		snprintf(r->error, sizeof(r->error), "no response from %s%s within %.3g s", srv,
			 others, (double)waited_us / USEC_PER_SEC);
	}
}
