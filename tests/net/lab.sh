#!/usr/bin/env bash
# natctl end-to-end test network built from Linux network namespaces.
#
# CLI:
#   lab.sh up LAB_ID TOPOLOGY [--stun coturn|stund|both|none]
#          [--gateway none|miniupnpd] [--upnp yes|no] [--natpmp yes|no]
#          [--igdv1] [--secure-mode yes|no] [--ext-stun yes|no]
#          [--uptime yes|no] [--ipv6 no|yes] [--filter6 apdf|eif]
#          [--pcp-min-lifetime SEC]
#   lab.sh exec LAB_ID NODE CMD...      NODE: client client2 router cgnat inet
#   lab.sh reboot LAB_ID                the gateway (miniupnpd) stops, loses every
#                                       mapping and starts again
#   lab.sh down LAB_ID
#   lab.sh check                        exit 0 if usable, 77 (skip) if not
#   lab.sh dir LAB_ID                   print the lab directory
#   lab.sh ns LAB_ID NODE               print the namespace name of NODE
#
# Topologies: port-restricted symmetric full-cone restricted no-nat
#             udp-blocked hairpin cgnat
#
# Sourcing this file defines the lab_* functions (lab_up, lab_exec, lab_down,
# lab_check, lab_dir, lab_ns) without running anything; they return non-zero
# instead of exiting.  See tests/net/README.md for the addresses.
#
# Nothing is attached to the root namespace: every veth pair is created inside
# a lab namespace with its peer placed directly into another lab namespace.

LAB_TOPOLOGIES="port-restricted symmetric full-cone restricted no-nat udp-blocked hairpin cgnat"
LAB_LAN_NET=192.168.77.0/24
LAB_ROUTER_LAN=192.168.77.1
LAB_CLIENT_IP=192.168.77.10
LAB_CLIENT2_IP=192.168.77.11
LAB_INET_WAN=203.0.113.1
LAB_PUBLIC_IP=203.0.113.2
LAB_NONAT_CLIENT_IP=203.0.113.10
LAB_CGNAT_INSIDE=100.64.0.1
LAB_ROUTER_CGNAT_WAN=100.64.0.2
LAB_STUN_IP=198.51.100.10
LAB_STUN_ALT_IP=198.51.100.11
LAB_STUND_IP=198.51.100.20
LAB_STUND_ALT_IP=198.51.100.21
LAB_STUN_PORT=3478
LAB_STUN_ALT_PORT=3479
LAB_UPNP_HTTP_PORT=5000
# IPv6 (--ipv6 yes): routed, no NAT; the router's firewall drops new inbound
LAB_INET_WAN6=2001:db8:1::1
LAB_ROUTER_WAN6=2001:db8:1::2
LAB_LAN6_NET=2001:db8:77::/64
LAB_ROUTER_LAN6=2001:db8:77::1
LAB_CLIENT_IP6=2001:db8:77::10
LAB_CLIENT_DEPRECATED6=2001:db8:77::30
LAB_CLIENT2_IP6=2001:db8:77::11
LAB_ROUTER_ULA=fd00:77::1
LAB_CLIENT_ULA=fd00:77::10
LAB_STUN_IP6=2001:db8:2::10
LAB_STUN_ALT_IP6=2001:db8:2::11
LAB_READY_TIMEOUT=${LAB_READY_TIMEOUT:-10}

lab_dir() { printf '%s/natctl-lab-%s\n' "${TMPDIR:-/tmp}" "$1"; }
# NATCTL_LAB_TAG keeps labs of two checkouts apart when they run the same test
lab_ns() { printf 'nct-%s%s-%s\n' "${NATCTL_LAB_TAG:-}" "$1" "$2"; }

_lab_log() { [ -n "${LAB_VERBOSE:-}" ] && printf 'lab: %s\n' "$*" >&2; return 0; }
_lab_err() { printf 'lab.sh: %s\n' "$*" >&2; }

_lab_valid_id() {
    [[ "$1" =~ ^[A-Za-z0-9]{1,16}$ ]]
}

# ---------------------------------------------------------------- check

lab_check() {
    local ns="nct-chk$$" rc=0 reason=""
    if [ "$(id -u)" != 0 ]; then
        echo "lab: not root (need root to create network namespaces)"
        return 77
    fi
    local t
    for t in ip nft ss; do
        command -v "$t" >/dev/null 2>&1 || { echo "lab: '$t' not found"; return 77; }
    done
    if ! ip netns add "$ns" 2>/dev/null; then
        echo "lab: cannot create a network namespace"
        return 77
    fi
    if ! ip -n "$ns" link add chk0 type veth peer name chk1 2>/dev/null; then
        reason="cannot create a veth pair"; rc=77
    elif ! ip -n "$ns" link add chkbr type bridge 2>/dev/null; then
        reason="cannot create a bridge"; rc=77
    elif ! ip netns exec "$ns" nft add table inet natctl_chk 2>/dev/null; then
        reason="cannot create an nftables table"; rc=77
    elif ! ip netns exec "$ns" nft 'add chain inet natctl_chk p { type nat hook postrouting priority srcnat; }' 2>/dev/null; then
        reason="cannot create an nftables nat chain"; rc=77
    fi
    ip netns del "$ns" 2>/dev/null
    [ "$rc" = 0 ] || echo "lab: $reason"
    return "$rc"
}

