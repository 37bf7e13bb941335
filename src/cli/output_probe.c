// SPDX-License-Identifier: BSD-2-Clause
// Rendering of `natctl probe`: a short report a person takes in at a glance, or one JSON object.
#include <string.h>

#include "natctl/base/clock.h"
#include "natctl/cli/output.h"
#include "natctl/cli/output_map.h"
#include "natctl/probe/probe.h"

/* {tested, accepted, error, reachable, check}: reachable is the check's
 * verdict, null when it was not checked or could not tell. */
static void json_mapping_test(struct json_writer *w, const struct probe_facts *f,
			      const struct pm_facts *m)
{
	json_begin_object(w, "test_mapping");
	json_bool(w, "tested", f->tested_mapping && m->available);
	json_tri(w, "accepted", m->mapping_ok);
	json_string(w, "error", m->refusal[0] ? m->refusal : NULL);
	json_tri(w, "reachable", m->check.asked ? m->check.reachable : NAT_TRI_UNKNOWN);
	json_map_check(w, "check", &m->check);
	json_end_object(w);
}

/* [{ttl, address, class}]: the hops before the STUN server, null when the
 * path was not probed; a silent hop has a null address and class. */
static void json_path(struct json_writer *w, const struct probe_facts *f)
{
	char ip[IP_STRLEN];
	if (!f->path) {
		json_null(w, "path");
		return;
	}
	json_begin_array(w, "path");
	for (size_t i = 0; i < f->path->n_hops; i++) {
		const struct path_hop *h = &f->path->hops[i];
		json_begin_object(w, NULL);
		json_uint(w, "ttl", h->ttl);
		json_string(w, "address", h->answered ? endpoint_format_ip(&h->address, ip) : NULL);
		json_string(w, "class", h->answered ? addr_class_name(h->class) : NULL);
		json_end_object(w);
	}
	json_end_array(w);
}

/* The methods in the order people read them: the oldest and commonest first. */
#define FOR_EACH_METHOD_SHOWN(m) for (int m = MAP_N_METHODS - 1; m >= 0; m--)

/* igd_version and connected (UPnP), epoch (NAT-PMP): what map_method_facts() says it has. */
static void json_method_facts(struct json_writer *w, const struct map_method_info *info,
			      unsigned facts)
{
	if ((facts & MAP_FACT_IGD) && info->igd_version)
		json_int(w, "igd_version", info->igd_version);
	else if (facts & MAP_FACT_IGD)
		json_null(w, "igd_version");
	if (facts & MAP_FACT_IGD)
		json_tri(w, "connected", (enum nat_tri)info->connected);
	if ((facts & MAP_FACT_EPOCH) && info->epoch_known)
		json_uint(w, "epoch", info->epoch);
	else if (facts & MAP_FACT_EPOCH)
		json_null(w, "epoch");
}

static void json_method(struct json_writer *w, const struct probe_result *r, enum map_method m)
{
	const struct probe_facts *f = &r->facts;
	const struct pm_facts *pf = &f->methods[m];
	json_begin_object(w, map_method_name(m));
	json_bool(w, "available", pf->available);
	json_string(w, "reason", !pf->available && pf->why[0] ? pf->why : NULL);
	json_ip(w, "external_address", &pf->external);
	json_method_facts(w, &r->info[m], map_method_facts(m));
	json_mapping_test(w, f, pf);
	json_end_object(w);
}

static void json_lines(struct json_writer *w, const char *key, const char *lines, size_t width,
		       size_t n)
{
	json_begin_array(w, key);
	for (size_t i = 0; i < n; i++)
		json_string(w, NULL, lines + i * width);
	json_end_array(w);
}

