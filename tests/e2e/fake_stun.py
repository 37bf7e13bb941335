#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A deliberately quirky STUN server for natctl's end-to-end tests.

It listens on PRIMARY_IP and ALT_IP, ports 3478 and 3479, and answers
Binding requests the way a given broken or old server would:

  ignore-change  names an alternate (OTHER-ADDRESS) but answers every
                 request, change requests included, from the address it
                 was sent to
  plain          an RFC 5389 server: no OTHER-ADDRESS, no CHANGE-REQUEST
  bad-origin     honours CHANGE-REQUEST but states a wrong RESPONSE-ORIGIN
  garbage-first  before each real answer, sends junk: a truncated header,
                 a bad cookie, a wrong transaction id, an oversized datagram
  unknown-attr   adds an unknown comprehension-required attribute
  refuse         answers every request with an error response, 401
                 Unauthorized (RFC 8489 section 6.3.4)
  error-420      answers every request with error 420 Unknown Attribute
  steer-loopback, steer-private, steer-link-local, steer-multicast
                 a hostile server: its alternate (OTHER-ADDRESS, or
                 CHANGED-ADDRESS for steer-private) and the mapped address
                 it reports point where natctl must not send (127.0.0.2,
                 192.168.77.99 and 10.1.2.3, 169.254.1.1, 224.0.0.251 and
                 239.255.255.250), and its SOFTWARE carries terminal escapes

usage: fake_stun.py MODE PRIMARY_IP ALT_IP
"""
import select
import socket
import struct
import sys

COOKIE = 0x2112A442
PORTS = (3478, 3479)


def attr(kind, value):
    pad = (4 - len(value) % 4) % 4
    return struct.pack("!HH", kind, len(value)) + value + b"\0" * pad


def addr_value(ip, port, xor_tid=None):
    raw = socket.inet_aton(ip)
    if xor_tid is not None:
        port ^= COOKIE >> 16
        raw = bytes(a ^ b for a, b in zip(raw, struct.pack("!I", COOKIE)))
    return struct.pack("!BBH", 0, 1, port) + raw


def parse_change(body):
    off = 0
    while off + 4 <= len(body):
        kind, length = struct.unpack_from("!HH", body, off)
        if kind == 0x0003 and length == 4:
            return struct.unpack_from("!I", body, off + 4)[0]
        off += 4 + length + (4 - length % 4) % 4
    return 0


# mode -> (alternate attribute, alternate, mapped address): where a hostile
# server would have natctl send its tests.
STEER = {
    "steer-loopback": (0x802C, ("127.0.0.2", 9999), ("127.0.0.3", 7777)),
    "steer-private": (0x0005, ("192.168.77.99", 7777), ("10.1.2.3", 4444)),
    "steer-link-local": (0x802C, ("169.254.1.1", 3479), ("169.254.1.2", 4444)),
    "steer-multicast": (0x802C, ("224.0.0.251", 5353), ("239.255.255.250", 1900)),
}
ESCAPES = b"fake\x1b[2J\x1b]0;owned\x07\xc2\x9b31m\x9b"


def steering(tid, mode):
    kind, alt, mapped = STEER[mode]
    body = attr(0x0020, addr_value(mapped[0], mapped[1], tid))
    body += attr(kind, addr_value(*alt))
    body += attr(0x8022, ESCAPES)
    return struct.pack("!HHI", 0x0101, len(body), COOKIE) + tid + body


def error_420(tid):
    body = attr(0x0009, struct.pack("!HBB", 0, 4, 20) + b"Unknown Attribute")
    return struct.pack("!HHI", 0x0111, len(body), COOKIE) + tid + body


def response(tid, client, origin, other, mode, claimed_origin=None):
    body = attr(0x0020, addr_value(client[0], client[1], tid))
    if mode != "plain":
        body += attr(0x802C, addr_value(*other))
        o = claimed_origin or origin
        body += attr(0x802B, addr_value(*o))
    if mode == "unknown-attr":
        body += attr(0x7F01, b"\0\0\0\0")
    body += attr(0x8022, b"fake-stun " + mode.encode())
    return struct.pack("!HHI", 0x0101, len(body), COOKIE) + tid + body


def refusal(tid):
    reason = b"Unauthorized"
    body = attr(0x0009, struct.pack("!HBB", 0, 4, 1) + reason)  # ERROR-CODE 401
    return struct.pack("!HHI", 0x0111, len(body), COOKIE) + tid + body


def main():
    mode, primary, alt = sys.argv[1], sys.argv[2], sys.argv[3]
    socks = {}
    for ip in (primary, alt):
        for port in PORTS:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((ip, port))
            socks[(ip, port)] = s
    print("ready", flush=True)
    other_of = {primary: alt, alt: primary}
    while True:
        ready, _, _ = select.select(list(socks.values()), [], [])
        for s in ready:
            data, client = s.recvfrom(2048)
            if len(data) < 20 or struct.unpack_from("!I", data, 4)[0] != COOKIE:
                continue
            if struct.unpack_from("!H", data, 0)[0] != 0x0001:
                continue
            tid = data[8:20]
            if mode == "refuse":
                s.sendto(refusal(tid), client)
                continue
            if mode == "error-420":
                s.sendto(error_420(tid), client)
                continue
            if mode in STEER:
                s.sendto(steering(tid, mode), client)
                continue
            here = s.getsockname()
            change = parse_change(data[20:])
            src = here
            if mode not in ("ignore-change", "plain"):
                ip = other_of[here[0]] if change & 4 else here[0]
                port = (PORTS[1] if here[1] == PORTS[0] else PORTS[0]) if change & 2 else here[1]
                src = (ip, port)
            other = (other_of[here[0]], PORTS[1] if here[1] == PORTS[0] else PORTS[0])
            claimed = ("192.0.2.99", 3478) if (mode == "bad-origin" and change) else None
            out = socks[src]
            if mode == "garbage-first":
                out.sendto(data[:10], client)
                out.sendto(b"\0\x01\0\0" + b"\xde\xad\xbe\xef" + tid, client)
                wrong = bytes([tid[0] ^ 1]) + tid[1:]
                out.sendto(response(wrong, client, src, other, mode), client)
                out.sendto(b"\0" * 1500, client)
            out.sendto(response(tid, client, src, other, mode, claimed), client)


if __name__ == "__main__":
    main()