# ---------------------------------------------------------------- exec

lab_exec() {
    local id=$1 node=$2
    shift 2 || { _lab_err "usage: exec LAB_ID NODE CMD..."; return 2; }
    _lab_valid_id "$id" || { _lab_err "bad LAB_ID '$id'"; return 2; }
    local dir; dir=$(lab_dir "$id")
    if [ ! -f "$dir/nodes" ]; then _lab_err "lab '$id' is not up"; return 2; fi
    if ! grep -qx -- "$node" "$dir/nodes"; then
        _lab_err "lab '$id' has no node '$node' (has: $(paste -sd' ' "$dir/nodes"))"; return 2
    fi
    [ $# -gt 0 ] || { _lab_err "exec: no command"; return 2; }
    ip netns exec "$(lab_ns "$id" "$node")" "$@"
}

# ---------------------------------------------------------------- down

_lab_is_zombie() {
    local st
    st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
    [ "$st" = Z ]
}

# _lab_kill_pid PID [ZSTEPS]: TERM, wait up to 2 s in 50 ms steps, then KILL.
# Then wait up to ZSTEPS*50 ms (default 20) for the zombie to be reaped by
# its parent (our spawn wrapper does that at once).
_lab_kill_pid() {
    local pid=$1 zsteps=${2:-20} i
    [[ "$pid" =~ ^[0-9]+$ ]] || return 0
    [ -d "/proc/$pid" ] || return 0
    _lab_is_zombie "$pid" || kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 40; i++)); do
        [ -d "/proc/$pid" ] || return 0
        _lab_is_zombie "$pid" && break
        sleep 0.05
    done
    _lab_is_zombie "$pid" || kill -KILL "$pid" 2>/dev/null
    for ((i = 0; i < zsteps; i++)); do
        [ -d "/proc/$pid" ] || return 0
        sleep 0.05
    done
    return 0
}

lab_down() {
    local id=$1
    _lab_valid_id "$id" || { _lab_err "bad LAB_ID '$id'"; return 2; }
    local dir; dir=$(lab_dir "$id")
    local f pid exe want node ns
    # 1. processes we started (pid file written by us + expected executable)
    if [ -d "$dir" ]; then
        for f in "$dir"/*.lpid "$dir"/*.wpid; do
            [ -f "$f" ] || continue
            read -r pid want <"$f" || true
            if [[ "$pid" =~ ^[0-9]+$ ]] && [ -d "/proc/$pid" ]; then
                exe=$(readlink "/proc/$pid/exe" 2>/dev/null)
                if [ -z "$want" ] || [ "${exe##*/}" = "$want" ]; then
                    if [ "${f##*.}" = wpid ]; then _lab_kill_pid "$pid" 0; else _lab_kill_pid "$pid"; fi
                fi
            fi
            rm -f "$f"
        done
    fi
    # 2. namespaces: anything still running inside them was started inside
    #    this lab (e.g. listeners started via 'lab.sh exec'): end it by PID.
    for node in client client2 router cgnat inet; do
        ns=$(lab_ns "$id" "$node")
        [ -e "/run/netns/$ns" ] || continue
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            _lab_log "down: ending leftover pid $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)) in $ns"
            _lab_kill_pid "$pid" 0
        done
        ip netns del "$ns" 2>/dev/null || true
    done
    if [ -d "$dir" ]; then
        rm -rf -- "$dir"
    fi
    return 0
}

# ---------------------------------------------------------------- up helpers

# _lab_do REASON CMD...: run CMD, on failure print REASON + its last error line
_lab_do() {
    local reason=$1; shift
    if ! "$@" >>"$LAB_UPLOG" 2>&1; then
        local last; last=$(tail -n 1 "$LAB_UPLOG" 2>/dev/null)
        _lab_err "up: $reason${last:+ ($last)}"
        return 1
    fi
}

# _lab_spawn NAME NODE EXE CMD...: start CMD in NODE's namespace in the
# background, output to NAME.log.  A small bash wrapper (pid in NAME.wpid)
# starts CMD, writes "PID EXE" to NAME.lpid and waits for it, so that CMD is
# reaped as soon as it ends (after 'up' exits, init would reap it only lazily
# and 'pgrep' would still list a zombie right after 'down').
_lab_spawn() {
    local name=$1 node=$2 exe=$3; shift 3
    local pf="$LAB_DIR/$name.lpid" i
    # shellcheck disable=SC2016
    ip netns exec "$(lab_ns "$LAB_ID" "$node")" bash -c \
        'pf=$1 exe=$2; shift 2; "$@" & echo "$! $exe" >"$pf.tmp" && mv "$pf.tmp" "$pf"; wait "$!"' \
        natctl-lab-wrap "$pf" "$exe" "$@" >"$LAB_DIR/$name.log" 2>&1 </dev/null &
    echo "$! bash" >"$LAB_DIR/$name.wpid"
    for ((i = 0; i < 100; i++)); do
        [ -f "$pf" ] && return 0
        sleep 0.01
    done
    _lab_err "up: could not start $name"
    return 1
}

