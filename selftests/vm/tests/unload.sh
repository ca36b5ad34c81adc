#!/bin/bash
# Load and unload tcpobs CYCLES times (default 100; 20 on the debug kernel,
# see abuse_scale in lib.sh) while connections open
# and close, a listener overflows, bulk transfers run over a veth pair
# (through the ECN hooks) and readers hold the procfs files open. Any
# WARNING/BUG in the console, or a taint beyond O/E, fails the whole VM run
# (checked by selftests/vm/run); leaks are caught by kmemleak on the debug
# kernel (the suite's last check). Here: every cycle worked, every byte
# sent arrived, and the module counts exactly once reloaded.
source "$(dirname "$0")/../lib.sh"
trap 'kill $churn $reader $sender $overflower 2>/dev/null; bg_cleanup; netns_cleanup' EXIT

CYCLES=${CYCLES:-$(abuse_scale 100 20)}
netns_new ul_a
netns_new ul_o
veth_pair ul_c ul_d 6

grep -q '^tcpobs ' /proc/modules || insmod "$TCPOBS_KO"

# The traffic is paced so that the reloads get CPU time too (the VM has 2
# vCPUs on one TCG thread): connections opening and closing in bursts,
( while :; do in_ns ul_a tcpgen pairs -n 5 -p 9100; sleep 0.02; done ) >/dev/null 2>&1 &
churn=$!
# a listener that never accepts, overflowing all along,
listener_start ul_o -b 1 -p 9200
( while [ ! -e /tmp/ul_ostop ]; do in_ns ul_o tcpgen connect -n 4 -w 1 127.0.0.1 9200; done ) >/dev/null 2>&1 &
overflower=$!
# bulk transfers of 4 MB over the veth pair at 50 Mbit/s (the sink prints
# what it got),
in_ns ul_c tc qdisc add dev vul_c root tbf rate 50mbit burst 64kb latency 100ms
tcpgen_bg ul_d sink -a 10.6.0.2 -p 9300 > /tmp/ul_sink.out
( while [ ! -e /tmp/ul_stop ]; do in_ns ul_c tcpgen send -n 1 -b 4000000 10.6.0.2 9300 || echo fail; done ) > /tmp/ul_sent.out 2>&1 &
sender=$!
# and readers of every procfs file, in two namespaces.
( while :; do
	for f in /proc/net/tcpobs/*; do cat "$f"; in_ns ul_a cat "$f"; done
	sleep 0.3
done ) >/dev/null 2>&1 &
reader=$!
# (the reloads start once a bulk transfer runs)
wait_for "[ -n \"\$(in_ns ul_c ss -tnH state established 'dport = :9300')\" ]"

unloads=0 loads=0
t0=$EPOCHREALTIME
for i in $(seq "$CYCLES"); do
	rmmod tcpobs && unloads=$((unloads + 1))
	sleep 0.02
	insmod "$TCPOBS_KO" && loads=$((loads + 1))
	sleep 0.05
done
t1=$EPOCHREALTIME
diag "$CYCLES reloads in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
check_eq "$CYCLES unloads under traffic" "$unloads" "$CYCLES"
check_eq "$CYCLES loads under traffic" "$loads" "$CYCLES"
check "connection churn still running through the cycles" kill -0 "$churn"

# The bulk transfers: stop after the current one, then compare.
touch /tmp/ul_stop
wait "$sender"
sent=$(awk '$1 ~ /^[0-9]+$/ { n++; s += $1 } END { print n + 0, s + 0 }' /tmp/ul_sent.out)
# (until the sink has read the last one to its end)
wait_for "[ \$(wc -l < /tmp/ul_sink.out) -ge ${sent%% *} ]"
got=$(awk '{ n++; s += $1 } END { print n + 0, s + 0 }' /tmp/ul_sink.out)
diag "bulk transfers (count bytes): sent $sent, received $got"
check "bulk: no transfer failed" bash -c '! grep -q fail /tmp/ul_sent.out'
check "bulk: several transfers ran during the reloads" test "${sent%% *}" -ge 2
check_eq "bulk: every byte sent arrived (transfers, bytes)" "$got" "$sent"

# The overflowing listener: after one more load, new overflows are
# attributed exactly (the ledger starts from the listener's walk at load).
# (stopped by a flag and waited for, connect included: killing the loop
# would leave its last connect running, whose SYNs could land after the
# reload below)
touch /tmp/ul_ostop
wait "$overflower" 2>/dev/null
# Until the last connects' retransmits stop adding overflows (2 s quiet).
kov() { in_ns ul_o nstat -asz | awk '$1 == "TcpExtListenOverflows" { print $2 }'; }
quiet_for 2 kov
rmmod tcpobs && insmod "$TCPOBS_KO"
before=$(mktemp)
nstat_snap ul_o "$before"
in_ns ul_o tcpgen connect -n 12 -w 1 127.0.0.1 9200 >/dev/null
check_settled "reloaded: listen_overflows equal the kernel's" \
	"listener_col ul_o 9200 listen_overflows" "kernel_delta ul_o $before TcpExtListenOverflows"
check "reloaded: the listener overflowed again" test "$(listener_col ul_o 9200 listen_overflows)" -gt 0

# After the last load the module counts again: the churn adds to the matrix.
a=$(state_count ul_a CLOSE SYN-SENT)
wait_for "[ \$(state_count ul_a CLOSE SYN-SENT) -gt $a ]"
b=$(state_count ul_a CLOSE SYN-SENT)
check "the reloaded module counts new connections ($a -> $b)" test "$b" -gt "$a"

kill "$reader" "$churn" 2>/dev/null
wait "$churn" 2>/dev/null
check "module unloads cleanly at the end" rmmod tcpobs
check "its slab cache is gone with it" bash -c '! grep -q "^tcpobs" /proc/slabinfo'
check "module loads again" insmod "$TCPOBS_KO"
rm -f /tmp/ul_stop /tmp/ul_ostop "$before"
