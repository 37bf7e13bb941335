// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for the UPnP IGDv2 pinhole SOAP codec and the SOAP POST from a bound source.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/map/upnp_jobs.h"
#include "natctl/map/upnp_pinhole.h"
#include "natctl/net/http.h"
#include "natctl/net/worker.h"
#include "test.h"

static void upnp_6fc_envelopes(void)
{
	char out[UPNP_6FC_ENVELOPE_MAX], action[UPNP_6FC_SOAPACTION_MAX];
	struct upnp_6fc_request add = {.action = UPNP_6FC_ADD_PINHOLE,
				       .internal_client = "2001:db8:77::10",
				       .internal_port = 40000,
				       .udp = true,
				       .lease = 7200};
	CHECK(upnp_6fc_envelope(&add, out, sizeof(out), action) > 0);
	CHECK_EQ_STR(action, "urn:schemas-upnp-org:service:WANIPv6FirewallControl:1#AddPinhole");
	CHECK(strstr(out,
		     "<u:AddPinhole xmlns:u=\"urn:schemas-upnp-org:service:"
		     "WANIPv6FirewallControl:1\"><RemoteHost></RemoteHost><RemotePort>0<"
		     "/RemotePort><InternalClient>2001:db8:77::10</InternalClient><InternalPort>"
		     "40000</InternalPort><Protocol>17</Protocol><LeaseTime>7200</LeaseTime></"
		     "u:AddPinhole>") != NULL);
	/* No permanent pinholes: 0 and anything over a day ask for a day. */
	add.lease = 0;
	add.udp = false;
	CHECK(upnp_6fc_envelope(&add, out, sizeof(out), action) > 0);
	CHECK(strstr(out, "<Protocol>6</Protocol><LeaseTime>86400</LeaseTime>") != NULL);
	/* Only an IPv6 literal goes into the XML. */
	add.internal_client = "192.168.77.10";
	CHECK_EQ_INT(upnp_6fc_envelope(&add, out, sizeof(out), action), -1);
	add.internal_client = "<x>";
	CHECK_EQ_INT(upnp_6fc_envelope(&add, out, sizeof(out), action), -1);
	struct upnp_6fc_request upd = {.action = UPNP_6FC_UPDATE_PINHOLE,
				       .unique_id = 7,
				       .lease = 600};
	CHECK(upnp_6fc_envelope(&upd, out, sizeof(out), action) > 0);
	CHECK(strstr(out, "<UniqueID>7</UniqueID><NewLeaseTime>600</NewLeaseTime>") != NULL);
	struct upnp_6fc_request del = {.action = UPNP_6FC_DELETE_PINHOLE, .unique_id = 65535};
	CHECK(upnp_6fc_envelope(&del, out, sizeof(out), action) > 0);
	CHECK_EQ_STR(action, UPNP_6FC_SERVICE "#DeletePinhole");
	CHECK(strstr(out, "<u:DeletePinhole xmlns:u=\"" UPNP_6FC_SERVICE
			  "\"><UniqueID>65535</UniqueID></u:DeletePinhole>") != NULL);
	/* Too small a buffer is refused, not cut. */
	CHECK_EQ_INT(upnp_6fc_envelope(&del, out, 64, action), -1);
}

static int parse(enum upnp_6fc_action a, const char *body, struct upnp_6fc_reply *r)
{
	return upnp_6fc_parse(a, body, strlen(body), r);
}

#define ENV(x)                                                                          \
	"<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/" \
	"envelope/\"><s:Body>" x "</s:Body></s:Envelope>"
#define FAULT(code)                                                                          \
	ENV("<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring>"   \
	    "<detail><UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>" code \
	    "</errorCode><errorDescription>x</errorDescription></UPnPError></detail></s:Fault>")

