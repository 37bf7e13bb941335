// SPDX-License-Identifier: BSD-2-Clause
// Rendering of `natctl stun` results: the public address, and the NAT's behaviour.
#include <string.h>

#include "natctl/base/clock.h"
#include "natctl/cli/output.h"
#include "natctl/stun/path_types.h"
#include "natctl/stun/stun.h"

/* "udp", "tcp": how the address was learnt; null when it was not. */
static const char *transport_name(bool udp, bool tcp)
{
	return udp ? "udp" : tcp ? "tcp" : NULL;
}

static void stun_public_json(FILE *f, const struct stun_public_result *r)
{
	struct json_writer w;
	bool ok = r->outcome == STUN_PUBLIC_OK;
	json_document_begin(&w, f);
	json_endpoint(&w, "server", &r->server);
	json_endpoint(&w, "local", ok ? &r->local : NULL);
	json_endpoint(&w, "public", ok ? &r->mapped : NULL);
	json_ms(&w, "rtt_ms", ok ? r->rtt_us : -1);
	json_string(&w, "transport", transport_name(ok && !r->tcp, ok && r->tcp));
	json_string(&w, "software", r->software[0] ? r->software : NULL);
	json_failure(&w, r->error, r->failure);
	json_end_object(&w);
	json_finish(&w);
}

static void stun_public_text(FILE *f, const struct stun_public_result *r, bool verbose)
{
	char pub[ENDPOINT_STRLEN], srv[ENDPOINT_STRLEN], local[ENDPOINT_STRLEN];
	fprintf(f, "public %s\n", endpoint_format(&r->mapped, pub));
	fprintf(f, "server %s\n", endpoint_format(&r->server, srv));
	fprintf(f, "local  %s\n", endpoint_format(&r->local, local));
	fprintf(f, "rtt    %.1f ms\n", (double)r->rtt_us / USEC_PER_MSEC);
	if (verbose && r->software[0])
		fprintf(f, "server software %s\n", r->software);
}

void render_stun_public(const struct output *o, const struct stun_public_result *r)
{
	bool failed = r->failure != FAILURE_NONE;
	if (failed)
		output_error(o, "stun", r->error);
	if (!output_wants_result(o, failed))
		return;
	if (o->json)
		stun_public_json(o->f, r);
	else
		stun_public_text(o->f, r, o->verbose);
}

/* ---- behaviour discovery ---- */

static const char *change_name(uint32_t change)
{
	if ((change & STUN_CHANGE_IP) && (change & STUN_CHANGE_PORT))
		return "ip+port";
	if (change & STUN_CHANGE_IP)
		return "ip";
	if (change & STUN_CHANGE_PORT)
		return "port";
	return NULL;
}

static void nat_test_json(struct json_writer *w, const struct nat_test *t)
{
	json_begin_object(w, NULL);
	json_string(w, "name", t->name);
	json_endpoint(w, "local", &t->local);
	json_endpoint(w, "destination", &t->dst);
	json_string(w, "change_request", change_name(t->change));
	json_bool(w, "answered", t->answered);
	json_endpoint(w, "from", &t->from);
	json_endpoint(w, "mapped", &t->mapped);
	json_ms(w, "rtt_ms", t->answered ? t->rtt_us : -1);
	json_uint(w, "sends", t->sends);
	if (t->error_code)
		json_uint(w, "stun_error", t->error_code);
	else
		json_null(w, "stun_error");
	json_string(w, "note", t->note);
	json_end_object(w);
}

/* An RFC 4787 term, or null when it could not be decided (the reasons say why). */
static void json_dependence(struct json_writer *w, const char *key, enum nat_dependence d)
{
	json_string(w, key, d == NAT_DEP_UNKNOWN ? NULL : nat_dependence_name(d));
}

