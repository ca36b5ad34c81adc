#!/bin/bash
# ECN accounting (/proc/net/tcpobs/ecn, the ECN columns of sockets): CE
# marked on a veth path between two namespaces; every figure equals the
# kernel's own (nstat, ss -ti) or the peer's mirror figure.
source "$(dirname "$0")/../lib.sh"
trap 'touch /tmp/ua.stop; bg_cleanup; netns_cleanup' EXIT

check_eq "sockets header has the ECN columns" "$(head -n 1 /proc/net/tcpobs/sockets | cut -d' ' -f8-)" \
	"ecn ce ect0 ect1 noect ece_in ece_out cwr_in cwr_out delivered_ce"

# snap NS FILE: the kernel's counters (FILE) and ours (FILE.ecn), now.
# Retried until ours did not move while the kernel's were read (IPv6
# neighbour discovery may be under way).
snap() { wait_for "snap_once $1 $2"; }
snap_once() {
	in_ns "$1" cat /proc/net/tcpobs/ecn | awk 'NF == 0 { exit } NR > 1' > "$2.ecn"
	nstat_snap "$1" "$2"
	in_ns "$1" cat /proc/net/tcpobs/ecn | awk 'NF == 0 { exit } NR > 1' > "$2.ecn2"
	cmp -s "$2.ecn" "$2.ecn2"
}
# ecn_delta NS BEFORE NAME: the change of our NAME since BEFORE.
ecn_delta() {
	echo $(($(ecn_stat "$1" "$3") - $(awk -v n="$3" '$1 == n { print $2 }' "$2")))
}

# check_codepoints NS BEFORE AFTER WHAT FAMILY: tcpobs's own counts of TCP
# packets by codepoint (its netfilter hooks: tcp_in_* / tcp6_in_*) against
# the kernel's counts of IP packets (IpExtIn*Pkts or Ip6In*Pkts). Only TCP
# is ECN-capable on these paths: ECT(0), ECT(1) and CE are equal; Not-ECT
# also counts the kernel's non-TCP packets (neighbour discovery), so ours
# is at most the kernel's. (ip_in_* are the kernel's own counters, shown
# by tcpobs: comparing them with nstat would test nothing.)
check_codepoints() {
	local ns=$1 before=$2 after=$3 what=$4 cp k pre tfam=tcp
	pre=IpExtIn
	[ "$5" = ip6 ] && pre=Ip6In tfam=tcp6
	for cp in ect1 ect0 ce; do
		case $cp in
		ect1) k=ECT1 ;; ect0) k=ECT0 ;; ce) k=CE ;;
		esac
		check_settled "$what: ${tfam}_in_$cp (tcpobs's hooks) equals $pre${k}Pkts delta" \
			"ecn_delta $ns $before.ecn ${tfam}_in_$cp" "kernel_delta $ns $before $pre${k}Pkts"
	done
	local ours theirs
	ours=$(ecn_delta "$ns" "$before.ecn" "${tfam}_in_noect")
	theirs=$(nstat_delta "$before" "$after" "${pre}NoECTPkts")
	check "$what: ${tfam}_in_noect ($ours) > 0 and at most ${pre}NoECTPkts delta ($theirs)" \
		test "$ours" -gt 0 -a "$ours" -le "$theirs"
}