static void json_diagnosis(struct json_writer *w, const struct diagnosis *d)
{
	json_tri(w, "double_nat", d->double_nat);
	json_tri(w, "cgnat", d->cgnat);
	json_tri(w, "inbound", d->inbound_ok);
	json_tri(w, "p2p_likely", d->p2p_likely);
	json_string(w, "verdict", d->verdict[0] ? d->verdict : NULL);
	json_lines(w, "advice", &d->advice[0][0], sizeof(d->advice[0]), d->n_advice);
	json_lines(w, "reasons", &d->reasons[0][0], sizeof(d->reasons[0]), d->n_reasons);
}

/* The IPv6 side: {global, address, interface, address_note, pcp_pinhole,
 * upnp_pinhole, public, filtering, stun, inbound, verdict, advice,
 * reasons}; null with -4, when nothing about IPv6 was asked. */
static void json_ipv6(struct json_writer *w, const struct probe_result *r)
{
	const struct v6_facts *f = &r->facts.ipv6;
	const struct v6_diagnosis *d = &r->diag.ipv6;
	bool seen = f->stun && (f->stun->udp_answered || f->stun->tcp_answered);
	if (!f->asked) {
		json_null(w, "ipv6");
		return;
	}
	json_begin_object(w, "ipv6");
	json_tri(w, "global", f->global);
	json_ip(w, "address", &f->address);
	json_string(w, "interface", f->ifname[0] ? f->ifname : NULL);
	json_string(w, "address_note", f->address_why[0] ? f->address_why : NULL);
	json_tri(w, "pcp_pinhole", f->pcp_pinhole);
	json_tri(w, "upnp_pinhole", f->upnp_pinhole);
	json_endpoint(w, "public", seen ? &f->stun->mapped : NULL);
	json_string(w, "filtering",
		    seen && f->stun->filtering != NAT_DEP_UNKNOWN
			    ? nat_dependence_name(f->stun->filtering)
			    : NULL);
	if (f->stun)
		json_nat_report(w, "stun", f->stun);
	else
		json_null(w, "stun");
	json_tri(w, "inbound", d->inbound);
	json_string(w, "verdict", d->verdict[0] ? d->verdict : NULL);
	json_lines(w, "advice", &d->advice[0][0], sizeof(d->advice[0]), d->n_advice);
	json_lines(w, "reasons", &d->reasons[0][0], sizeof(d->reasons[0]), d->n_reasons);
	json_end_object(w);
}

/* {"address", "port": null, "interface"}: an endpoint with the interface it is on. */
static void json_local(struct json_writer *w, const struct probe_facts *f)
{
	json_begin_object(w, "local");
	json_ip(w, "address", &f->local);
	json_null(w, "port");
	json_string(w, "interface", f->ifname[0] ? f->ifname : NULL);
	json_end_object(w);
}

static void json_probe(FILE *out, const struct probe_result *r)
{
	const struct probe_facts *f = &r->facts;
	struct json_writer w;
	json_document_begin(&w, out);
	json_local(&w, f);
	json_ip(&w, "gateway", &f->gateway);
	FOR_EACH_METHOD_SHOWN(m)
	json_method(&w, r, (enum map_method)m);
	json_nat_report(&w, "stun", &r->stun);
	json_path(&w, f);
	if (r->diag.nat_layers >= 0)
		json_int(&w, "nat_layers", r->diag.nat_layers);
	else
		json_null(&w, "nat_layers");
	json_diagnosis(&w, &r->diag);
	json_ipv6(&w, r);
	json_ms(&w, "elapsed_ms", r->elapsed_us);
	json_failure(&w, r->error, r->failure);
	json_end_object(&w);
	json_finish(&w);
}

/* ---- text ---- */

struct paint {
	const char *bold, *good, *bad, *off;
};

static struct paint paint_for(bool color)
{
	if (!color)
		return (struct paint){"", "", "", ""};
	return (struct paint){"\033[1m", "\033[32m", "\033[31m", "\033[0m"};
}