# _lab_wait NAME DESC CHECKCMD...: poll CHECKCMD every 50 ms until it succeeds,
# failing early if NAME's process died, or after LAB_READY_TIMEOUT seconds.
_lab_wait() {
    local name=$1 desc=$2; shift 2
    local pid _ n=$((LAB_READY_TIMEOUT * 20)) i
    read -r pid _ <"$LAB_DIR/$name.lpid"
    for ((i = 0; i < n; i++)); do
        if "$@"; then return 0; fi
        if [ ! -d "/proc/$pid" ] || _lab_is_zombie "$pid"; then
            _lab_err "up: $name exited before $desc ($(grep -v '^[[:space:]]*$' "$LAB_DIR/$name.log" | tail -n 1))"
            return 1
        fi
        sleep 0.05
    done
    _lab_err "up: timeout after ${LAB_READY_TIMEOUT}s waiting for $desc"
    return 1
}

# _lab_listening NODE PROTO(t|u) ADDR:PORT...: all given sockets are bound
_lab_listening() {
    local node=$1 proto=$2; shift 2
    local out a
    out=$(ip netns exec "$(lab_ns "$LAB_ID" "$node")" ss -Hln"$proto" 2>/dev/null) || return 1
    for a in "$@"; do
        grep -qE "[[:space:]]${a}[[:space:]]" <<<"$out " || return 1
    done
}

# _lab_veth NS_A IF_A NS_B IF_B: veth pair created inside NS_A, peer moved
# straight into NS_B (never visible in the root namespace)
_lab_veth() {
    ip -n "$1" link add "$2" type veth peer name "$4" netns "$3"
}

_lab_nft_router() {
    # $1 = topology; writes the router's nft ruleset to stdout
    local topo=$1 lan=$LAB_LAN_NET pub=$LAB_PUBLIC_IP
    echo "table inet natctl_lab {"
    case $topo in
    full-cone)
        cat <<EOF
	# public UDP port -> LAN host . LAN port, learnt from outgoing packets
	map fcone {
		type inet_service : ipv4_addr . inet_service
		flags dynamic,timeout
		timeout 5m
	}
EOF
        ;;
    restricted)
        cat <<EOF
	# (remote IP, public UDP port) -> LAN host . LAN port, learnt from outgoing packets
	map rcone {
		type ipv4_addr . inet_service : ipv4_addr . inet_service
		flags dynamic,timeout
		timeout 5m
	}
EOF
        ;;
    hairpin)
        cat <<EOF
	# (protocol, public port) -> LAN host . LAN port, learnt from outgoing packets
	map hpin {
		type inet_proto . inet_service : ipv4_addr . inet_service
		flags dynamic,timeout
		timeout 5m
	}
EOF
        ;;
    esac
    # --- source NAT
    echo "	chain postrouting {"
    echo "		type nat hook postrouting priority srcnat; policy accept;"
    case $topo in
    symmetric)
        echo "		oifname \"wan0\" ip saddr $lan masquerade fully-random" ;;
    hairpin)
        echo "		oifname \"wan0\" ip saddr $lan masquerade"
        echo "		oifname \"br-lan\" ip saddr $lan ct status dnat snat ip to $pub" ;;
    *)
        echo "		oifname \"wan0\" ip saddr $lan masquerade" ;;
    esac
    echo "	}"
    # --- destination NAT (cone behaviours, hairpin); priority after
    #     miniupnpd's own prerouting chain so explicit mappings win
    case $topo in
    full-cone | restricted | hairpin)
        echo "	chain prerouting {"
        echo "		type nat hook prerouting priority dstnat + 10; policy accept;"
        case $topo in
        full-cone)
            echo "		iifname \"wan0\" ip daddr $pub dnat ip to udp dport map @fcone" ;;
        restricted)
            echo "		iifname \"wan0\" ip daddr $pub dnat ip to ip saddr . udp dport map @rcone" ;;
        hairpin)
            echo "		iifname \"br-lan\" ip saddr $lan ip daddr $pub meta l4proto { tcp, udp } dnat ip to meta l4proto . th dport map @hpin" ;;
        esac
        echo "	}"
        # learn mappings after source NAT has rewritten the packet
        echo "	chain learn {"
        echo "		type filter hook postrouting priority srcnat + 100; policy accept;"
        case $topo in
        full-cone)
            echo "		oifname \"wan0\" ct original ip saddr $lan meta l4proto udp update @fcone { udp sport : ct original ip saddr . ct original proto-src }" ;;
        restricted)
            echo "		oifname \"wan0\" ct original ip saddr $lan meta l4proto udp update @rcone { ip daddr . udp sport : ct original ip saddr . ct original proto-src }" ;;
        hairpin)
            echo "		oifname \"wan0\" ct original ip saddr $lan meta l4proto { tcp, udp } update @hpin { meta l4proto . th sport : ct original ip saddr . ct original proto-src }" ;;
        esac
        echo "	}"
        ;;
    esac
    if [ "$topo" = udp-blocked ]; then
        echo "	chain forward {"
        echo "		type filter hook forward priority filter; policy accept;"
        echo "		iifname \"br-lan\" meta l4proto udp drop"
        echo "	}"
    fi
    if [ "$LAB_OPT_IPV6" = yes ] && [ "$LAB_OPT_GATEWAY" != miniupnpd ]; then
        _lab_fw6_set
        echo "	chain forward6 {"
        echo "		type filter hook forward priority filter - 10; policy accept;"
        _lab_fw6_rules
        echo "	}"
    fi
    echo "}"
}