# ce_run WHAT A B SERVER_ADDR FAMILY [nodemux]: two 2 MB transfers A -> B
# with every ECT(0) packet from A marked CE; with nodemux, B's TCP early
# demux is off (no socket on the packets when the hooks see them).
# The sender runs on CPU 0 only: its handshake's last ACK and its first
# data are then taken in order. (From two CPUs at once, data may reach the
# hooks while the ACK is still making the child socket on the other: the
# namespace counts it, no socket does.)
ce_run() {
	local what=$1 a=$2 b=$3 addr=$4 fam=$5
	in_ns "$a" sysctl -qw net.ipv4.tcp_ecn=1
	in_ns "$b" sysctl -qw net.ipv4.tcp_ecn=1
	[ "$6" = nodemux ] && in_ns "$b" sysctl -qw net.ipv4.tcp_early_demux=0
	check "$what: CE marking set up (tc pedit)" ce_mark "$a" "v$a"
	tcpgen_bg "$b" sink $([ "$fam" = ip6 ] && echo -6) -p 5001 > "/tmp/$b.sink"
	snap "$a" "/tmp/$a.0"
	snap "$b" "/tmp/$b.0"
	# Each connection is held open after its bytes went, until released:
	# the first one is looked at live, idle, its figures still.
	TCPGEN_CPU=0 tcpgen_bg "$a" send -n 2 -b 2000000 -w 600 "$addr" 5001 > "/tmp/$a.sent"
	local sender=$TCPGEN_PID ss_dce ss2 ours
	ss_dce_of() {
		in_ns "$1" ss -tinH state established "dport = :5001" | grep -o 'delivered_ce:[0-9]*' | cut -d: -f2
	}
	# Until every byte was acknowledged (nothing left in flight).
	acked_of() {
		in_ns "$1" ss -tinH state established "dport = :5001" | grep -o 'bytes_acked:[0-9]*' | cut -d: -f2
	}
	wait_for "[ \"\$(acked_of $a)\" -ge 2000000 ] 2>/dev/null"
	quiet_for 0.5 "ss_dce_of $a"
	ss_dce=$(ss_dce_of "$a")
	ours=$(sockets_rows "$a" ESTAB | awk '$2 ~ /:5001$/ { print $NF }')
	ss2=$(ss_dce_of "$a")
	check_eq "$what: a live socket's delivered_ce equals ss -ti's" "$ours" "$ss_dce"
	check "$what: ... and it is not 0 (${ours:-nothing}; ss read ${ss_dce:-nothing} then ${ss2:-nothing})" \
		test "${ours:-0}" -gt 0
	# Released until it is done: the second connection, then the end.
	wait_for "! kill -0 $sender 2>/dev/null || { release $sender; false; }"
	wait_for "[ \"\$(wc -l < /tmp/$b.sink)\" -ge 2 ]"
	# Until nothing moves any more (the last ACKs and FINs).
	quiet_for 1 "in_ns $a nstat -asz; in_ns $b nstat -asz; in_ns $a cat /proc/net/tcpobs/ecn; in_ns $b cat /proc/net/tcpobs/ecn"
	nstat_snap "$a" "/tmp/$a.1"
	nstat_snap "$b" "/tmp/$b.1"
	check_eq "$what: both transfers complete" "$(tr '\n' ' ' < "/tmp/$b.sink")" "2000000 2000000 "
	check "$what: CE received > 0" test "$(ecn_stat "$b" "${fam}_in_ce")" -gt 0
	local tfam=tcp; [ "$fam" = ip6 ] && tfam=tcp6
	check_eq "$what: tcpobs's own count of CE TCP packets equals the kernel's CE delta" \
		"$(ecn_delta "$b" "/tmp/$b.0.ecn" "${tfam}_in_ce")" \
		"$(nstat_delta "/tmp/$b.0" "/tmp/$b.1" "$([ "$fam" = ip6 ] && echo Ip6InCEPkts || echo IpExtInCEPkts)")"
	check_codepoints "$b" "/tmp/$b.0" "/tmp/$b.1" "$what, receiver" "$fam"
	check_codepoints "$a" "/tmp/$a.0" "/tmp/$a.1" "$what, sender" "$fam"
	check_eq "$what: ECE sent by the receiver equals ECE received by the sender" \
		"$(ecn_stat "$b" tcp_ece_out)" "$(ecn_stat "$a" tcp_ece_in)"
	check "$what: ECE > 0" test "$(ecn_stat "$a" tcp_ece_in)" -gt 0
	check_eq "$what: CWR sent by the sender equals CWR received by the receiver" \
		"$(ecn_stat "$a" tcp_cwr_out)" "$(ecn_stat "$b" tcp_cwr_in)"
	check "$what: CWR > 0" test "$(ecn_stat "$a" tcp_cwr_out)" -gt 0
	check_eq "$what: delivered_ce equals TcpExtTCPDeliveredCE delta" "$(ecn_stat "$a" delivered_ce)" \
		"$(nstat_delta "/tmp/$a.0" "/tmp/$a.1" TcpExtTCPDeliveredCE)"
	check_eq "$what: 2 connections negotiated ECN, each end" \
		"$(ecn_stat "$a" negotiated) $(ecn_stat "$b" negotiated) $(ecn_stat "$a" not_negotiated)" "2 2 0"
	check_eq "$what: service row 'local 5001' on the receiver has its CE" \
		"$(ecn_row "$b" local 5001 ce)" "$(ecn_stat "$b" "${fam}_in_ce")"
	check_eq "$what: service row 'peer 5001' on the sender has its delivered_ce" \
		"$(ecn_row "$a" peer 5001 delivered_ce)" "$(ecn_stat "$a" delivered_ce)"
	check_eq "$what: service rows count 2 sockets, 2 with ECN" \
		"$(ecn_row "$b" local 5001 sockets) $(ecn_row "$b" local 5001 negotiated)" "2 2"
	bg_cleanup
}

