// SPDX-License-Identifier: BSD-2-Clause
// Rendering of `natctl stun` results: the public address, and the NAT's behaviour.
#include <string.h>

#include "natctl/base/clock.h"
#include "natctl/cli/cli.h"
#include "natctl/cli/output.h"
#include "natctl/stun/stun.h"

/* A result's error for the documents' "error" member: null when it has none. */
static const char *error_or_null(const char *error)
{
	return error[0] ? error : NULL;
}

static void stun_public_json(FILE *f, const struct stun_public_result *r)
{
	struct json_writer w;
	bool ok = r->outcome == STUN_PUBLIC_OK;
	json_init(&w, f);
	json_begin_object(&w, NULL);
	json_endpoint_string(&w, "server", &r->server);
	json_endpoint(&w, "local", ok ? &r->local : NULL);
	json_endpoint(&w, "public", ok ? &r->mapped : NULL);
	if (ok)
		json_double(&w, "rtt_ms", (double)r->rtt_us / USEC_PER_MSEC, 3);
	else
		json_null(&w, "rtt_ms");
	json_string(&w, "software", r->software[0] ? r->software : NULL);
	json_string(&w, "error", error_or_null(r->error));
	json_end_object(&w);
	json_finish(&w);
}

static void stun_public_text(FILE *f, const struct stun_public_result *r, bool verbose)
{
	char pub[ENDPOINT_STRLEN], srv[ENDPOINT_STRLEN], local[ENDPOINT_STRLEN];
	if (r->outcome != STUN_PUBLIC_OK)
		return; /* the error went to stderr; stdout carries only results */
	fprintf(f, "public %s\n", endpoint_format(&r->mapped, pub));
	fprintf(f, "server %s\n", endpoint_format(&r->server, srv));
	fprintf(f, "local  %s\n", endpoint_format(&r->local, local));
	fprintf(f, "rtt    %.1f ms\n", (double)r->rtt_us / USEC_PER_MSEC);
	if (verbose && r->software[0])
		fprintf(f, "server software %s\n", r->software);
}

void render_stun_public(const struct output *o, const struct stun_public_result *r)
{
	if (r->error[0])
		cli_error_to(o->err, "stun", "%s", r->error);
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
	json_endpoint_string(w, "local", &t->local);
	json_endpoint_string(w, "destination", &t->dst);
	json_string(w, "change_request", change_name(t->change));
	json_bool(w, "answered", t->answered);
	json_endpoint_string(w, "from", &t->from);
	json_endpoint_string(w, "mapped", &t->mapped);
	json_ms(w, "rtt_ms", t->answered ? t->rtt_us : -1);
	json_uint(w, "sends", t->sends);
	if (t->error_code)
		json_uint(w, "error_code", t->error_code);
	else
		json_null(w, "error_code");
	json_string(w, "note", t->note);
	json_end_object(w);
}

void json_nat_report(struct json_writer *w, const char *key, const struct nat_report *r)
{
	bool have = r->udp_answered || r->tcp_answered;
	json_begin_object(w, key);
	json_endpoint_string(w, "server", &r->server);
	json_endpoint(w, "local", have ? &r->local : NULL);
	json_endpoint(w, "public", have ? &r->mapped : NULL);
	json_ms(w, "rtt_ms", have ? r->rtt_us : -1);
	json_string(w, "transport", r->udp_answered ? "udp" : r->tcp_answered ? "tcp" : NULL);
	json_string(w, "software", r->software[0] ? r->software : NULL);
	json_tri(w, "nat", r->nat);
	json_string(w, "mapping", nat_dependence_name(r->mapping));
	json_string(w, "filtering", nat_dependence_name(r->filtering));
	json_tri(w, "hairpinning", r->hairpinning);
	json_tri(w, "port_preserving", r->port_preserving);
	json_string(w, "classic", nat_classic_name(r->classic));
	json_endpoint_string(w, "alternate", &r->other);
	json_begin_array(w, "reasons");
	for (size_t i = 0; i < r->n_reasons; i++)
		json_string(w, NULL, r->reasons[i]);
	json_end_array(w);
	json_begin_array(w, "tests");
	for (size_t i = 0; i < r->n_tests; i++)
		nat_test_json(w, &r->tests[i]);
	json_end_array(w);
	json_string(w, "error", error_or_null(r->error));
	json_end_object(w);
}

static void nat_report_json(FILE *f, const struct nat_report *r)
{
	struct json_writer w;
	json_init(&w, f);
	json_nat_report(&w, NULL, r);
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

static const char *tri_text(enum nat_tri v)
{
	return v == NAT_TRI_YES ? "yes" : v == NAT_TRI_NO ? "no" : "unknown";
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
	if (!r->udp_answered && !r->tcp_answered)
		return; /* the error went to stderr */
	endpoint_format(&r->mapped, pub);
	if (r->classic == NAT_CLASSIC_UDP_BLOCKED)
		fprintf(f, "UDP blocked; public %s over TCP\n", pub);
	else if (r->nat == NAT_TRI_NO)
		fprintf(f, "%s: %s filtering; public %s\n", nat_classic_text(r),
			nat_dependence_name(r->filtering), pub);
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
	if (r->error[0])
		cli_error_to(o->err, "stun", "%s", r->error);
	if (o->json)
		nat_report_json(o->f, r);
	else
		nat_report_text(o->f, r, o->verbose);
}
