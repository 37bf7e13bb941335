#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Hostile UPnP peers for natctl's end-to-end tests, one per mode.

Runs inside a lab namespace, on --addr (default 192.168.77.1, the router):

  sound            a plain IGD: every mapping granted
  escapes          an IGD whose every string carries terminal escapes: the
                   SSDP SERVER and ST headers, friendlyName, serviceType, the
                   external address, fault strings, HTTP reason phrases, the
                   holder of a port (718) and the listing. AddPortMapping of
                   external port 9090 succeeds once; every other one is 718.
  foreign-control  its description's controlURL is absolute, on 192.168.77.11
  foreign-base     its description's URLBase is on 192.168.77.11
  many             six LOCATIONs per search: five on closed ports, one a 404
  endless          the description never ends (sent as fast as it is read)
  endless-soap     a sound description, but every SOAP answer never ends
  rogue            a LAN host answering SSDP with a LOCATION on itself and
                   serving a sound description (its control URL on itself)
  counter          no SSDP: only an HTTP listener on --addr:5000
  moved            a sound IGD whose control URL is /ctl/Moved: SOAP to any
                   other path (miniupnpd's /ctl/IPConn) gets 404 Not Found
  v1               a sound IGD of WANIPConnection:1 at /ctl/IPConn: a call
                   to another service type there gets 401 Invalid Action

Every HTTP connection is logged to --log ("connection from IP"), so a test
can tell that nothing reached a host. No NAT-PMP or PCP: those ports are closed.

usage: fake_igd.py MODE [--addr IP] [--log FILE]
"""
import argparse
import select
import socket
import sys
import threading

HTTP_PORT = 5000
OTHER = "192.168.77.11"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
# CSI clear screen, OSC window title, raw C1 CSI (0x9b), UTF-8 C1 CSI
# (U+009B), a bold that never ends, CR, BS, DEL, BEL: every way a string
# could steer a terminal.
EVIL = b"\x1b[2J\x1b]0;pwned\x07\x9b1m\xc2\x9b2m\r\x08\x7f\x07"
# What fits in miniupnpc's 16-byte NewInternalClient buffer.
EVIL_SHORT = b"\x1b]0;x\x07\x9b\xc2\x9b\x1b[2J"
MODES = ("sound", "escapes", "foreign-control", "foreign-base", "many", "endless", "endless-soap",
         "rogue", "counter", "moved", "v1")
MOVED = b"/ctl/Moved"
V1 = b"urn:schemas-upnp-org:service:WANIPConnection:1"


def description(mode, addr):
    control = b"/ctl/IPConn"
    base = b""
    name = b"fake"
    svc_suffix = b""
    service = b"urn:schemas-upnp-org:service:WANIPConnection:2"
    if mode == "moved":
        control = MOVED
    elif mode == "v1":
        service = V1
    elif mode == "foreign-control":
        control = b"http://%s:%d/ctl/IPConn" % (OTHER.encode(), HTTP_PORT)
    elif mode == "foreign-base":
        base = b"<URLBase>http://%s:%d/</URLBase>" % (OTHER.encode(), HTTP_PORT)
    elif mode == "escapes":
        name = EVIL + b"fake"
        svc_suffix = EVIL
    return (b'<?xml version="1.0"?>\n<root xmlns="urn:schemas-upnp-org:device-1-0">'
            b"<specVersion><major>1</major><minor>0</minor></specVersion>" + base +
            b"<device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:2</deviceType>"
            b"<friendlyName>" + name + b"</friendlyName><manufacturer>" + name +
            b"</manufacturer><modelName>" + name + b"</modelName>"
            b"<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:2</deviceType>"
            b"<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:2"
            b"</deviceType><serviceList><service><serviceType>" + service + svc_suffix +
            b"</serviceType><serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>"
            b"<controlURL>" + control + b"</controlURL><eventSubURL>/evt/IPConn</eventSubURL>"
            b"<SCPDURL>/WANIPCn.xml</SCPDURL></service></serviceList></device></deviceList>"
            b"</device></deviceList></device></root>\n")


def envelope(body):
    return (b'<?xml version="1.0"?>\r\n<s:Envelope xmlns:s="' + SOAP_NS.encode() +
            b'" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>' + body +
            b"</s:Body></s:Envelope>\r\n")


def soap_ok(action, fields):
    inner = b"".join(b"<%s>%s</%s>" % (k, v, k) for k, v in fields)
    return 200, envelope(b'<u:%sResponse xmlns:u="urn:schemas-upnp-org:service:WANIPConnection:2">'
                         b"%s</u:%sResponse>" % (action, inner, action))


def soap_error(code, evil):
    text = EVIL if evil else b"UPnPError"
    return 500, envelope(b"<s:Fault><faultcode>s:Client</faultcode><faultstring>" + text +
                         b"</faultstring><detail><UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\">"
                         b"<errorCode>%d</errorCode><errorDescription>" % code + text +
                         b"</errorDescription></UPnPError></detail></s:Fault>")


def arg(body, name):
    start = body.find(b"<%s>" % name)
    end = body.find(b"</%s>" % name)
    return body[start + len(name) + 2:end] if start >= 0 and end > start else b""


def holder(action):
    return soap_ok(action, [(b"NewInternalPort", b"8080"), (b"NewInternalClient", EVIL_SHORT),
                            (b"NewEnabled", b"1"), (b"NewPortMappingDescription", EVIL + b"game"),
                            (b"NewLeaseDuration", b"0")])


def listing(action, body):
    if arg(body, b"NewPortMappingIndex") != b"0":
        return soap_error(713, True)
    return soap_ok(action, [(b"NewRemoteHost", EVIL), (b"NewExternalPort", b"8080"),
                            (b"NewProtocol", b"TCP"), (b"NewInternalPort", b"8080"),
                            (b"NewInternalClient", b"192.168.77.10"), (b"NewEnabled", b"1"),
                            (b"NewPortMappingDescription", EVIL + b"game"),
                            (b"NewLeaseDuration", b"0")])


def soap(state, action, body):
    """The escapes gateway, or a plain one for the other modes."""
    evil = state["mode"] == "escapes"
    if action == b"GetExternalIPAddress":
        return soap_ok(action, [(b"NewExternalIPAddress", (EVIL if evil else b"") + b"203.0.113.2")])
    if action == b"GetStatusInfo":
        return soap_ok(action, [(b"NewConnectionStatus", b"Connected"),
                                (b"NewLastConnectionError", EVIL if evil else b"ERROR_NONE"),
                                (b"NewUptime", b"10")])
    if action in (b"AddPortMapping", b"AddAnyPortMapping"):
        with state["lock"]:
            first = arg(body, b"NewExternalPort") == b"9090" and not state["added"]
            state["added"] = state["added"] or first
        return soap_ok(action, [(b"NewReservedPort", b"9090")]) if first or not evil \
            else soap_error(718, evil)
    if action == b"GetSpecificPortMappingEntry":
        return holder(action) if evil else soap_error(714, False)
    if action == b"GetGenericPortMappingEntry":
        return listing(action, body) if evil else soap_error(713, False)
    if action == b"DeletePortMapping":
        return soap_error(714, evil)
    return soap_error(401, evil)


def reply(conn, status, body, evil):
    reason = (EVIL if evil else b"Internal Server Error") if status != 200 else b"OK"
    if status == 404:
        reason = b"Not Found"
    conn.sendall(b"HTTP/1.1 %d %s\r\nContent-Type: text/xml; charset=\"utf-8\"\r\n"
                 b"Connection: close\r\nContent-Length: %d\r\n\r\n" % (status, reason, len(body)) +
                 body)


def read_request(conn):
    conn.settimeout(3)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return None, None, None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    length = 0
    action = b""
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        if name.strip().lower() == b"soapaction":
            action = value.strip().strip(b'"')
    while len(body) < length:
        chunk = conn.recv(4096)
        if not chunk:
            break
        body += chunk
    return lines[0], action, body


def stream_forever(conn):
    """A 200 without a length, then bytes until the client goes away."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n<root>")
    junk = b"<x>" * 21845
    while True:
        conn.sendall(junk)


