#!/bin/bash
# Network namespaces created and destroyed in a loop while tcpobs is
# loaded, each with an overflowing listener, TIME-WAIT sockets, live
# traffic and procfs readers when it goes. Proves: every namespace's
# figures are its own (equal to its kernel counters), the namespaces are
# really freed, tcpobs's state and per-socket entries go with them
# (/sys/kernel/debug/tcpobs/objects), and a new namespace starts from zero
# (no stale state).
# KASAN/lockdep on the debug kernel watch the teardown races.
source "$(dirname "$0")/../lib.sh"
trap 'bg_cleanup; netns_cleanup' EXIT

NS_CYCLES=${NS_CYCLES:-$(abuse_scale 15 10)}
grep -q '^tcpobs ' /proc/modules || insmod "$TCPOBS_KO"

# objects_settle NAME N: tcpobs's NAME count (debugfs objects) comes back
# to N or below (namespaces are freed by a worker, entries after RCU;
# sockets of earlier tests may still be closing).
objects_settle() {
	[[ "$2" =~ ^[0-9]+$ ]] || { echo "no base count for $1 ('$2')"; return 1; }
	wait_for "v=\$(tcpobs_objects $1); [[ \"\$v\" =~ ^[0-9]+\$ ]] && [ \"\$v\" -le $2 ]" && return 0
	echo "$1: $(tcpobs_objects "$1"), want $2"
	return 1
}

# One reading of both counts (kept in /tmp/nets.agree), retried until they
# agree: a namespace deleted by the test before may still be going (the
# kernel's list drops it first, tcpobs's count after an RCU grace period),
# and an earlier test's namespaces can go in several batches.
# Without debugfs there is nothing to count leaks with: the checks that
# need it are skipped, each saying so, never passed.
have_objects=1
if ! debugfs_mount || [ ! -r /sys/kernel/debug/tcpobs/objects ]; then
	have_objects=0
	diag "no /sys/kernel/debug/tcpobs/objects (no debugfs): the leak checks are skipped"
fi
# objects_check NAME CMD...: check, or a SKIP without debugfs.
objects_check() {
	if [ "$have_objects" = 1 ]; then
		check "$@"
	else
		tap_skip "$1" "no debugfs: /sys/kernel/debug/tcpobs/objects is missing"
	fi
}
: > /tmp/nets.agree
[ "$have_objects" = 0 ] || wait_for objects_agree
read -r base_nets kernel_nets < /tmp/nets.agree || true
base_nets=${base_nets:-none}
base_sk=$(tcpobs_objects sockets)
base_l=$(tcpobs_objects listeners)
base_tw=$(tcpobs_objects tw_keys)
base_ecn=$(tcpobs_objects ecn_ports)
objects_check "debugfs: tcpobs state for every namespace (the kernel's ${kernel_nets:-none})" \
	test "$base_nets" = "${kernel_nets:-}"