static void text_method(FILE *out, const struct paint *p, const char *name,
			const struct pm_facts *m, const char *extra)
{
	char ip[IP_STRLEN];
	fprintf(out, "  %-9s ", name);
	if (!m->available) {
		fprintf(out, "%sno%s%s%s%s\n", p->bad, p->off, m->why[0] ? " (" : "", m->why,
			m->why[0] ? ")" : "");
		return;
	}
	fprintf(out, "%syes%s", p->good, p->off);
	if (extra && extra[0])
		fprintf(out, ", %s", extra);
	if (endpoint_is_set(&m->external))
		fprintf(out, ", WAN %s", endpoint_format_ip(&m->external, ip));
	if (m->mapping_ok == NAT_TRI_YES && m->check.asked && m->check.reachable != NAT_TRI_UNKNOWN)
		fprintf(out, ", test mapping accepted, %s from outside",
			m->check.reachable == NAT_TRI_YES ? "reachable" : "not reachable");
	else if (m->mapping_ok == NAT_TRI_YES)
		fprintf(out, ", test mapping accepted");
	else if (m->mapping_ok == NAT_TRI_NO)
		fprintf(out, ", test mapping refused%s%s", m->refusal[0] ? ": " : "", m->refusal);
	fputc('\n', out);
}

/* "IGD v2, connected" */
static void method_extra(const struct probe_result *r, enum map_method m, char *out, size_t cap)
{
	const struct map_method_info *info = &r->info[m];
	out[0] = '\0';
	if ((map_method_facts(m) & MAP_FACT_IGD) && info->igd_version)
		snprintf(out, cap, "IGD v%d%s", info->igd_version,
			 info->connected == NAT_TRI_YES  ? ", connected"
			 : info->connected == NAT_TRI_NO ? ", not connected"
							 : "");
}

static void text_stun(FILE *out, const struct probe_result *r)
{
	char pub[ENDPOINT_STRLEN];
	fprintf(out, "  %-9s ", "STUN");
	if (!r->stun.udp_answered && !r->stun.tcp_answered) {
		/* No server count: none could be asked (a name that did not resolve). */
		fprintf(out, "%s%s%s%s\n", r->stun.n_servers ? "no answer" : "not asked",
			r->stun.error[0] ? " (" : "", r->stun.error, r->stun.error[0] ? ")" : "");
		return;
	}
	fprintf(out, "%s, public %s\n", nat_classic_text(&r->stun),
		endpoint_format(&r->stun.mapped, pub));
}

/* "192.168.77.1 private, 100.64.0.1 cgnat: 2 NAT layers": the hops, a silent one "*". */
static void text_path(FILE *out, const struct probe_result *r)
{
	const struct path_result *p = r->facts.path;
	char ip[IP_STRLEN];
	fprintf(out, "  %-9s ", "path");
	if (!p) {
		fputs("not traced\n", out);
		return;
	}
	for (size_t i = 0; i < p->n_hops; i++) {
		const struct path_hop *h = &p->hops[i];
		if (h->answered)
			fprintf(out, "%s%s %s", i ? ", " : "", endpoint_format_ip(&h->address, ip),
				addr_class_name(h->class));
		else
			fprintf(out, "%s*", i ? ", " : "");
	}
	if (r->diag.nat_layers >= 0)
		fprintf(out, "%s%d NAT layer%s\n", p->n_hops ? ": " : "", r->diag.nat_layers,
			r->diag.nat_layers == 1 ? "" : "s");
	else
		fprintf(out, "%sNAT layers unknown\n", p->n_hops ? ": " : "");
}

/* "IPv6      2001:db8:77::10 on eth0; pinholes PCP unknown, UPnP IGDv2 unknown"
 * and "STUN IPv6 no NAT, firewall: ...; public [...]:port". */