veth_pair ea eb 1
ce_run "IPv4 CE" ea eb 10.1.0.2 ip
veth_pair e6a e6b 2
ce_run "IPv6 CE" e6a e6b fd02::2 ip6
veth_pair dma dmb 5
ce_run "IPv4 CE, no early demux" dma dmb 10.5.0.2 ip nodemux
veth_pair d6a d6b 7
ce_run "IPv6 CE, no early demux" d6a d6b fd07::2 ip6 nodemux

# --- no ECN: the client does not ask for it ---------------------------------
veth_pair na nb 3
in_ns na sysctl -qw net.ipv4.tcp_ecn=0
ce_mark na vna
tcpgen_bg nb sink -p 5001 > /tmp/nb.sink
snap nb /tmp/nb.0
in_ns na tcpgen send -n 2 -b 1000000 10.3.0.2 5001 > /dev/null
wait_for "[ \"\$(wc -l < /tmp/nb.sink)\" -ge 2 ]"
quiet_for 1 "in_ns na nstat -asz; in_ns nb nstat -asz; in_ns na cat /proc/net/tcpobs/ecn; in_ns nb cat /proc/net/tcpobs/ecn"
nstat_snap nb /tmp/nb.1
check_eq "no ECN: nothing negotiated" "$(ecn_stat na negotiated) $(ecn_stat nb negotiated)" "0 0"
check_eq "no ECN: 2 connections not negotiated, each end" "$(ecn_stat na not_negotiated) $(ecn_stat nb not_negotiated)" "2 2"
check_eq "no ECN: no CE" "$(ecn_stat nb ip_in_ce)" 0
check_eq "no ECN: no TCP packet with ECT or CE" \
	"$(ecn_stat nb tcp_in_ce)$(ecn_stat nb tcp_in_ect0)$(ecn_stat nb tcp_in_ect1)" "000"
check "no ECN: TCP Not-ECT packets counted ($(ecn_stat nb tcp_in_noect))" test "$(ecn_stat nb tcp_in_noect)" -gt 0
check "no ECN: Not-ECT packets > 0" test "$(ecn_stat nb ip_in_noect)" -gt 0
check_codepoints nb /tmp/nb.0 /tmp/nb.1 "no ECN" ip
check_eq "no ECN: no ECE or CWR either way" \
	"$(ecn_stat na tcp_ece_in)$(ecn_stat na tcp_cwr_out)$(ecn_stat nb tcp_ece_out)$(ecn_stat nb tcp_cwr_in)" "0000"
bg_cleanup

# --- isolation ---------------------------------------------------------------
netns_new eiso
check_eq "isolation: another netns counts no CE and no rows" \
	"$(ecn_stat eiso ip_in_ce) $(in_ns eiso awk 'on { n++ } $1 == "side" { on = 1 } END { print n + 0 }' /proc/net/tcpobs/ecn)" "0 0"

# --- unload under bulk traffic: no packet lost ---------------------------------
# 500 kB transfers one after another, paced at 10 Mbit/s, from before the
# first reload until after the last (a stop flag, then the one running
# ends): every byte of every transfer arrives.
veth_pair ua ub 4
in_ns ua tc qdisc add dev vua root tbf rate 10mbit burst 64kb latency 100ms
tcpgen_bg ub sink -p 5001 > /tmp/ub.sink
rm -f /tmp/ua.stop
( while [ ! -e /tmp/ua.stop ]; do in_ns ua tcpgen send -n 1 -b 500000 10.4.0.2 5001 || echo fail; done ) \
	> /tmp/ua.sent 2>&1 &
sender=$!
# (reloads once a transfer runs)
wait_for "[ -n \"\$(in_ns ua ss -tnH state established 'dport = :5001')\" ]"
reloads=0
for _ in 1 2 3; do
	rmmod tcpobs && insmod "$TCPOBS_KO" || break
	reloads=$((reloads + 1))
done
# (and a transfer that starts after the last reload ends too)
n0=$(wc -l < /tmp/ua.sent)
wait_for "[ \$(wc -l < /tmp/ua.sent) -gt $n0 ]"
check "unload under bulk traffic: the transfers still ran after the reloads" kill -0 "$sender"
touch /tmp/ua.stop
wait "$sender"
sent=$(transfer_totals /tmp/ua.sent)
wait_for "[ \$(wc -l < /tmp/ub.sink) -ge ${sent%% *} ]"
got=$(transfer_totals /tmp/ub.sink)
check_eq "unload under bulk traffic: 3 reloads" "$reloads" 3
check "unload under bulk traffic: no transfer failed" bash -c '! grep -q fail /tmp/ua.sent'
check_eq "unload under bulk traffic: every byte sent arrived (transfers, bytes)" "$got" "$sent"
check "module loaded after the reloads" test -d /sys/module/tcpobs