static void nat_report_members(struct json_writer *w, const struct nat_report *r)
{
	bool have = r->udp_answered || r->tcp_answered;
	json_endpoint(w, "server", &r->server);
	json_endpoint(w, "local", have ? &r->local : NULL);
	json_endpoint(w, "public", have ? &r->mapped : NULL);
	json_ms(w, "rtt_ms", have ? r->rtt_us : -1);
	json_string(w, "transport", transport_name(r->udp_answered, r->tcp_answered));
	json_string(w, "software", r->software[0] ? r->software : NULL);
	json_tri(w, "nat", r->nat);
	json_dependence(w, "mapping", r->mapping);
	json_dependence(w, "filtering", r->filtering);
	json_tri(w, "hairpinning", r->hairpinning);
	json_tri(w, "port_preserving", r->port_preserving);
	json_string(w, "classic",
		    r->classic == NAT_CLASSIC_UNKNOWN ? NULL : nat_classic_name(r->classic));
	json_endpoint(w, "alternate", &r->other);
	json_begin_array(w, "reasons");
	for (size_t i = 0; i < r->n_reasons; i++)
		json_string(w, NULL, r->reasons[i]);
	json_end_array(w);
	json_begin_array(w, "tests");
	for (size_t i = 0; i < r->n_tests; i++)
		nat_test_json(w, &r->tests[i]);
	json_end_array(w);
	json_failure(w, r->error, r->failure);
}

void json_nat_report(struct json_writer *w, const char *key, const struct nat_report *r)
{
	json_begin_object(w, key);
	nat_report_members(w, r);
	json_end_object(w);
}

static void nat_report_json(FILE *f, const struct nat_report *r)
{
	struct json_writer w;
	json_document_begin(&w, f);
	nat_report_members(&w, r);
	json_end_object(&w);
	json_finish(&w);
}

const char *nat_classic_text(const struct nat_report *r)
{
	switch (r->classic) {
	case NAT_CLASSIC_OPEN_INTERNET: return "open internet (no NAT)";
	case NAT_CLASSIC_FULL_CONE: return "full cone NAT";
	case NAT_CLASSIC_RESTRICTED_CONE: return "restricted cone NAT";
	case NAT_CLASSIC_PORT_RESTRICTED_CONE: return "port-restricted cone NAT";
	case NAT_CLASSIC_SYMMETRIC: return "symmetric NAT";
	case NAT_CLASSIC_UDP_BLOCKED: return "UDP blocked";
	case NAT_CLASSIC_UNKNOWN: break;
	}
	return r->nat == NAT_TRI_YES  ? "NAT of unknown type"
	       : r->nat == NAT_TRI_NO ? "no NAT"
				      : "unknown";
}

static void nat_test_text(FILE *f, const struct nat_test *t)
{
	char local[ENDPOINT_STRLEN], dst[ENDPOINT_STRLEN], from[ENDPOINT_STRLEN],
		mapped[ENDPOINT_STRLEN];
	const char *change = change_name(t->change);
	if (!endpoint_is_set(&t->local))
		strcpy(local, "-");
	else
		endpoint_format(&t->local, local);
	fprintf(f, "  %-26s %s -> %s%s%s: ", t->name, local, endpoint_format(&t->dst, dst),
		change ? " change " : "", change ? change : "");
	if (t->answered)
		fprintf(f, "from %s, mapped %s, %.1f ms", endpoint_format(&t->from, from),
			endpoint_is_set(&t->mapped) ? endpoint_format(&t->mapped, mapped) : "none",
			(double)t->rtt_us / USEC_PER_MSEC);
	else
		fprintf(f, "no answer after %u sends", t->sends);
	fprintf(f, "%s%s\n", t->note ? "; " : "", t->note ? t->note : "");
}