# The IPv6 firewall: with eif (endpoint-independent filtering) a set of the
# (LAN address . UDP port) pairs that sent out, learnt on the way out.
_lab_fw6_set() {
    [ "$LAB_OPT_FILTER6" = eif ] || return 0
    cat <<EOF
	set eif6 {
		type ipv6_addr . inet_service
		flags dynamic,timeout
		timeout 5m
	}
EOF
}

# Rules of the IPv6 firewall, in the chain that also holds the pinholes (an
# accept in another base chain would not overrule this chain's drop): replies
# pass, eif lets anyone reach a UDP port that sent out, new inbound is dropped.
_lab_fw6_rules() {
    if [ "$LAB_OPT_FILTER6" = eif ]; then
        echo "		iifname \"br-lan\" meta nfproto ipv6 meta l4proto udp update @eif6 { ip6 saddr . udp sport }"
        echo "		iifname \"wan0\" meta nfproto ipv6 meta l4proto udp ip6 daddr . udp dport @eif6 accept"
    fi
    echo "		iifname \"wan0\" meta nfproto ipv6 ct state new drop"
}

_lab_nft_cgnat() {
    cat <<EOF
table inet natctl_lab {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan0" ip saddr 100.64.0.0/10 masquerade
	}
}
EOF
}

# Table + chains named in miniupnpd.conf (Debian's nft_init.sh needs
# iptables; miniupnpd 2.3.1 only adds rules to existing inet chains).
_lab_nft_upnp() {
    echo "table inet natctl_upnp {"
    [ "$LAB_OPT_IPV6" = yes ] && _lab_fw6_set
    echo "	chain forward {"
    echo "		type filter hook forward priority filter - 10; policy accept;"
    echo "		iifname \"wan0\" ct state new jump miniupnpd"
    [ "$LAB_OPT_IPV6" = yes ] && _lab_fw6_rules
    echo "	}"
    cat <<EOF
	chain miniupnpd {
	}
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		jump prerouting_miniupnpd
	}
	chain postrouting {
		type nat hook postrouting priority srcnat - 10; policy accept;
		jump postrouting_miniupnpd
	}
	chain prerouting_miniupnpd {
	}
	chain postrouting_miniupnpd {
	}
}
EOF
}

_lab_miniupnpd_conf() {
    local uuid; uuid=$(cat /proc/sys/kernel/random/uuid)
    cat <<EOF
# generated by tests/net/lab.sh for lab $LAB_ID
ext_ifname=wan0
listening_ip=br-lan
http_port=$LAB_UPNP_HTTP_PORT
enable_upnp=$LAB_OPT_UPNP
enable_natpmp=$LAB_OPT_NATPMP
ext_perform_stun=$LAB_OPT_EXTSTUN
ext_stun_host=$LAB_STUN_IP
ext_stun_port=$LAB_STUN_PORT
upnp_table_name=natctl_upnp
upnp_nat_table_name=natctl_upnp
upnp_forward_chain=miniupnpd
upnp_nat_chain=prerouting_miniupnpd
upnp_nat_postrouting_chain=postrouting_miniupnpd
secure_mode=$LAB_OPT_SECURE
force_igd_desc_v1=$LAB_OPT_IGDV1
system_uptime=$LAB_OPT_UPTIME
notify_interval=60
clean_ruleset_interval=600
min_lifetime=$LAB_OPT_MINLIFE
max_lifetime=86400
uuid=$uuid
serial=natctl$LAB_ID
model_number=1
friendly_name=natctl lab $LAB_ID
lease_file=$LAB_DIR/upnp.leases
minissdpdsocket=$LAB_DIR/minissdpd.sock
EOF
    if [ "$LAB_OPT_IPV6" = yes ]; then
        echo "ext_ifname6=wan0"
    fi
    cat <<EOF
allow 1024-65535 $LAB_LAN_NET 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
EOF
}

# ---------------------------------------------------------------- up

