// SPDX-License-Identifier: BSD-2-Clause
// Rendering of command results as human text or JSON.
#include "natctl/output.h"

#include <string.h>

#include "natctl/clock.h"

void json_endpoint(struct json_writer *w, const char *key, const struct endpoint *e)
{
	if (!e || !endpoint_is_set(e)) {
		json_null(w, key);
		return;
	}
	char ip[IP_STRLEN];
	json_begin_object(w, key);
	json_string(w, "address", endpoint_format_ip(e, ip));
	json_uint(w, "port", e->port);
	json_end_object(w);
}

void json_endpoint_string(struct json_writer *w, const char *key, const struct endpoint *e)
{
	char s[ENDPOINT_STRLEN];
	json_string(w, key, e && endpoint_is_set(e) ? endpoint_format(e, s) : NULL);
}

void stun_public_failure_text(const struct stun_public_result *r, int64_t waited_us, char *out,
			      size_t len)
{
	char srv[ENDPOINT_STRLEN];
	endpoint_format(&r->server, srv);
	switch (r->outcome) {
	case STUN_PUBLIC_OK:
		snprintf(out, len, "ok");
		break;
	case STUN_PUBLIC_NO_ANSWER:
		snprintf(out, len, "no response from %s within %.3g s", srv,
			 (double)waited_us / USEC_PER_SEC);
		break;
	case STUN_PUBLIC_REFUSED:
		snprintf(out, len, "%s answered with error %u %s", srv, r->error_code,
			 r->error_reason[0] ? r->error_reason : "(no reason given)");
		break;
	case STUN_PUBLIC_REJECTED:
		snprintf(out, len, "%s sent an unusable response (no address, or an unknown required attribute)",
			 srv);
		break;
	case STUN_PUBLIC_NETWORK:
		snprintf(out, len, "cannot send to %s: %s", srv, strerror(-r->sys_error));
		break;
	}
}

static void stun_public_json(FILE *f, const struct stun_public_result *r, const char *error)
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
	json_string(&w, "error", error);
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

void render_stun_public(const struct output *o, const struct stun_public_result *r,
			const char *error)
{
	if (o->json)
		stun_public_json(o->f, r, error);
	else
		stun_public_text(o->f, r, o->verbose);
}
