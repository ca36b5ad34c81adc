#!/bin/bash
# The state-transition matrix (/proc/net/tcpobs/states) against the
# kernel's own counters, per network namespace.
source "$(dirname "$0")/../lib.sh"
trap netns_cleanup EXIT

check "states file exists in the initial namespace" test -r /proc/net/tcpobs/states
check_eq "states header" "$(head -n 1 /proc/net/tcpobs/states)" "from to count"

netns_new st_a
netns_new st_b
netns_new st_c

# The full expected matrix for N client-closed loopback connections (plus
# the listener's own open and close). The tracepoint never shows TIME-WAIT:
# the client's socket goes FIN-WAIT-2 -> CLOSE and a minisock takes over.
expected_matrix() {
	local n=$1
	sort <<EOM
CLOSE LISTEN 1
LISTEN CLOSE 1
CLOSE SYN-SENT $n
SYN-SENT ESTAB $n
LISTEN SYN-RECV $n
SYN-RECV ESTAB $n
ESTAB FIN-WAIT-1 $n
FIN-WAIT-1 FIN-WAIT-2 $n
FIN-WAIT-2 CLOSE $n
ESTAB CLOSE-WAIT $n
CLOSE-WAIT LAST-ACK $n
LAST-ACK CLOSE $n
EOM
}

init_before=$(tcpobs_states "")

scenario() {
	local ns=$1 fam=$2 n=$3 flag=""
	[ "$fam" = ipv6 ] && flag=-6

	nstat_snap "$ns" /tmp/nstat.before
	check "$fam: $n client-closed connections in $ns" in_ns "$ns" tcpgen pairs $flag -n "$n" -p 9000
	nstat_snap "$ns" /tmp/nstat.after

	check_eq "$fam: CLOSE->SYN-SENT equals TcpActiveOpens delta" \
		"$(state_count "$ns" CLOSE SYN-SENT)" \
		"$(nstat_delta /tmp/nstat.before /tmp/nstat.after TcpActiveOpens)"
	check_eq "$fam: LISTEN->SYN-RECV equals TcpPassiveOpens delta" \
		"$(state_count "$ns" LISTEN SYN-RECV)" \
		"$(nstat_delta /tmp/nstat.before /tmp/nstat.after TcpPassiveOpens)"
	check_eq "$fam: TcpActiveOpens delta is $n" \
		"$(nstat_delta /tmp/nstat.before /tmp/nstat.after TcpActiveOpens)" "$n"
	check_eq "$fam: no resets (TcpEstabResets delta 0)" \
		"$(nstat_delta /tmp/nstat.before /tmp/nstat.after TcpEstabResets)" 0
	tcpobs_states "$ns" > /tmp/states.got
	expected_matrix "$n" > /tmp/states.want
	check_file_eq "$fam: full transition matrix for $n connections" /tmp/states.got /tmp/states.want
}

scenario st_a ipv4 5
scenario st_c ipv6 4

check_eq "a namespace without traffic reads no transitions" "$(tcpobs_states st_b)" ""
check_eq "the initial namespace does not see other namespaces' transitions" \
	"$(tcpobs_states "")" "$init_before"

# Counts accumulate: a second run in the same namespace doubles them.
in_ns st_a tcpgen pairs -n 5 -p 9001 >/dev/null
expected_matrix 10 | sed 's/^\(CLOSE LISTEN\|LISTEN CLOSE\) 1$/\1 2/' | sort > /tmp/states.want
tcpobs_states st_a > /tmp/states.got
check_file_eq "counts accumulate across runs" /tmp/states.got /tmp/states.want

# A namespace's table goes away with it, and a new one starts at zero.
ip netns del st_a
netns_new st_a
check_eq "a re-created namespace starts empty" "$(tcpobs_states st_a)" ""