_lab_up_build() {
    local topo=$LAB_TOPO id=$LAB_ID
    local R I G
    R=$(lab_ns "$id" router); I=$(lab_ns "$id" inet); G=$(lab_ns "$id" cgnat)
    local nodes="client client2 router inet"
    [ "$topo" = cgnat ] && nodes="$nodes cgnat"
    local n
    for n in $nodes; do
        _lab_do "cannot create namespace $(lab_ns "$id" "$n")" ip netns add "$(lab_ns "$id" "$n")" || return 1
        echo "$n" >>"$LAB_DIR/nodes"
        # IPv6: no duplicate address detection on any interface made or
        # moved here later (they take 'default'), so the link-local
        # addresses the kernel adds are usable at once, not tentative ~2 s
        if [ "$LAB_OPT_IPV6" = yes ]; then
            _lab_do "IPv6 DAD sysctl failed in $n" ip netns exec "$(lab_ns "$id" "$n")" sysctl -qw \
                net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 || return 1
        fi
    done
    # one batch per namespace keeps 'up' fast
    local b="$LAB_DIR/batch"
    # inet: server addresses on lo (this kernel has no dummy driver), WAN bridge
    cat >"$b.inet" <<EOF
link set lo up
addr add $LAB_STUN_IP/32 dev lo
addr add $LAB_STUN_ALT_IP/32 dev lo
addr add $LAB_STUND_IP/32 dev lo
addr add $LAB_STUND_ALT_IP/32 dev lo
link add br-wan type bridge
link set br-wan up
addr add $LAB_INET_WAN/24 dev br-wan
EOF
    _lab_do "inet setup failed" ip -n "$I" -batch "$b.inet" || return 1

    # the node holding the public address 203.0.113.2
    local edge=$R
    if [ "$topo" = cgnat ]; then edge=$G; fi
    _lab_do "veth inet<->edge failed" _lab_veth "$I" to-edge "$edge" wan0 || return 1
    _lab_do "bridge port failed" ip -n "$I" link set to-edge master br-wan up || return 1
    _lab_do "edge wan setup failed" ip -n "$edge" -batch - <<EOF || return 1
link set lo up
link set wan0 up
addr add $LAB_PUBLIC_IP/24 dev wan0
route add default via $LAB_INET_WAN
EOF

    # router: LAN bridge
    _lab_do "router setup failed" ip -n "$R" -batch - <<EOF || return 1
link set lo up
link add br-lan type bridge mcast_snooping 0
link set br-lan up
addr add $LAB_ROUTER_LAN/24 dev br-lan
EOF
    if [ "$topo" = cgnat ]; then
        _lab_do "veth router<->cgnat failed" _lab_veth "$G" in0 "$R" wan0 || return 1
        _lab_do "cgnat setup failed" ip -n "$G" -batch - <<EOF || return 1
link set in0 up
addr add $LAB_CGNAT_INSIDE/10 dev in0
EOF
        _lab_do "router wan setup failed" ip -n "$R" -batch - <<EOF || return 1
link set wan0 up
addr add $LAB_ROUTER_CGNAT_WAN/10 dev wan0
route add default via $LAB_CGNAT_INSIDE
EOF
    fi

    # clients
    local node ns ip gw port
    for node in client client2; do
        ns=$(lab_ns "$id" "$node")
        if [ "$node" = client ] && [ "$topo" = no-nat ]; then
            _lab_do "veth client<->inet failed" _lab_veth "$I" to-client "$ns" eth0 || return 1
            _lab_do "bridge port failed" ip -n "$I" link set to-client master br-wan up || return 1
            ip=$LAB_NONAT_CLIENT_IP/24; gw=$LAB_INET_WAN
        else
            port="lan-c1"; [ "$node" = client2 ] && port="lan-c2"
            _lab_do "veth $node<->router failed" _lab_veth "$R" "$port" "$ns" eth0 || return 1
            _lab_do "bridge port failed" ip -n "$R" link set "$port" master br-lan up || return 1
            ip=$LAB_CLIENT_IP/24; [ "$node" = client2 ] && ip=$LAB_CLIENT2_IP/24
            gw=$LAB_ROUTER_LAN
        fi
        _lab_do "$node setup failed" ip -n "$ns" -batch - <<EOF || return 1
link set lo up
link set eth0 up
addr add $ip dev eth0
route add default via $gw
EOF
    done

    # forwarding + NAT (sysctls are per namespace).  br_netfilter is built
    # into this kind of kernel and on by default in every namespace: it would
    # run the IP hooks on bridged frames and bridge (not route) a hairpin
    # DNAT back out of its ingress port, so turn it off in the lab bridges.
    local brnf=()
    if [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]; then
        brnf=(net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0
            net.bridge.bridge-nf-call-arptables=0)
    fi
    if [ ${#brnf[@]} -gt 0 ]; then
        _lab_do "inet sysctl failed" ip netns exec "$I" sysctl -qw "${brnf[@]}" || return 1
    fi
    _lab_do "router sysctl failed" ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1 "${brnf[@]}" || return 1
    _lab_nft_router "$topo" >"$LAB_DIR/router.nft"
    _lab_do "router nft rules failed" ip netns exec "$R" nft -f "$LAB_DIR/router.nft" || return 1
    if [ "$topo" = cgnat ]; then
        _lab_do "cgnat ip_forward failed" ip netns exec "$G" sysctl -qw net.ipv4.ip_forward=1 || return 1
        _lab_nft_cgnat >"$LAB_DIR/cgnat.nft"
        _lab_do "cgnat nft rules failed" ip netns exec "$G" nft -f "$LAB_DIR/cgnat.nft" || return 1
    fi
    if [ "$LAB_OPT_IPV6" = yes ]; then _lab_up_ipv6 || return 1; fi
    echo "$topo" >"$LAB_DIR/topology"
}

# The IPv6 path: inet routes the LAN prefix to the router (no NAT).  The
# client holds a stable global address that also serves as the template of
# a temporary (privacy) one, a ULA and a deprecated global address, so a
# test can tell which one a program chose.  No DAD: addresses are usable at once.
_lab_up_ipv6() {
    local R I C C2
    R=$(lab_ns "$LAB_ID" router); I=$(lab_ns "$LAB_ID" inet)
    C=$(lab_ns "$LAB_ID" client); C2=$(lab_ns "$LAB_ID" client2)
    _lab_do "inet IPv6 setup failed" ip -n "$I" -batch - <<EOF || return 1
addr add $LAB_INET_WAN6/64 dev br-wan nodad
addr add $LAB_STUN_IP6/128 dev lo
addr add $LAB_STUN_ALT_IP6/128 dev lo
route add $LAB_LAN6_NET via $LAB_ROUTER_WAN6
EOF
    _lab_do "router IPv6 sysctl failed" ip netns exec "$R" sysctl -qw net.ipv6.conf.all.forwarding=1 || return 1
    _lab_do "router IPv6 setup failed" ip -n "$R" -batch - <<EOF || return 1
addr add $LAB_ROUTER_WAN6/64 dev wan0 nodad
addr add $LAB_ROUTER_LAN6/64 dev br-lan nodad
addr add $LAB_ROUTER_ULA/64 dev br-lan nodad
route add default via $LAB_INET_WAN6
EOF
    _lab_do "client IPv6 sysctl failed" ip netns exec "$C" sysctl -qw \
        net.ipv6.conf.eth0.accept_dad=0 net.ipv6.conf.eth0.use_tempaddr=2 || return 1
    _lab_do "client IPv6 setup failed" ip -n "$C" -batch - <<EOF || return 1
addr add $LAB_CLIENT_IP6/64 dev eth0 nodad mngtmpaddr valid_lft 86400 preferred_lft 14400
addr add $LAB_CLIENT_ULA/64 dev eth0 nodad
addr add $LAB_CLIENT_DEPRECATED6/64 dev eth0 nodad valid_lft 86400 preferred_lft 0
route add default via $LAB_ROUTER_LAN6
EOF
    _lab_do "client2 IPv6 setup failed" ip -n "$C2" -batch - <<EOF || return 1
addr add $LAB_CLIENT2_IP6/64 dev eth0 nodad
route add default via $LAB_ROUTER_LAN6
EOF
    # the kernel makes the temporary address from the mngtmpaddr template
    local i
    for ((i = 0; i < 40; i++)); do
        ip -n "$C" -6 addr show dev eth0 temporary | grep -q inet6 && return 0
        sleep 0.05
    done
    _lab_err "up: the client got no temporary IPv6 address"
    return 1
}

_lab_up_servers() {
    local d=$LAB_DIR
    local coturn=no stund=no sip=$LAB_STUN_IP salt=$LAB_STUN_ALT_IP
    case $LAB_OPT_STUN in
    coturn) coturn=yes ;;
    stund) stund=yes ;;
    both) coturn=yes; stund=yes; sip=$LAB_STUND_IP; salt=$LAB_STUND_ALT_IP ;;
    esac
    local p=$LAB_STUN_PORT o=$LAB_STUN_ALT_PORT
    if [ "$coturn" = yes ]; then
        local v6ips=()
        [ "$LAB_OPT_IPV6" = yes ] && v6ips=(--listening-ip="$LAB_STUN_IP6" --listening-ip="$LAB_STUN_ALT_IP6")
        _lab_spawn turnserver inet turnserver turnserver -n --stun-only \
            --listening-ip="$LAB_STUN_IP" --listening-ip="$LAB_STUN_ALT_IP" "${v6ips[@]}" \
            --listening-port="$p" --alt-listening-port="$o" \
            --no-tls --no-dtls --no-cli --no-auth --relay-threads=1 \
            --log-file=stdout --simple-log --log-binding \
            --pidfile="$d/turnserver.pid" --userdb="$d/turndb" || return 1
    fi
    if [ "$stund" = yes ]; then
        _lab_spawn stund inet stund stund -h "$sip" -a "$salt" -p "$p" -o "$o" || return 1
    fi
    if [ "$coturn" = yes ]; then
        _lab_wait turnserver "coturn UDP sockets" _lab_listening inet u \
            "$LAB_STUN_IP:$p" "$LAB_STUN_IP:$o" "$LAB_STUN_ALT_IP:$p" "$LAB_STUN_ALT_IP:$o" || return 1
        _lab_wait turnserver "coturn TCP sockets" _lab_listening inet t \
            "$LAB_STUN_IP:$p" "$LAB_STUN_ALT_IP:$p" || return 1
        if [ "$LAB_OPT_IPV6" = yes ]; then
            _lab_wait turnserver "coturn IPv6 UDP sockets" _lab_listening inet u \
                "\\[$LAB_STUN_IP6\\]:$p" "\\[$LAB_STUN_IP6\\]:$o" \
                "\\[$LAB_STUN_ALT_IP6\\]:$p" "\\[$LAB_STUN_ALT_IP6\\]:$o" || return 1
        fi
    fi
    if [ "$stund" = yes ]; then
        _lab_wait stund "stund sockets" _lab_listening inet u \
            "$sip:$p" "$sip:$o" "$salt:$p" "$salt:$o" || return 1
    fi
    if [ "$LAB_OPT_GATEWAY" = miniupnpd ]; then
        local R; R=$(lab_ns "$LAB_ID" router)
        _lab_nft_upnp >"$d/upnp.nft"
        _lab_do "miniupnpd nft table failed" ip netns exec "$R" nft -f "$d/upnp.nft" || return 1
        _lab_miniupnpd_conf >"$d/miniupnpd.conf"
        : >"$d/upnp.leases"
        # miniupnpd exits when its own STUN request (to coturn, just
        # started) goes unanswered, as it can on a loaded machine: again.
        local try
        for try in 1 2 3; do
            _lab_miniupnpd_start && break
            [ "$try" -lt 3 ] && grep -q 'Performing STUN failed' "$d/miniupnpd.log" || return 1
            _lab_err "up: miniupnpd's STUN went unanswered; starting it again"
            rm -f "$d/miniupnpd.lpid" "$d/miniupnpd.wpid"
        done
    fi
    return 0
}

