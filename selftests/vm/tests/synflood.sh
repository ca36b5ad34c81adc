#!/bin/bash
# SYN flood: FLOOD (100,000; 10,000 on the debug kernel, see abuse_scale
# in lib.sh) SYNs from spoofed sources over a raw socket at a listener in
# another namespace, with SYN cookies on and off.
# Proves: the listener's drop and cookie columns equal the kernel's
# counters, tcpobs's memory does not grow (request sockets are never
# tracked; the ledger has one entry per listener), and the host stays
# responsive (connections to another listener complete during the flood).
source "$(dirname "$0")/../lib.sh"
trap 'bg_cleanup; netns_cleanup' EXIT

FLOOD=${FLOOD:-$(abuse_scale 100000 10000)}
grep -q '^tcpobs ' /proc/modules || insmod "$TCPOBS_KO"


veth_pair sf_a sf_b 9
# The SYN-ACKs to the spoofed sources leave towards sf_a, which drops them.
in_ns sf_a ip route add 10.200.0.0/16 dev vsf_a
in_ns sf_b ip route add 10.200.0.0/16 via 10.9.0.1
netns_new sf_c

flood() {	# flood COOKIES PORT
	local cookies=$1 port=$2 before ok=0 i t0 t1 sent o0 o1 l0 l1 col
	in_ns sf_b sysctl -qw net.ipv4.tcp_syncookies="$cookies"
	listener_start sf_b -a 10.9.0.2 -b 128 -p "$port"
	before=$(mktemp)
	nstat_snap sf_b "$before"
	o0=$(tcpobs_objects sockets)
	l0=$(tcpobs_objects listeners)
	t0=$EPOCHREALTIME
	in_ns sf_a synflood -n "$FLOOD" 10.9.0.2 "$port" > /tmp/sf.sent &
	local fpid=$!
	# Meanwhile, ordinary connections elsewhere on the host.
	# (a generous 60 s each: the debug kernel took 80 s for 30,000 SYNs)
	for i in $(seq 5); do
		in_ns sf_c timeout 60 tcpgen pairs -n 5 -p 83 >/dev/null && ok=$((ok + 1))
	done
	wait "$fpid"
	t1=$EPOCHREALTIME
	sent=$(cat /tmp/sf.sent)
	# (the bursts' last closes may still be on their way through softirq)
	wait_for "[ \"\$(tcpobs_objects sockets)\" -le $o0 ] && [ \"\$(tcpobs_objects listeners)\" -le $l0 ]"
	o1=$(tcpobs_objects sockets)
	l1=$(tcpobs_objects listeners)
	diag "cookies=$cookies: $sent SYNs in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s;" \
		"kernel: $(for c in SyncookiesSent ListenDrops TCPReqQFullDrop TCPReqQFullDoCookies; do
			printf '%s %s ' "$c" "$(kernel_delta sf_b "$before" "TcpExt$c")"; done)"
	check_eq "cookies=$cookies: all $FLOOD SYNs sent" "$sent" "$FLOOD"
	check_eq "cookies=$cookies: the host answered 5 of 5 connection bursts during the flood" "$ok" 5
	check_eq "cookies=$cookies: tcpobs lifecycle entries did not grow ($o0 -> $o1)" "$o1" "$o0"
	check_eq "cookies=$cookies: tcpobs ledger entries did not grow ($l0 -> $l1)" "$l1" "$l0"
	for col in $DROP_COLUMNS; do
		check_settled "cookies=$cookies: $col equals ${NSTAT_OF[$col]}" \
			"listener_col sf_b $port $col" "kernel_delta sf_b $before ${NSTAT_OF[$col]}"
	done
	check_eq "cookies=$cookies: nothing unattributed" \
		"$(in_ns sf_b cat /proc/net/tcpobs/stats | awk '$1 ~ /^unattributed_/ { s += $2 } END { print s + 0 }')" 0
	check_eq "cookies=$cookies: no kprobe missed" "$(tcpobs_stat sf_b kprobe_missed)" 0
	rm -f "$before"
}

flood 1 80
c_sent=$(listener_col sf_b 80 syncookies_sent)
check "cookies=1: the flood was answered with cookies ($c_sent)" test "$c_sent" -gt $((FLOOD / 2))
flood 0 81
# Without cookies the kernel drops a SYN once the SYN queue is 3/4 of
# tcp_max_syn_backlog, before it is full: ListenDrops, not TCPReqQFullDrop.
d=$(listener_col sf_b 81 listen_drops)
check "cookies=0: the SYN queue dropped the flood ($d)" test "$d" -gt $((FLOOD / 2))