static void upnp_6fc_answers(void)
{
	struct upnp_6fc_reply r;
	CHECK_EQ_INT(parse(UPNP_6FC_ADD_PINHOLE,
			   ENV("<u:AddPinholeResponse xmlns:u=\"" UPNP_6FC_SERVICE
			       "\"><UniqueID>3</UniqueID></u:AddPinholeResponse>"),
			   &r),
		     0);
	CHECK_EQ_INT(r.code, 0);
	CHECK_EQ_INT(r.unique_id, 3);
	CHECK_EQ_INT(parse(UPNP_6FC_ADD_PINHOLE, FAULT("606"), &r), 0);
	CHECK_EQ_INT(r.code, 606);
	CHECK(upnp_6fc_explain(606) != NULL);
	CHECK(strstr(upnp_6fc_explain(606), "only for the address the request comes from"));
	CHECK(upnp_6fc_explain(501) == NULL);
	/* A UniqueID that is no ui2, or none at all, is no answer. */
	CHECK_EQ_INT(
		parse(UPNP_6FC_ADD_PINHOLE,
		      ENV("<u:AddPinholeResponse><UniqueID>70000</UniqueID></u:AddPinholeResponse>"),
		      &r),
		UPNP_6FC_BAD_REPLY);
	CHECK_EQ_INT(parse(UPNP_6FC_ADD_PINHOLE, ENV("<u:AddPinholeResponse/>"), &r),
		     UPNP_6FC_BAD_REPLY);
	CHECK_EQ_INT(parse(UPNP_6FC_GET_FIREWALL_STATUS,
			   ENV("<u:GetFirewallStatusResponse><FirewallEnabled>1</FirewallEnabled>"
			       "<InboundPinholeAllowed>0</InboundPinholeAllowed>"
			       "</u:GetFirewallStatusResponse>"),
			   &r),
		     0);
	CHECK(r.firewall_enabled && !r.inbound_allowed);
	CHECK_EQ_INT(parse(UPNP_6FC_GET_FIREWALL_STATUS,
			   ENV("<u:GetFirewallStatusResponse><FirewallEnabled>maybe</FirewallEnabled>"
			       "<InboundPinholeAllowed>1</InboundPinholeAllowed>"
			       "</u:GetFirewallStatusResponse>"),
			   &r),
		     UPNP_6FC_BAD_REPLY);
	CHECK_EQ_INT(parse(UPNP_6FC_GET_OUTBOUND_TIMEOUT,
			   ENV("<u:GetOutboundPinholeTimeoutResponse><OutboundPinholeTimeout>120<"
			       "/OutboundPinholeTimeout></u:GetOutboundPinholeTimeoutResponse>"),
			   &r),
		     0);
	CHECK_EQ_INT(r.outbound_timeout, 120);
	CHECK_EQ_INT(parse(UPNP_6FC_DELETE_PINHOLE,
			   ENV("<u:DeletePinholeResponse xmlns:u=\"" UPNP_6FC_SERVICE "\"/>"), &r),
		     0);
	CHECK_EQ_INT(parse(UPNP_6FC_DELETE_PINHOLE, FAULT("704"), &r), 0);
	CHECK_EQ_INT(r.code, 704);
	CHECK_EQ_INT(parse(UPNP_6FC_UPDATE_PINHOLE, "<html>busy</html>", &r), UPNP_6FC_BAD_REPLY);
}

/* Test server: accepts one connection and answers as reply() says for the peer and the request. */
typedef int (*reply_fn)(const char *peer, const char *req, size_t len, char *out, size_t cap);

static void serve_once(int ls, reply_fn reply)
{
	struct sockaddr_in peer;
	socklen_t pl = sizeof(peer);
	char req[4096], out[8192], ip[INET_ADDRSTRLEN];
	int fd = accept(ls, (struct sockaddr *)&peer, &pl);
	size_t len = 0;
	if (fd < 0)
		_exit(1);
	while (len < sizeof(req) - 1 && !memmem(req, len, "</s:Envelope>", 13)) {
		ssize_t k = recv(fd, req + len, sizeof(req) - 1 - len, 0);
		if (k <= 0)
			_exit(1);
		len += (size_t)k;
	}
	inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof(ip));
	int n = reply(ip, req, len, out, sizeof(out));
	if (n < 0 || send(fd, out, (size_t)n, 0) != n)
		_exit(1);
	close(fd);
	_exit(0);
}

/* 500, with the peer's address and the request as the body. */
static int echo_reply(const char *peer, const char *req, size_t len, char *out, size_t cap)
{
	int n = snprintf(out, cap,
			 "HTTP/1.1 500 Internal Server Error\r\nContent-Length: %zu\r\n\r\npeer=%s\n",
			 len + strlen(peer) + 6, peer);
	if (n < 0 || (size_t)n + len >= cap)
		return -1;
	memcpy(out + n, req, len);
	return n + (int)len;
}

/* A listening socket on 127.0.0.1 served once by a child; its port, and the child. */
static uint16_t serve_child(reply_fn reply, pid_t *pid)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sa);
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(ls >= 0 && bind(ls, (struct sockaddr *)&sa, sl) == 0 && listen(ls, 1) == 0 &&
	      getsockname(ls, (struct sockaddr *)&sa, &sl) == 0);
	*pid = fork();
	if (*pid == 0)
		serve_once(ls, reply);
	close(ls);
	return ntohs(sa.sin_port);
}