# Starts miniupnpd on its config and waits for the sockets it was asked for.
_lab_miniupnpd_start() {
    local d=$LAB_DIR
    _lab_spawn miniupnpd router miniupnpd miniupnpd -d -f "$d/miniupnpd.conf" -P "$d/miniupnpd.pid" || return 1
    if [ "$LAB_OPT_UPNP" = yes ]; then
        _lab_wait miniupnpd "miniupnpd HTTP socket" _lab_listening router t \
            "[^ ]*:$LAB_UPNP_HTTP_PORT" || return 1
        _lab_wait miniupnpd "miniupnpd SSDP socket" _lab_listening router u "[^ ]*:1900" || return 1
    fi
    if [ "$LAB_OPT_NATPMP" = yes ]; then
        _lab_wait miniupnpd "miniupnpd NAT-PMP socket" _lab_listening router u \
            "$LAB_ROUTER_LAN:5351" || return 1
        if [ "$LAB_OPT_IPV6" = yes ]; then
            _lab_wait miniupnpd "miniupnpd PCP IPv6 socket" _lab_listening router u "\\[::\\]:5351" || return 1
        fi
    fi
}

# lab_reboot LAB_ID: miniupnpd stops, the router forgets every mapping (its
# rules and the lease file, as a power cycle would), and miniupnpd starts
# again on the same config: with --uptime no its epoch starts from 0.
lab_reboot() {
    local id=$1 dir pid want chain
    _lab_valid_id "$id" || { _lab_err "bad LAB_ID '$id'"; return 2; }
    dir=$(lab_dir "$id")
    grep -q 'gateway=miniupnpd' "$dir/options" 2>/dev/null || { _lab_err "reboot: lab '$id' has no miniupnpd"; return 1; }
    read -r pid want <"$dir/miniupnpd.lpid" || return 1
    _lab_kill_pid "$pid"
    rm -f "$dir/miniupnpd.lpid" "$dir/miniupnpd.wpid"
    for chain in miniupnpd prerouting_miniupnpd postrouting_miniupnpd; do
        ip netns exec "$(lab_ns "$id" router)" nft flush chain inet natctl_upnp "$chain" || return 1
    done
    : >"$dir/upnp.leases"
    local opts upnp natpmp
    opts=" $(cat "$dir/options")"
    [[ $opts =~ \ upnp=([a-z]+) ]] && upnp=${BASH_REMATCH[1]}
    [[ $opts =~ \ natpmp=([a-z]+) ]] && natpmp=${BASH_REMATCH[1]}
    local ipv6=no
    [[ $opts =~ \ ipv6=([a-z]+) ]] && ipv6=${BASH_REMATCH[1]}
    (
        LAB_ID=$id LAB_DIR=$dir LAB_UPLOG=$dir/up.log LAB_OPT_UPNP=$upnp LAB_OPT_NATPMP=$natpmp
        LAB_OPT_IPV6=$ipv6
        _lab_miniupnpd_start
    )
}

