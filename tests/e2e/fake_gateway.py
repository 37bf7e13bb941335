#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A gateway that misbehaves on purpose, for natctl's map tests.

Runs in the router namespace of a lab without miniupnpd, on 192.168.77.1:

  quirks   an IGD whose external address is 100.64.0.2 (behind carrier-grade
           NAT) and which shows the router quirks of the field:
           AddAnyPortMapping -> 401, a lease -> 725, external != internal
           port -> 724; it answers SSDP from a random source port. NAT-PMP
           answers too, with the same CGNAT address; PCP gets NAT-PMP's
           "unsupported version".
  hostile  everything answers badly: SSDP with junk, then a LOCATION that
           names another host, then one whose HTTP server trickles a byte
           every 0.3 s forever; NAT-PMP and PCP get malformed replies only.
  forged   a PCP and NAT-PMP gateway (no UPnP) whose every request is met
           first by what anyone on the LAN could send from its address:
           junk, header-only PCP errors (NOT_AUTHORIZED; MALFORMED_REQUEST
           not naming the client), PCP answers with a wrong nonce, NAT-PMP
           answers of another version, opcode or internal port, truncated
           ones. The discovery requests (ANNOUNCE, external address) then
           get their genuine answer; mapping requests never do.
  forged-then-real
           the same, with the genuine answer to mapping requests too;
           prints one line per PCP or NAT-PMP mapping request.
  zero-lifetime
           a PCP and NAT-PMP gateway (no UPnP) that answers every mapping
           request "success" with lifetime 0: it holds nothing.
  vpn      a NAT-PMP-only gateway of a VPN provider (PCP gets NAT-PMP's
           "unsupported version", no UPnP): it chooses the external port
           itself (from 40000 on), whatever port is asked, and forwards it
           for real (nftables DNAT in this namespace, table natctl_fake);
           on SIGHUP every chosen port moves by 1000, as when the provider
           reassigns them; grants at most VPN_GRANT (4 s) of the lifetime
           asked, so a test sees a renewal every 2 s; prints
           "port PROTO INTERNAL EXTERNAL" per grant.

On SIGUSR1 the quirks gateway "restarts": its epoch starts again from 0
and it multicasts a NAT-PMP address announcement (RFC 6886 section 3.2.1).
It forwards nothing: a test that wants a mapping to work adds the DNAT rule.
On SIGUSR2 any gateway is spoofed: 40 NAT-PMP and PCP announcements of a
restart (epochs near 0) are multicast from its address over 2 s; then it
prints "flood done".

usage: fake_gateway.py quirks|hostile|forged|forged-then-real|zero-lifetime|vpn [EXTERNAL]
       (EXTERNAL: the address it reports, default 100.64.0.2)
"""
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time

GW = "192.168.77.1"
HTTP_PORT = 5000
EXTERNAL = "100.64.0.2"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
mappings = {}
state = {"base": time.monotonic() - 1000, "restart": False, "flood": 0, "move": False, "next": 40000}
MODES = ("quirks", "hostile", "forged", "forged-then-real", "zero-lifetime", "vpn")
# vpn: (protocol, client, internal port) -> the external port chosen
chosen = {}
VPN_GRANT = 4
V4MAPPED = b"\0" * 10 + b"\xff\xff"


def root_desc(version):
    svc = "urn:schemas-upnp-org:service:WANIPConnection:%d" % version
    return ("""<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major><minor>0</minor></specVersion>