static void text_ipv6(FILE *out, const struct probe_result *r)
{
	const struct v6_facts *f = &r->facts.ipv6;
	char ip[IP_STRLEN], pub[ENDPOINT_STRLEN];
	if (!f->asked)
		return;
	fprintf(out, "  %-9s ", "IPv6");
	if (f->global == NAT_TRI_YES)
		fprintf(out, "%s on %s", endpoint_format_ip(&f->address, ip), f->ifname);
	else
		fprintf(out, "%s (%s)",
			f->global == NAT_TRI_NO ? "no global address" : "address unknown",
			f->address_why);
	fprintf(out, "; pinholes PCP %s, UPnP IGDv2 %s\n", tri_text(f->pcp_pinhole),
		tri_text(f->upnp_pinhole));
	fprintf(out, "  %-9s ", "STUN IPv6");
	if (!f->stun || (!f->stun->udp_answered && !f->stun->tcp_answered)) {
		fprintf(out, "%s%s%s%s\n",
			f->stun && f->stun->n_servers ? "no answer" : "not asked",
			f->stun && f->stun->error[0] ? " (" : "", f->stun ? f->stun->error : "",
			f->stun && f->stun->error[0] ? ")" : "");
		return;
	}
	const char *fw = nat_firewall_verdict(f->stun->nat, f->stun->filtering);
	fprintf(out, "%s; public %s\n", fw ? fw : nat_classic_text(f->stun),
		endpoint_format(&f->stun->mapped, pub));
}

/* "yes (carrier-grade NAT)", "no", "unknown": never "no" without evidence. */
static void text_double_nat(FILE *out, const struct diagnosis *d)
{
	fprintf(out, "  %-9s %s%s\n", "double NAT", tri_text(d->double_nat),
		d->cgnat == NAT_TRI_YES ? " (carrier-grade NAT)" : "");
}

static void text_probe(FILE *out, const struct probe_result *r, bool color, bool verbose)
{
	const struct probe_facts *f = &r->facts;
	const struct diagnosis *d = &r->diag;
	struct paint p = paint_for(color);
	char local[IP_STRLEN], gw[IP_STRLEN];
	bool bad = d->double_nat == NAT_TRI_YES || d->cgnat == NAT_TRI_YES ||
		   d->inbound_ok == NAT_TRI_NO;
	const char *hue = bad                            ? p.bad
			  : d->inbound_ok == NAT_TRI_YES ? p.good
							 : ""; /* unknown: plain */
	fprintf(out, "%s%s%s%s\n", p.bold, hue, d->verdict, p.off);
	fprintf(out, "  %-9s %s", "local",
		endpoint_is_set(&f->local) ? endpoint_format_ip(&f->local, local) : "-");
	if (f->ifname[0])
		fprintf(out, " on %s", f->ifname);
	fprintf(out, ", gateway %s\n",
		endpoint_is_set(&f->gateway) ? endpoint_format_ip(&f->gateway, gw) : "none");
	FOR_EACH_METHOD_SHOWN(m)
	{
		char extra[64];
		method_extra(r, (enum map_method)m, extra, sizeof(extra));
		text_method(out, &p, map_method_title((enum map_method)m), &f->methods[m], extra);
	}
	text_stun(out, r);
	text_path(out, r);
	text_double_nat(out, d);
	text_ipv6(out, r);
	for (size_t i = 0; i < d->n_advice + d->ipv6.n_advice; i++)
		fprintf(out, "%s- %s\n", i == 0 ? "advice:\n  " : "  ",
			i < d->n_advice ? d->advice[i] : d->ipv6.advice[i - d->n_advice]);
	for (size_t i = 0; verbose && i < d->n_reasons; i++)
		fprintf(out, "note: %s\n", d->reasons[i]);
	for (size_t i = 0; verbose && i < d->ipv6.n_reasons; i++)
		fprintf(out, "note: %s\n", d->ipv6.reasons[i]);
}

void render_probe(const struct output *o, const struct probe_result *r)
{
	bool failed = r->failure != FAILURE_NONE;
	if (failed)
		output_error(o, "probe", r->error);
	if (!output_wants_result(o, failed))
		return;
	if (o->json)
		json_probe(o->f, r);
	else
		text_probe(o->f, r, o->color, o->verbose);
}
