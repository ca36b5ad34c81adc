#!/bin/bash
# The event stream under a flood: every state transition of a fast
# connection churn is an event. Proves: events delivered to the reader
# plus the events tcpobs counted lost equal the events generated (the
# namespace's sequence number), whether the reader keeps up (32 MB buffer)
# or is stopped (4 KB buffer, events lost); each event delivered once.
source "$(dirname "$0")/../lib.sh"
trap 'bg_cleanup; netns_cleanup' EXIT

grep -q '^tcpobs ' /proc/modules || insmod "$TCPOBS_KO"

# flood NAME RCVBUF PAIRS [stop]: two churns of PAIRS connections each
# while `tcpobs watch states` reads (or, with "stop", is stopped until the
# churn ends). Sized by count, not time: the same number of events on a
# fast kernel and a slow one.
flood() {
	local name=$1 rcvbuf=$2 pairs=$3 stop=${4:-} ns=ev_$1 wpid c1 c2 seq sent lost got uniq
	netns_new "$ns"
	# ip execs the tool: $! is the tool's pid, for the signals below.
	ip netns exec "$ns" tcpobs --rcvbuf "$rcvbuf" watch states > "/tmp/ev.$name" 2>&1 &
	wpid=$!
	# The tool subscribes, then turns state events on (bit 2).
	wait_for "[ \$(( \$(in_ns $ns nlfuzz -o | awk '{ print \$2 }') & 2 )) = 2 ]"
	[ -z "$stop" ] || kill -STOP "$wpid"
	in_ns "$ns" tcpgen pairs -n "$pairs" -p 7401 >/dev/null &
	c1=$!
	in_ns "$ns" tcpgen pairs -n "$pairs" -p 7402 >/dev/null &
	c2=$!
	wait "$c1" "$c2"
	[ -z "$stop" ] || kill -CONT "$wpid"
	# Until the rings are drained (generated = sent + lost) and the reader
	# has read everything that was sent.
	wait_for "[ \$(tcpobs_stat $ns events_seq) = \$((\$(tcpobs_stat $ns events_sent) + \$(tcpobs_stat $ns events_lost))) ] &&
		[ \$(grep -c '^seq ' /tmp/ev.$name) -ge \$(tcpobs_stat $ns events_sent) ]"
	quiet_for 0.5 "grep -c '^seq ' /tmp/ev.$name"
	kill "$wpid"
	wait "$wpid"
	seq=$(tcpobs_stat "$ns" events_seq)
	sent=$(tcpobs_stat "$ns" events_sent)
	lost=$(tcpobs_stat "$ns" events_lost)
	got=$(grep -c '^seq ' "/tmp/ev.$name")
	uniq=$(awk '$1 == "seq" { print $2 }' "/tmp/ev.$name" | sort -u | wc -l)
	diag "$name: generated $seq, delivered $got, lost $lost (rcvbuf $rcvbuf, 2 x $pairs connections)"
	check "$name: a flood of events ($seq)" test "$seq" -gt 500
	check_eq "$name: delivered + lost = generated" "$((got + lost))" "$seq"
	check_eq "$name: delivered = sent" "$got" "$sent"
	check_eq "$name: each event delivered once" "$uniq" "$got"
	check_eq "$name: state events equal the transitions counted" \
		"$seq" "$(tcpobs_states "$ns" | awk '{ s += $3 } END { print s }')"
}

flood stopped 4096 100 stop
check "stopped: the stopped reader's small buffer lost events" test "$(tcpobs_stat ev_stopped events_lost)" -gt 0
flood big 33554432 100