tw_ok=0 lo_ok=0 live=0
t0=$EPOCHREALTIME
for i in $(seq "$NS_CYCLES"); do
	ns=nsc$i
	ip netns add "$ns" && ip -n "$ns" link set lo up
	listener_start "$ns" -b 1 -p 80
	lpid=$LISTENER_PID
	before=$(mktemp)
	nstat_snap "$ns" "$before"
	in_ns "$ns" tcpgen connect -n 6 -w 0 127.0.0.1 80 >/dev/null &
	cpid=$!
	in_ns "$ns" tcpgen pairs -n 20 -p 81 >/dev/null
	# (settled: on a slow kernel the last minisocks may still be coming)
	wait_for -t "$SETTLE_S" "[ \"\$(tw_stat $ns tracked)\" = \"\$(sockstat_tw $ns)\" ]" &&
		tw_ok=$((tw_ok + 1))
	# A churn that runs until the namespace is gone (killed below), at a
	# lower priority than the test (nice 10): it still runs whenever the
	# test waits, and no longer starves it (on the debug kernel, 50 s a
	# namespace before this).
	( renice 10 -p $BASHPID >/dev/null; exec nsenter --net="/run/netns/$ns" tcpgen churn -t 600 -p 82 ) >/dev/null &
	tpid=$!
	wait "$cpid"
	wait_for -t "$SETTLE_S" "[ \"\$(listener_col $ns 80 listen_overflows)\" = \"\$(kernel_delta $ns $before TcpExtListenOverflows)\" ]" &&
		lo_ok=$((lo_ok + 1))
	# Readers holding every file of the namespace open across its end:
	# each opens its file, says so, and reads once the namespace is gone.
	# (They wait with read -t on a FIFO nobody writes, not sleep: eight
	# readers starting a sleep every 50 ms were much of the debug kernel's
	# load.)
	rpids=()
	mkfifo /tmp/nsr.fifo.$i
	files=(/proc/net/tcpobs/*)
	for f in "${files[@]}"; do
		in_ns "$ns" bash -c "exec 3<$f 4<>/tmp/nsr.fifo.$i; echo > /tmp/nsr.$i.${f##*/}
			while ! [ -e /tmp/nsr.$i.gone ]; do read -r -t 0.05 -u 4 _; done; cat <&3; cat $f" >/dev/null 2>&1 &
		rpids+=($!)
	done
	wait_for "ready=(/tmp/nsr.$i.*); [ -e \"\${ready[0]}\" ] && [ \${#ready[@]} -ge ${#files[@]} ]"
	wait_for "[ \"\$(tcpobs_stat $ns sockets)\" -gt 0 ]" && live=$((live + 1))
	# Gone while the churn still runs: the namespace dies when it ends.
	ip netns del "$ns"
	kill "$lpid" 2>/dev/null
	touch /tmp/nsr.$i.gone
	wait "${rpids[@]}"
	kill "$tpid" 2>/dev/null
	wait "$tpid"
	rm -f "$before" /tmp/nsr.$i.* /tmp/nsr.fifo.$i
done
wait
t1=$EPOCHREALTIME
diag "$NS_CYCLES namespaces in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
check_eq "TIME-WAIT tracked (tcpobs's count) equal to sockstat tw in every namespace" "$tw_ok" "$NS_CYCLES"
check_eq "listen_overflows equal to the kernel's in every namespace" "$lo_ok" "$NS_CYCLES"
check_eq "live sockets tracked in every namespace when it was deleted" "$live" "$NS_CYCLES"

objects_check "every namespace's tcpobs state freed (back to $base_nets)" objects_settle namespaces "$base_nets"
objects_check "no tcpobs state without a namespace (one reading of both counts)" wait_for objects_agree
objects_check "their tracked sockets freed (back to $base_sk)" objects_settle sockets "$base_sk"
objects_check "their listeners left the ledger (back to $base_l)" objects_settle listeners "$base_l"
objects_check "their TIME_WAIT keys freed (back to $base_tw)" objects_settle tw_keys "$base_tw"
objects_check "their ECN rows freed (back to $base_ecn)" objects_settle ecn_ports "$base_ecn"

# A new namespace starts from zero.
netns_new nsc_fresh
nonzero=$(in_ns nsc_fresh cat /proc/net/tcpobs/stats | awk 'NR > 1 && $2 != 0 && $1 !~ /table_full|kprobe_missed/')
check_eq "a new namespace's stats are all zero" "$nonzero" ""
check_eq "a new namespace has no transitions" "$(tcpobs_states nsc_fresh)" ""
check_eq "a new namespace has no listeners" "$(in_ns nsc_fresh cat /proc/net/tcpobs/listeners | tail -n +2)" ""
check_eq "a new namespace has no TIME-WAIT tracked" "$(tw_stat nsc_fresh tracked)" 0
check_eq "a new namespace has no tracked sockets" "$(sockets_rows nsc_fresh ESTAB)" ""