lab_up() {
    local id=${1:-} topo=${2:-}
    if [ -z "$id" ] || [ -z "$topo" ]; then
        _lab_err "usage: up LAB_ID TOPOLOGY [options]"; return 2
    fi
    shift 2
    _lab_valid_id "$id" || { _lab_err "bad LAB_ID '$id' (1-16 alphanumerics)"; return 2; }
    case " $LAB_TOPOLOGIES " in
    *" $topo "*) ;;
    *) _lab_err "unknown topology '$topo' (one of: $LAB_TOPOLOGIES)"; return 2 ;;
    esac
    local stun=coturn gw=none upnp=yes natpmp=yes igdv1=no secure=no extstun=yes uptime=yes
    local ipv6=no filter6=apdf minlife=120
    while [ $# -gt 0 ]; do
        case $1 in
        --stun) stun=${2:-}; shift 2 || true ;;
        --gateway) gw=${2:-}; shift 2 || true ;;
        --upnp) upnp=${2:-}; shift 2 || true ;;
        --natpmp) natpmp=${2:-}; shift 2 || true ;;
        --igdv1) igdv1=yes; shift ;;
        --secure-mode) secure=${2:-}; shift 2 || true ;;
        --ext-stun) extstun=${2:-}; shift 2 || true ;;
        --uptime) uptime=${2:-}; shift 2 || true ;;
        --ipv6) ipv6=${2:-}; shift 2 || true ;;
        --filter6) filter6=${2:-}; shift 2 || true ;;
        --pcp-min-lifetime) minlife=${2:-}; shift 2 || true ;;
        *) _lab_err "unknown option '$1'"; return 2 ;;
        esac
    done
    case $stun in coturn | stund | both | none) ;; *) _lab_err "bad --stun '$stun'"; return 2 ;; esac
    case $gw in none | miniupnpd) ;; *) _lab_err "bad --gateway '$gw'"; return 2 ;; esac
    local v
    for v in "$upnp" "$natpmp" "$secure" "$extstun" "$uptime" "$ipv6"; do
        case $v in yes | no) ;; *) _lab_err "expected yes|no, got '$v'"; return 2 ;; esac
    done
    case $filter6 in apdf | eif) ;; *) _lab_err "bad --filter6 '$filter6' (apdf|eif)"; return 2 ;; esac
    # miniupnpd caps min_lifetime at 120 (its default) and wants it below max_lifetime
    [[ $minlife =~ ^[0-9]{1,3}$ ]] && [ "$minlife" -ge 1 ] && [ "$minlife" -le 120 ] ||
        { _lab_err "bad --pcp-min-lifetime '$minlife' (1 to 120)"; return 2; }
    case $ipv6:$topo in yes:no-nat | yes:cgnat)
        _lab_err "up: --ipv6 needs the client behind the router (not $topo)"; return 2 ;;
    esac
    if [ "$gw" = miniupnpd ] && [ "$upnp" = no ] && [ "$natpmp" = no ]; then
        _lab_err "up: miniupnpd refuses to run with both --upnp no and --natpmp no"; return 2
    fi
    if [ "$gw" = miniupnpd ]; then
        command -v miniupnpd >/dev/null || { _lab_err "up: miniupnpd not installed"; return 1; }
    fi
    case $stun in coturn | both) command -v turnserver >/dev/null || { _lab_err "up: turnserver (coturn) not installed"; return 1; } ;; esac
    case $stun in stund | both) command -v stund >/dev/null || { _lab_err "up: stund (stun-server) not installed"; return 1; } ;; esac

    local dir; dir=$(lab_dir "$id")
    if [ -e "$dir" ]; then _lab_err "up: lab '$id' already exists ($dir); run 'down $id' first"; return 1; fi
    local n
    for n in client client2 router cgnat inet; do
        if [ -e "/run/netns/$(lab_ns "$id" "$n")" ]; then
            _lab_err "up: namespace $(lab_ns "$id" "$n") already exists; run 'down $id' first"; return 1
        fi
    done
    mkdir -p "${dir%/*}" 2>/dev/null
    # plain mkdir is atomic: two concurrent 'up' of one LAB_ID cannot both win
    mkdir "$dir" 2>/dev/null || { _lab_err "up: cannot create $dir (lab '$id' being created?)"; return 1; }
    : >"$dir/nodes"
    printf 'topology=%s stun=%s gateway=%s upnp=%s natpmp=%s igdv1=%s secure_mode=%s ext_stun=%s uptime=%s ipv6=%s filter6=%s\n' \
        "$topo" "$stun" "$gw" "$upnp" "$natpmp" "$igdv1" "$secure" "$extstun" "$uptime" "$ipv6" "$filter6" >"$dir/options"
    (
        LAB_ID=$id LAB_TOPO=$topo LAB_DIR=$dir LAB_UPLOG=$dir/up.log
        LAB_OPT_STUN=$stun LAB_OPT_GATEWAY=$gw LAB_OPT_UPNP=$upnp LAB_OPT_NATPMP=$natpmp
        LAB_OPT_IGDV1=$igdv1 LAB_OPT_SECURE=$secure LAB_OPT_EXTSTUN=$extstun
        LAB_OPT_UPTIME=$uptime LAB_OPT_IPV6=$ipv6 LAB_OPT_FILTER6=$filter6 LAB_OPT_MINLIFE=$minlife
        _lab_up_build && _lab_up_servers
    )
    local rc=$?
    if [ "$rc" != 0 ]; then
        if [ -n "${LAB_KEEP_ON_FAILURE:-}" ]; then
            _lab_err "up: LAB_KEEP_ON_FAILURE set, leaving $dir; run 'down $id'"
        else
            lab_down "$id"
        fi
        return 1
    fi
    return 0
}

# ---------------------------------------------------------------- main

lab_main() {
    local cmd=${1:-}
    shift || true
    case $cmd in
    up) lab_up "$@" ;;
    down)
        [ $# = 1 ] || { _lab_err "usage: down LAB_ID"; return 2; }
        lab_down "$1" ;;
    exec) lab_exec "$@" ;;
    reboot)
        [ $# = 1 ] || { _lab_err "usage: reboot LAB_ID"; return 2; }
        lab_reboot "$1" ;;
    check) lab_check ;;
    dir) [ $# = 1 ] || { _lab_err "usage: dir LAB_ID"; return 2; }; lab_dir "$1" ;;
    ns) [ $# = 2 ] || { _lab_err "usage: ns LAB_ID NODE"; return 2; }; lab_ns "$1" "$2" ;;
    *)
        sed -n '2,20s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
        return 2 ;;
    esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    lab_main "$@"
    exit $?
fi
