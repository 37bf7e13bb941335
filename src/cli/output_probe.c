// SPDX-License-Identifier: BSD-2-Clause
// Rendering of `natctl probe`: a short report a person takes in at a glance, or one JSON object.
#include <string.h>

#include "natctl/base/clock.h"
#include "natctl/cli/cli.h"
#include "natctl/cli/output.h"
#include "natctl/probe/probe.h"

static void json_ip(struct json_writer *w, const char *key, const struct endpoint *e)
{
	char ip[IP_STRLEN];
	json_string(w, key, endpoint_is_set(e) ? endpoint_format_ip(e, ip) : NULL);
}

static void json_mapping_test(struct json_writer *w, const struct probe_facts *f,
			      const struct pm_facts *m)
{
	json_begin_object(w, "test_mapping");
	json_bool(w, "tested", f->tested_mapping && m->available);
	json_tri(w, "accepted", m->mapping_ok);
	json_string(w, "error", m->refusal[0] ? m->refusal : NULL);
	json_end_object(w);
}

/* The methods in the order people read them: the oldest and commonest first. */
#define FOR_EACH_METHOD_SHOWN(m) for (int m = MAP_N_METHODS - 1; m >= 0; m--)

static void json_method(struct json_writer *w, const struct probe_result *r, enum map_method m)
{
	const struct probe_facts *f = &r->facts;
	const struct pm_facts *pf = &f->methods[m];
	const struct map_method_info *info = &r->info[m];
	unsigned facts = map_method_facts(m);
	json_begin_object(w, map_method_name(m));
	json_bool(w, "available", pf->available);
	json_ip(w, "external_address", &pf->external);
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
	json_mapping_test(w, f, pf);
	json_end_object(w);
}

static void json_diagnosis(struct json_writer *w, const struct diagnosis *d)
{
	json_bool(w, "double_nat", d->double_nat);
	json_bool(w, "cgnat", d->cgnat);
	json_tri(w, "inbound", d->inbound_ok);
	json_tri(w, "p2p_likely", d->p2p_likely);
	json_string(w, "verdict", d->verdict);
	json_begin_array(w, "advice");
	for (size_t i = 0; i < d->n_advice; i++)
		json_string(w, NULL, d->advice[i]);
	json_end_array(w);
}

static void json_probe(FILE *out, const struct probe_result *r)
{
	const struct probe_facts *f = &r->facts;
	struct json_writer w;
	json_init(&w, out);
	json_begin_object(&w, NULL);
	json_begin_object(&w, "local");
	json_ip(&w, "address", &f->local);
	json_string(&w, "interface", f->ifname[0] ? f->ifname : NULL);
	json_end_object(&w);
	json_ip(&w, "gateway", &f->gateway);
	FOR_EACH_METHOD_SHOWN(m)
	json_method(&w, r, (enum map_method)m);
	if (r->stun_ran)
		json_nat_report(&w, "stun", &r->stun);
	else
		json_null(&w, "stun");
	json_diagnosis(&w, &r->diag);
	json_ms(&w, "elapsed_ms", r->elapsed_us);
	json_string(&w, "error", r->error[0] ? r->error : NULL);
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
		fprintf(out, "%sno%s\n", p->bad, p->off);
		return;
	}
	fprintf(out, "%syes%s", p->good, p->off);
	if (extra && extra[0])
		fprintf(out, ", %s", extra);
	if (endpoint_is_set(&m->external))
		fprintf(out, ", WAN %s", endpoint_format_ip(&m->external, ip));
	if (m->mapping_ok == NAT_TRI_YES)
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
	if (!r->stun_ran || (!r->stun.udp_answered && !r->stun.tcp_answered)) {
		fprintf(out, "no answer\n");
		return;
	}
	fprintf(out, "%s, public %s\n", nat_classic_text(&r->stun),
		endpoint_format(&r->stun.mapped, pub));
}

static void text_probe(FILE *out, const struct probe_result *r, bool color)
{
	const struct probe_facts *f = &r->facts;
	struct paint p = paint_for(color);
	char local[IP_STRLEN], gw[IP_STRLEN];
	bool bad = r->diag.double_nat || r->diag.cgnat || r->diag.inbound_ok == NAT_TRI_NO;
	fprintf(out, "%s%s%s%s\n", p.bold, bad ? p.bad : p.good, r->diag.verdict, p.off);
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
	fprintf(out, "  %-9s %s%s\n", "double NAT", r->diag.double_nat ? "yes" : "no",
		r->diag.cgnat ? " (carrier-grade NAT)" : "");
	for (size_t i = 0; i < r->diag.n_advice; i++)
		fprintf(out, "%s- %s\n", i == 0 ? "advice:\n  " : "  ", r->diag.advice[i]);
}

void render_probe(const struct output *o, const struct probe_result *r, bool color)
{
	if (r->error[0])
		cli_error_to(o->err, "probe", "%s", r->error);
	if (o->json)
		json_probe(o->f, r);
	else if (!r->error[0])
		text_probe(o->f, r, color);
}