<device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:%d</deviceType><friendlyName>fake</friendlyName>
<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:%d</deviceType>
<serviceList><service><serviceType>urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1</serviceType>
<serviceId>urn:upnp-org:serviceId:WANCommonIFC1</serviceId><controlURL>/ctl/CmnIfCfg</controlURL>
<eventSubURL>/evt/CmnIfCfg</eventSubURL><SCPDURL>/WANCfg.xml</SCPDURL></service></serviceList>
<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:%d</deviceType>
<serviceList><service><serviceType>%s</serviceType><serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>
<controlURL>/ctl/IPConn</controlURL><eventSubURL>/evt/IPConn</eventSubURL><SCPDURL>/WANIPCn.xml</SCPDURL>
</service></serviceList></device></deviceList></device></deviceList></device></root>
""" % (version, version, version, svc)).encode()


def envelope(body):
    return ('<?xml version="1.0"?>\r\n<s:Envelope xmlns:s="%s" '
            's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>%s'
            '</s:Body></s:Envelope>\r\n' % (SOAP_NS, body)).encode()


def soap_ok(action, svc, fields):
    inner = "".join("<%s>%s</%s>" % (k, v, k) for k, v in fields)
    return 200, envelope('<u:%sResponse xmlns:u="%s">%s</u:%sResponse>' % (action, svc, inner, action))


def soap_error(code, text):
    return 500, envelope('<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring>'
                         '<detail><UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>%d'
                         '</errorCode><errorDescription>%s</errorDescription></UPnPError></detail>'
                         '</s:Fault>' % (code, text))


def arg(body, name):
    start = body.find("<%s>" % name)
    end = body.find("</%s>" % name)
    return body[start + len(name) + 2:end] if start >= 0 and end > start else ""


def soap(action, svc, body):
    if action == "GetExternalIPAddress":
        return soap_ok(action, svc, [("NewExternalIPAddress", EXTERNAL)])
    key = (arg(body, "NewExternalPort"), arg(body, "NewProtocol"))
    if action == "AddAnyPortMapping":
        return soap_error(401, "Invalid Action")
    if action == "AddPortMapping":
        if arg(body, "NewLeaseDuration") not in ("", "0"):
            return soap_error(725, "OnlyPermanentLeasesSupported")
        if arg(body, "NewExternalPort") != arg(body, "NewInternalPort"):
            return soap_error(724, "SamePortValuesRequired")
        mappings[key] = (arg(body, "NewInternalClient"), arg(body, "NewInternalPort"),
                         arg(body, "NewPortMappingDescription"))
        return soap_ok(action, svc, [])
    if action == "GetSpecificPortMappingEntry":
        if key not in mappings:
            return soap_error(714, "NoSuchEntryInArray")
        client, port, desc = mappings[key]
        return soap_ok(action, svc, [("NewInternalPort", port), ("NewInternalClient", client),
                                     ("NewEnabled", "1"), ("NewPortMappingDescription", desc),
                                     ("NewLeaseDuration", "0")])
    if action == "DeletePortMapping":
        if mappings.pop(key, None) is None:
            return soap_error(714, "NoSuchEntryInArray")
        return soap_ok(action, svc, [])
    return soap_error(401, "Invalid Action")


def http_reply(conn, status, body):
    head = "HTTP/1.1 %d %s\r\nContent-Type: text/xml; charset=\"utf-8\"\r\nConnection: close\r\n" \
           "Content-Length: %d\r\n\r\n" % (status, "OK" if status == 200 else "Internal Server Error",
                                            len(body))
    conn.sendall(head.encode() + body)


def read_request(conn):
    conn.settimeout(2)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return None, None, None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode(errors="replace").split("\r\n")
    length = 0
    action = ""
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
        if name.strip().lower() == "soapaction":
            action = value.strip().strip('"')
    while len(body) < length:
        chunk = conn.recv(4096)
        if not chunk:
            break
        body += chunk
    return lines[0], action, body.decode(errors="replace")


def serve_http(conn, mode):
    if mode == "hostile":
        # A trickle: the status line, then a byte every 0.3 s, never done.
        try:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
            while True:
                time.sleep(0.3)
                conn.sendall(b"<")
        except OSError:
            return
    first, action, body = read_request(conn)
    if first is None:
        return
    if first.startswith("GET"):
        http_reply(conn, 200, root_desc(2))
        return
    svc, _, name = action.partition("#")
    status, reply = soap(name, svc, body)
    http_reply(conn, status, reply)


def ssdp_answer(location, st):
    return ("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: %s\r\nUSN: uuid:fake::%s\r\n"
            "EXT:\r\nSERVER: fake/1.0 UPnP/1.1 fakegw/1\r\nLOCATION: %s\r\n\r\n" % (st, st, location)).encode()


def on_ssdp(sock, mode):
    data, addr = sock.recvfrom(2048)
    text = data.decode(errors="replace")
    if not text.startswith("M-SEARCH"):
        return
    st = ""
    for line in text.split("\r\n"):
        if line.lower().startswith("st:"):
            st = line[3:].strip()
    reply = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # a random source port
    reply.bind((GW, 0))
    if mode == "hostile":
        for junk in (b"\0" * 40, b"HTTP/1.1 200 OK\r\nLOCATION: http://192.168.77.99:5000/x\r\nST: " +
                     st.encode() + b"\r\n\r\n", os.urandom(300), b"HTTP/1.1 500 Oops\r\n\r\n"):
            reply.sendto(junk, addr)
    reply.sendto(ssdp_answer("http://%s:%d/rootDesc.xml" % (GW, HTTP_PORT), st), addr)
    reply.close()


def on_pmp(sock, mode):
    data, addr = sock.recvfrom(2048)
    if len(data) < 2:
        return
    if mode == "hostile":
        for junk in (b"\0", b"\0\x80\0\0", b"\x02\x81\0\0" + b"\0" * 20, b"\0\x85" + b"\0" * 10,
                     os.urandom(16), b"\0\x80\0\0\0\0\0\1\xff"):
            sock.sendto(junk, addr)
        return
    epoch = int(time.monotonic() - state["base"]) & 0xffffffff
    if data[0] != 0:  # PCP: this gateway speaks NAT-PMP only (RFC 6887 §9)
        sock.sendto(struct.pack("!BBHI", 0, 128 + (data[1] & 0x7f), 1, epoch), addr)
    elif data[1] == 0:
        sock.sendto(struct.pack("!BBHI", 0, 128, 0, epoch) + socket.inet_aton(EXTERNAL), addr)
    elif data[1] in (1, 2) and len(data) >= 12:
        iport, eport, life = struct.unpack("!HHI", data[4:12])
        sock.sendto(struct.pack("!BBHIHHI", 0, 128 + data[1], 0, epoch, iport, eport or iport, life), addr)


def pcp_header(opcode, result, lifetime, epoch, reserved=b"\0" * 12):
    return struct.pack("!BBBBII", 2, 0x80 | opcode, 0, result, lifetime, epoch) + reserved


def pcp_map_payload(nonce, request, external_port):
    protocol, internal_port = request[36], struct.unpack("!H", request[40:42])[0]
    return (nonce + struct.pack("!B3xHH", protocol, internal_port, external_port) + V4MAPPED +
            socket.inet_aton(EXTERNAL))


def forged_pcp(sock, data, addr, mode, epoch):
    """RFC 6887 MAP and ANNOUNCE: forgeries first, then (maybe) the answer."""
    op = data[1] & 0x7f
    if op == 1 and len(data) >= 60:
        nonce = data[24:36]
        wrong = bytes(b ^ 0x5a for b in nonce)
        suggested = struct.unpack("!H", data[42:44])[0]
        for junk in (os.urandom(24), pcp_header(1, 2, 0, epoch), pcp_header(1, 3, 0, epoch),
                     pcp_header(1, 2, 0, epoch) + pcp_map_payload(wrong, data, suggested),
                     pcp_header(1, 0, 7200, epoch) + pcp_map_payload(wrong, data, 1234)):
            sock.sendto(junk, addr)
        if mode == "forged-then-real":
            lifetime = struct.unpack("!I", data[4:8])[0]
            sock.sendto(pcp_header(1, 0, lifetime, epoch) + pcp_map_payload(nonce, data, suggested),
                        addr)
            print("pcp map lifetime %d" % lifetime, flush=True)
    elif op == 0:  # the ANNOUNCE that asks whether PCP is there: answered
        sock.sendto(pcp_header(0, 0, 0, epoch)[:20], addr)
        sock.sendto(pcp_header(0, 0, 0, epoch), addr)


def forged_natpmp(sock, data, addr, mode, epoch):
    """RFC 6886: answers that are not answers to this request, then (maybe) the answer."""
    op = data[1]
    if op == 0:
        real = struct.pack("!BBHI", 0, 128, 0, epoch) + socket.inet_aton(EXTERNAL)
    elif op in (1, 2) and len(data) >= 12:
        iport, eport, life = struct.unpack("!HHI", data[4:12])
        real = struct.pack("!BBHIHHI", 0, 128 + op, 0, epoch, iport, eport or iport, life)
        print("natpmp map lifetime %d" % life, flush=True)
    else:
        return
    other_port = real[:8] + struct.pack("!H", (struct.unpack("!H", real[8:10])[0] + 1) & 0xffff) + real[10:]
    for junk in (b"\1" + real[1:], real[:1] + bytes([128 + (op + 1) % 3]) + real[2:],
                 other_port if op else real[:10], real[:10]):
        sock.sendto(junk, addr)
    if mode == "forged-then-real" or op == 0:  # the address request: answered
        sock.sendto(real, addr)


def on_forged(sock, mode):
    data, addr = sock.recvfrom(2048)
    epoch = int(time.monotonic() - state["base"]) & 0xffffffff
    if len(data) >= 24 and data[0] == 2:
        forged_pcp(sock, data, addr, mode, epoch)
    elif len(data) >= 2 and data[0] == 0:
        forged_natpmp(sock, data, addr, mode, epoch)


def on_zero(sock):
    """Every mapping answered success, lifetime 0 (RFC 6886 §3.4: none held)."""
    data, addr = sock.recvfrom(2048)
    epoch = int(time.monotonic() - state["base"]) & 0xffffffff
    if len(data) >= 24 and data[0] == 2:
        op = data[1] & 0x7f
        if op == 1 and len(data) >= 60:
            suggested = struct.unpack("!H", data[42:44])[0]
            sock.sendto(pcp_header(1, 0, 0, epoch) + pcp_map_payload(data[24:36], data, suggested),
                        addr)
        elif op == 0:
            sock.sendto(pcp_header(0, 0, 0, epoch), addr)
    elif len(data) >= 2 and data[0] == 0 and data[1] == 0:
        sock.sendto(struct.pack("!BBHI", 0, 128, 0, epoch) + socket.inet_aton(EXTERNAL), addr)
    elif len(data) >= 12 and data[0] == 0 and data[1] in (1, 2):
        iport, eport, _ = struct.unpack("!HHI", data[4:12])
        sock.sendto(struct.pack("!BBHIHHI", 0, 128 + data[1], 0, epoch, iport, eport or iport, 0),
                    addr)


def vpn_forward():
    """The chosen ports, forwarded for real: one DNAT rule each."""
    rules = "".join("\t\tiifname \"wan0\" %s dport %d dnat ip to %s:%d\n" %
                    ("udp" if proto == 1 else "tcp", ext, client, iport)
                    for (proto, client, iport), ext in chosen.items())
    table = ("table inet natctl_fake {\n\tchain prerouting {\n"
             "\t\ttype nat hook prerouting priority dstnat; policy accept;\n%s\t}\n}\n" % rules)
    subprocess.run(["nft", "delete", "table", "inet", "natctl_fake"], stderr=subprocess.DEVNULL)
    subprocess.run(["nft", "-f", "-"], input=table.encode(), check=True)


def on_vpn(sock):
    """NAT-PMP with the port chosen by the gateway, as VPN providers do."""
    data, addr = sock.recvfrom(2048)
    epoch = int(time.monotonic() - state["base"]) & 0xffffffff
    if state["move"]:
        state["move"] = False
        for k in chosen:
            chosen[k] += 1000
        vpn_forward()
    if len(data) < 2 or data[0] != 0:  # PCP: NAT-PMP only (RFC 6887 §9)
        sock.sendto(struct.pack("!BBHI", 0, 128 + (data[1] & 0x7f if len(data) > 1 else 0), 1,
                                epoch), addr)
    elif data[1] == 0:
        sock.sendto(struct.pack("!BBHI", 0, 128, 0, epoch) + socket.inet_aton(EXTERNAL), addr)
    elif data[1] in (1, 2) and len(data) >= 12:
        iport, _, life = struct.unpack("!HHI", data[4:12])
        key = (data[1], addr[0], iport)
        if life == 0:
            chosen.pop(key, None)
            ext = 0
        else:
            if key not in chosen:
                chosen[key] = state["next"]
                state["next"] += 1
            ext = chosen[key]
            print("port %s %d %d" % ("udp" if data[1] == 1 else "tcp", iport, ext), flush=True)
        vpn_forward()
        sock.sendto(struct.pack("!BBHIHHI", 0, 128 + data[1], 0, epoch, iport, ext,
                                min(life, VPN_GRANT)), addr)


def flood_one(pmp):
    """One spoofed announcement of a restart, NAT-PMP and PCP in turn."""
    n = state["flood"]
    epoch = n % 5
    if n % 2:
        msg = struct.pack("!BBHI", 0, 128, 0, epoch) + socket.inet_aton(EXTERNAL)
    else:
        msg = pcp_header(0, 0, 0, epoch)
    pmp.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(GW))
    pmp.sendto(msg, ("224.0.0.1", 5350))
    state["flood"] = n - 1
    if state["flood"] == 0:
        print("flood done", flush=True)


def announce_restart(pmp):
    state["base"] = time.monotonic()
    msg = struct.pack("!BBHI", 0, 128, 0, 0) + socket.inet_aton(EXTERNAL)
    pmp.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(GW))
    for _ in range(2):
        pmp.sendto(msg, ("224.0.0.1", 5350))


def main():
    global EXTERNAL
    if len(sys.argv) not in (2, 3) or sys.argv[1] not in MODES:
        sys.exit(__doc__)
    mode = sys.argv[1]
    if len(sys.argv) == 3:
        EXTERNAL = sys.argv[2]
    ssdp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ssdp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ssdp.bind(("0.0.0.0", 1900))
    ssdp.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                    socket.inet_aton("239.255.255.250") + socket.inet_aton(GW))
    pmp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    pmp.bind((GW, 5351))
    http = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    http.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    http.bind((GW, HTTP_PORT))
    http.listen(16)
    signal.signal(signal.SIGUSR1, lambda *_: state.update(restart=True))
    signal.signal(signal.SIGUSR2, lambda *_: state.update(flood=40))
    signal.signal(signal.SIGHUP, lambda *_: state.update(move=True))
    forged = mode.startswith("forged")
    no_upnp = forged or mode in ("zero-lifetime", "vpn")
    pmp_handler = {"zero-lifetime": on_zero, "vpn": on_vpn}.get(mode)
    print("ready", flush=True)
    while True:
        try:
            ready, _, _ = select.select([ssdp, pmp, http], [], [], 0.05 if state["flood"] else 0.1)
        except InterruptedError:
            ready = []
        if state["restart"]:
            state["restart"] = False
            announce_restart(pmp)
        if state["flood"]:
            flood_one(pmp)
        if ssdp in ready:
            if no_upnp:
                ssdp.recvfrom(2048)
            else:
                on_ssdp(ssdp, mode)
        if pmp in ready:
            if pmp_handler:
                pmp_handler(pmp)
            elif forged:
                on_forged(pmp, mode)
            else:
                on_pmp(pmp, mode)
        if http in ready:
            conn, _ = http.accept()
            if mode != "hostile":  # the mappings live in this process
                serve_http(conn, mode)
                conn.close()
                continue
            if os.fork() == 0:  # a trickle must not stop the others
                http.close()
                serve_http(conn, mode)
                os._exit(0)
            conn.close()
            try:
                while os.waitpid(-1, os.WNOHANG)[0]:
                    pass
            except ChildProcessError:
                pass


if __name__ == "__main__":
    main()