static void nat_report_text(FILE *f, const struct nat_report *r, bool verbose)
{
	char pub[ENDPOINT_STRLEN], srv[ENDPOINT_STRLEN], alt[ENDPOINT_STRLEN],
		local[ENDPOINT_STRLEN];
	endpoint_format(&r->mapped, pub);
	if (r->classic == NAT_CLASSIC_UDP_BLOCKED)
		fprintf(f, "UDP blocked; public %s over TCP\n", pub);
	else if (nat_firewall_verdict(r->nat, r->filtering))
		fprintf(f, "%s; public %s\n", nat_firewall_verdict(r->nat, r->filtering), pub);
	else
		fprintf(f, "%s: %s mapping, %s filtering; public %s\n", nat_classic_text(r),
			nat_dependence_name(r->mapping), nat_dependence_name(r->filtering), pub);
	fprintf(f, "hairpinning %s, port preserving %s\n", tri_text(r->hairpinning),
		tri_text(r->port_preserving));
	fprintf(f, "server %s", endpoint_format(&r->server, srv));
	if (endpoint_is_set(&r->other))
		fprintf(f, " (alternate %s)", endpoint_format(&r->other, alt));
	fprintf(f, ", local %s, rtt %.1f ms\n", endpoint_format(&r->local, local),
		(double)r->rtt_us / USEC_PER_MSEC);
	for (size_t i = 0; i < r->n_reasons; i++)
		fprintf(f, "note: %s\n", r->reasons[i]);
	if (!verbose)
		return;
	fprintf(f, "tests:\n");
	for (size_t i = 0; i < r->n_tests; i++)
		nat_test_text(f, &r->tests[i]);
}

void render_nat_report(const struct output *o, const struct nat_report *r)
{
	bool failed = r->failure != FAILURE_NONE;
	if (failed)
		output_error(o, "stun", r->error);
	if (!output_wants_result(o, failed))
		return;
	if (o->json)
		nat_report_json(o->f, r);
	else
		nat_report_text(o->f, r, o->verbose);
}

/* ---- --path ---- */

static void path_json(FILE *f, const struct path_report *r)
{
	const struct path_result *p = &r->path;
	struct json_writer w;
	char ip[IP_STRLEN];
	json_document_begin(&w, f);
	json_endpoint(&w, "server", &p->server);
	json_endpoint(&w, "local", p->reached ? &p->local : NULL);
	json_endpoint(&w, "public", p->reached ? &p->mapped : NULL);
	if (p->reached)
		json_uint(&w, "reached_ttl", p->reached_ttl);
	else
		json_null(&w, "reached_ttl");
	json_begin_array(&w, "path");
	for (size_t i = 0; i < p->n_hops; i++) {
		const struct path_hop *h = &p->hops[i];
		json_begin_object(&w, NULL);
		json_uint(&w, "ttl", h->ttl);
		json_string(&w, "address",
			    h->answered ? endpoint_format_ip(&h->address, ip) : NULL);
		json_string(&w, "class", h->answered ? addr_class_name(h->class) : NULL);
		json_end_object(&w);
	}
	json_end_array(&w);
	if (r->nat_layers >= 0)
		json_int(&w, "nat_layers", r->nat_layers);
	else
		json_null(&w, "nat_layers");
	json_begin_array(&w, "reasons");
	if (r->nat_layers < 0 && r->why[0])
		json_string(&w, NULL, r->why);
	json_end_array(&w);
	json_failure(&w, r->error, r->failure);
	json_end_object(&w);
	json_finish(&w);
}

/* One line per hop ("2  100.64.0.1  cgnat", a silent one "*"), the server,
 * then the NAT layers. */
static void path_text(FILE *f, const struct path_report *r)
{
	const struct path_result *p = &r->path;
	char ip[IP_STRLEN], srv[ENDPOINT_STRLEN], pub[ENDPOINT_STRLEN];
	for (size_t i = 0; i < p->n_hops; i++) {
		const struct path_hop *h = &p->hops[i];
		if (h->answered)
			fprintf(f, "%2u  %s  %s\n", h->ttl, endpoint_format_ip(&h->address, ip),
				addr_class_name(h->class));
		else
			fprintf(f, "%2u  *  silent\n", h->ttl);
	}
	fprintf(f, "%2u  %s  the STUN server: public %s\n", p->reached_ttl,
		endpoint_format(&p->server, srv), endpoint_format(&p->mapped, pub));
	if (r->nat_layers >= 0)
		fprintf(f, "%s\n", r->why);
	else
		fprintf(f, "NAT layers unknown: %s\n", r->why);
}

void render_stun_path(const struct output *o, const struct path_report *r)
{
	bool failed = r->failure != FAILURE_NONE;
	if (failed)
		output_error(o, "stun", r->error);
	if (!output_wants_result(o, failed))
		return;
	if (o->json)
		path_json(o->f, r);
	else
		path_text(o->f, r);
}
