# SPDX-License-Identifier: BSD-2-Clause
# Helpers for the natctl map end-to-end tests (sourced after lib.sh): a
# listener in a LAN node, probes from the internet namespace, and the
# cross-checks with upnpc and natpmpc. Not a test itself (no .sh suffix).

PROBE=$E2E_DIR/map_probe.py
PUBLIC=203.0.113.2
DESC_URL=http://192.168.77.1:5000/rootDesc.xml
TOKEN_N=0

# listen NODE PROTO PORT: starts a listener; its log is $LISTEN_LOG.
listen() {
	LISTEN_LOG=$(mktemp)
	start_bg "$1" ready python3 "$PROBE" listen "$2" "$3" "$LISTEN_LOG"
}

# _reaches DEST FROM PROTO PORT: a fresh token sent from inet to DEST:PORT
# arrives at the listener as from FROM (polled for up to 2 s).
_reaches() {
	local token i
	TOKEN_N=$((TOKEN_N + 1))
	token="t$$x$TOKEN_N"
	in_ns inet python3 "$PROBE" send "$3" "$1" "$4" "$token" || return 1
	for ((i = 0; i < 40; i++)); do
		grep -q "^$token from $2$" "$LISTEN_LOG" && return 0
		sleep 0.05
	done
	return 1
}

# _blocked DEST PROTO PORT: a fresh token does not arrive (TCP: refused, or
# no connection within the probe's 1.5 s; UDP: not there after 0.5 s).
_blocked() {
	local token
	TOKEN_N=$((TOKEN_N + 1))
	token="t$$x$TOKEN_N"
	if ! in_ns inet python3 "$PROBE" send "$2" "$1" "$3" "$token"; then
		return 0
	fi
	sleep 0.5
	! grep -q "^$token " "$LISTEN_LOG"
}

# reaches / blocked PROTO PORT: at the NAT's public address, from inet's.
reaches() { _reaches "$PUBLIC" 203.0.113.1 "$@"; }
blocked() { _blocked "$PUBLIC" "$@"; }

# upnpc_list: the IGD's table as upnpc sees it (-u skips SSDP: 2 s saved).
upnpc_list() {
	in_ns client upnpc -u "$DESC_URL" -l 2>/dev/null | grep -E '^ *[0-9]+ (TCP|UDP) '
}

# upnpc_has PROTO EXT INTERNAL_IP:PORT
upnpc_has() {
	upnpc_list | grep -qE " $1 +$2->$3 "
}

# upnpc_lacks PROTO EXT
upnpc_lacks() {
	! upnpc_list | grep -qE " $1 +$2->"
}

# upnpc_lacks_host IP: no mapping points at IP.
upnpc_lacks_host() {
	! upnpc_list | grep -q -- "->$1:"
}

# natpmpc_public: the external address natpmpc gets from the gateway.
natpmpc_public() {
	in_ns client natpmpc -g 192.168.77.1 2>/dev/null | sed -n 's/^Public IP address : //p'
}

# map_lab TOPOLOGY [lab options]: a lab with miniupnpd on the router.
map_lab() {
	local topo=$1
	shift
	lab_start "$topo" --gateway miniupnpd "$@"
}

# IPv6 pinholes (the IPv6 lab): STABLE is the client's stable global address.
# reaches6 / blocked6 PROTO PORT: at [$STABLE]:PORT, from inet's IPv6 address.
reaches6() { _reaches "$STABLE" 2001:db8:1::1 "$@"; }
blocked6() { _blocked "$STABLE" "$@"; }

# keep_renewed FILE N: until FILE holds N renewed events (up to 5 s).
keep_renewed() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(grep -c '"event":"renewed"' "$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}