static bool child_ok(pid_t pid)
{
	int status = -1;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void http_soap_post_bound_source(void)
{
	pid_t pid;
	struct endpoint server, source;
	endpoint_parse_ip(&server, "127.0.0.1");
	server.port = serve_child(echo_reply, &pid);
	endpoint_parse_ip(&source, "127.0.0.2");
	struct http_soap soap = {.path = "/ctl/IP6FCtl",
				 .action = UPNP_6FC_SERVICE "#DeletePinhole",
				 .envelope = "<s:Envelope>x</s:Envelope>",
				 .source = &source};
	uint8_t body[8192];
	struct http_response r;
	int err = 0;
	int rc = http_soap_post(&server, &soap, clock_now_us() + 5000000, body, sizeof(body) - 1,
				&r, &err);
	CHECK(child_ok(pid));
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(r.status, 500);
	body[rc == 0 ? r.body_len : 0] = '\0';
	/* The connection left from the bound source, and the head names the action. */
	CHECK(strncmp((char *)body, "peer=127.0.0.2\nPOST /ctl/IP6FCtl HTTP/1.1\r\n", 43) == 0);
	CHECK(strstr((char *)body, "\r\nSOAPAction: \"" UPNP_6FC_SERVICE "#DeletePinhole\"\r\n"));
	CHECK(strstr((char *)body, "\r\nContent-Length: 26\r\n"));
}

/* miniupnpd's rule: a pinhole only for the address the request comes from (UniqueID 9), else 606. */
static int igd_reply(const char *peer, const char *req, size_t len, char *out, size_t cap)
{
	const char *body = FAULT("606");
	if (strcmp(peer, "127.0.0.2") == 0 && memmem(req, len, "<InternalClient>::1<", 20))
		body = ENV("<u:AddPinholeResponse xmlns:u=\"" UPNP_6FC_SERVICE
			   "\"><UniqueID>9</UniqueID></u:AddPinholeResponse>");
	bool ok = strcmp(body, FAULT("606")) != 0;
	return snprintf(out, cap, "HTTP/1.1 %s\r\nContent-Length: %zu\r\n\r\n%s",
			ok ? "200 OK" : "500 Internal Server Error", strlen(body), body);
}

/* Runs a pinhole job from source against the child server; the reply record and the status. */
static void run_pin_job(const char *source, bool has_6fc, struct upnp_6fc_reply *reply,
			struct upnp_status *st, bool *have_reply)
{
	pid_t pid = 0;
	uint16_t port = has_6fc ? serve_child(igd_reply, &pid) : 9;
	struct upnp_job *j = calloc(1, sizeof(*j));
	int sv[2];
	j->kind = UPNP_JOB_PINHOLE;
	j->deadline = clock_now_us() + 5000000;
	snprintf(j->igd.location, sizeof(j->igd.location), "http://127.0.0.1:%u/rootDesc.xml",
		 port);
	snprintf(j->igd.data.first.controlurl, sizeof(j->igd.data.first.controlurl), "/ctl/IPConn");
	if (has_6fc)
		snprintf(j->igd.data.IPv6FC.controlurl, sizeof(j->igd.data.IPv6FC.controlurl),
			 "/ctl/IP6FCtl");
	snprintf(j->internal_client, sizeof(j->internal_client), "::1");
	j->internal_port = 40000;
	j->udp = true;
	j->lifetime = 600;
	j->pin.action = UPNP_6FC_ADD_PINHOLE;
	endpoint_parse_ip(&j->pin.server, "127.0.0.1");
	endpoint_parse_ip(&j->pin.source, source);
	CHECK_EQ_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	upnp_job_run(j, sv[1]);
	close(sv[1]);
	*have_reply = false;
	struct worker_record_header h;
	while (read(sv[0], &h, sizeof(h)) == (ssize_t)sizeof(h)) {
		void *dst = h.type == UPNP_REC_PINHOLE ? (void *)reply : (void *)st;
		size_t want = h.type == UPNP_REC_PINHOLE ? sizeof(*reply) : sizeof(*st);
		CHECK_EQ_INT(h.length, want);
		CHECK_EQ_INT(read(sv[0], dst, want), want);
		*have_reply |= h.type == UPNP_REC_PINHOLE;
	}
	close(sv[0]);
	free(j);
	if (has_6fc)
		CHECK(child_ok(pid));
}

static void upnp_pinhole_job(void)
{
	struct upnp_6fc_reply r;
	struct upnp_status st;
	bool have;
	run_pin_job("127.0.0.2", true, &r, &st, &have);
	CHECK(have);
	CHECK_EQ_INT(st.code, 0);
	CHECK_EQ_INT(r.unique_id, 9);
	CHECK_EQ_STR(st.action, "AddPinhole");
	/* From another address: the IGD's 606, as the job's status. */
	run_pin_job("127.0.0.3", true, &r, &st, &have);
	CHECK(have);
	CHECK_EQ_INT(st.code, 606);
	CHECK_EQ_INT(r.code, 606);
	/* An IGD without WANIPv6FirewallControl is not asked. */
	run_pin_job("127.0.0.2", false, &r, &st, &have);
	CHECK(!have);
	CHECK_EQ_INT(st.code, 401);
	CHECK(strstr(st.detail, "no WANIPv6FirewallControl"));
}

const struct test_case upnp_pinhole_cases[] = {
	T(upnp_pinhole_job), T(upnp_6fc_envelopes),
	T(upnp_6fc_answers), T(http_soap_post_bound_source),
	{NULL, NULL},
};