def serve(conn, state):
    mode = state["mode"]
    first, action, body = read_request(conn)
    if first is None:
        return
    if first.startswith(b"GET"):
        path = first.split(b" ")[1] if b" " in first else b""
        if mode == "endless":
            stream_forever(conn)
        elif path == b"/rootDesc.xml":
            reply(conn, 200, description(mode, state["addr"]), False)
        else:
            reply(conn, 404, b"", False)
        return
    if mode == "endless-soap":
        stream_forever(conn)
    service, _, action = action.partition(b"#")
    path = first.split(b" ")[1] if first.count(b" ") >= 2 else b""
    if mode == "moved" and path != MOVED:
        reply(conn, 404, b"<HTML><BODY>404 Not Found</BODY></HTML>", False)
        return
    if mode == "v1" and service != V1:
        status, answer = soap_error(401, False)
        reply(conn, status, answer, False)
        return
    status, answer = soap(state, action, body)
    reply(conn, status, answer, mode == "escapes")


def on_connection(conn, peer, state):
    log = state["log"]
    if log:
        with state["lock"]:
            log.write("connection from %s\n" % peer[0])
            log.flush()
    try:
        serve(conn, state)
    except OSError:
        pass
    finally:
        conn.close()


def ssdp_answer(location, st, server):
    return (b"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: " + st + b"\r\nUSN: uuid:fake::" +
            st + b"\r\nEXT:\r\nSERVER: " + server + b"\r\nLOCATION: " + location + b"\r\n\r\n")


