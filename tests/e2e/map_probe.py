#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Forwarding probes for natctl's map tests.

  map_probe.py listen tcp|udp PORT FILE   record every message received on
                                          PORT in FILE, one line each
                                          ("TOKEN from IP"); prints "ready"
  map_probe.py listen6 tcp|udp PORT FILE  the same on IPv6 ([::], IPv6 only)
  map_probe.py send tcp|udp HOST PORT TOKEN
                                          send TOKEN from a fresh source
                                          port; exit 0 if it left (TCP: the
                                          connection was accepted), 1 if not
"""
import socket
import sys


def listen(proto, port, path, family=socket.AF_INET):
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(family, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind(("::", port))
    else:
        s.bind(("0.0.0.0", port))
    if proto == "tcp":
        s.listen(16)
    print("ready", flush=True)
    while True:
        if proto == "tcp":
            c, addr = s.accept()
            c.settimeout(2)
            try:
                data = c.recv(256)
            except OSError:
                data = b""
            c.close()
        else:
            data, addr = s.recvfrom(256)
        with open(path, "a") as f:
            f.write("%s from %s\n" % (data.decode(errors="replace").strip(), addr[0]))


def send(proto, host, port, token):
    if proto == "udp":
        s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM)
        for _ in range(3):  # a lost datagram should not fail a test
            s.sendto(token.encode(), (host, port))
        return 0
    try:
        c = socket.create_connection((host, port), timeout=1.5)
        c.sendall(token.encode())
        c.close()
        return 0
    except OSError:
        return 1


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "listen":
        listen(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) == 5 and sys.argv[1] == "listen6":
        listen(sys.argv[2], int(sys.argv[3]), sys.argv[4], socket.AF_INET6)
    elif len(sys.argv) == 6 and sys.argv[1] == "send":
        sys.exit(send(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