def answers(state, st):
    """The SSDP answers one M-SEARCH gets, by mode."""
    mode, addr = state["mode"], state["addr"].encode()
    desc = b"http://%s:%d/rootDesc.xml" % (addr, HTTP_PORT)
    if mode == "many":
        ports = (5001, 5002, 5003, HTTP_PORT, 5004, 5005)
        paths = [b"/missing.xml" if p == HTTP_PORT else b"/rootDesc.xml" for p in ports]
        return [ssdp_answer(b"http://%s:%d%s" % (addr, p, path), st, b"fake/1.0")
                for p, path in zip(ports, paths)]
    if mode == "escapes":
        return [ssdp_answer(b"http://%s:%d/\x1b[2J.xml" % (addr, HTTP_PORT), st, EVIL),
                ssdp_answer(desc, st + EVIL, EVIL + b"fake/1.0")]
    return [ssdp_answer(desc, st, b"fake/1.0 UPnP/1.1")]


def on_ssdp(sock, state):
    data, peer = sock.recvfrom(2048)
    if not data.startswith(b"M-SEARCH"):
        return
    st = b""
    for line in data.split(b"\r\n"):
        if line.lower().startswith(b"st:"):
            st = line[3:].strip()
    if b"InternetGatewayDevice" not in st:
        return
    out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # a random source port
    out.bind((state["addr"], 0))
    for msg in answers(state, st):
        out.sendto(msg, peer)
    out.close()


def open_ssdp(addr):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("0.0.0.0", 1900))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                    socket.inet_aton("239.255.255.250") + socket.inet_aton(addr))
    return sock


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("mode", choices=MODES)
    p.add_argument("--addr", default="192.168.77.1")
    p.add_argument("--log")
    a = p.parse_args()
    state = {"mode": a.mode, "addr": a.addr, "lock": threading.Lock(), "added": False,
             "log": open(a.log, "a") if a.log else None}
    http = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    http.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    http.bind((a.addr, HTTP_PORT))
    http.listen(16)
    ssdp = open_ssdp(a.addr) if a.mode != "counter" else None
    print("ready", flush=True)
    while True:
        ready, _, _ = select.select([s for s in (ssdp, http) if s], [], [])
        if ssdp in ready:
            on_ssdp(ssdp, state)
        if http in ready:
            conn, peer = http.accept()
            # Threads, not processes: they end with this one, when the test ends it.
            threading.Thread(target=on_connection, args=(conn, peer, state), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
