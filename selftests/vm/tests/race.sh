#!/bin/bash
# procfs and netlink readers racing with sockets closing and namespaces
# going away. The files print live sockets (their tuple, delivered_ce)
# found through the lifecycle table while the churn destroys them; the
# namespaces die with readers inside. Proves: every read completes, and
# (on the debug kernel, with KASAN) nothing is used after it was freed.
source "$(dirname "$0")/../lib.sh"
trap 'bg_cleanup; netns_cleanup' EXIT

NS_TEARDOWNS=${NS_TEARDOWNS:-6}
grep -q '^tcpobs ' /proc/modules || insmod "$TCPOBS_KO"
rm -f /tmp/race.stop

netns_new rc_a
# (nice and ip exec tcpgen: $! is tcpgen's pid, which bg_cleanup kills at
# the end; both churns at nice 10, as the readers below)
nice -n 10 ip netns exec rc_a tcpgen churn -t 600 -p 7501 >/dev/null &
c1=$!
nice -n 10 ip netns exec rc_a tcpgen churn -t 600 -p 7502 >/dev/null &
c2=$!
BGPIDS+=("$c1" "$c2")
# reader NAME COMMAND...: runs COMMAND until told to stop; writes "runs
# failures" to /tmp/race.NAME. At nice 10, as the churn: they still run
# whenever the teardowns wait, but five readers in tight loops no longer
# starve them.
reader() {
	local name=$1 runs=0 fails=0
	shift
	renice 10 -p $BASHPID >/dev/null
	while [ ! -e /tmp/race.stop ]; do
		"$@" >/dev/null 2>&1 || fails=$((fails + 1))
		runs=$((runs + 1))
	done
	echo "$runs $fails" > "/tmp/race.$name"
}
readers=()
reader sockets in_ns rc_a cat /proc/net/tcpobs/sockets &
readers+=($!)
reader lifetimes in_ns rc_a cat /proc/net/tcpobs/lifetimes &
readers+=($!)
reader ecn in_ns rc_a cat /proc/net/tcpobs/ecn &
readers+=($!)
reader dump in_ns rc_a tcpobs sockets &
readers+=($!)
reader tw in_ns rc_a tcpobs timewait &
readers+=($!)

# Meanwhile, namespaces with connections die under readers.
for nsd in $(seq "$NS_TEARDOWNS"); do
	ns=rc_d$nsd
	ip netns add "$ns" && ip -n "$ns" link set lo up
	rm -f /tmp/race.open
	nsenter --net="/run/netns/$ns" tcpgen open -n 20 -p 7503 -r /tmp/race.open >/dev/null 2>&1 &
	op=$!
	wait_for "[ -s /tmp/race.open ]"
	in_ns "$ns" bash -c 'for i in 1 2 3 4 5; do cat /proc/net/tcpobs/sockets; tcpobs sockets; done' >/dev/null 2>&1 &
	rp=$!
	ip netns del "$ns"
	kill "$op"
	wait "$op"
	wait "$rp"
done
touch /tmp/race.stop
wait "${readers[@]}"
total=0
for r in sockets lifetimes ecn dump tw; do
	read -r runs fails < "/tmp/race.$r"
	diag "$r: $runs reads during the churn, $fails failed"
	check_eq "$r: every read completed" "$fails" 0
	check "$r: it read while sockets closed ($runs times)" test "$runs" -gt 0
	total=$((total + runs))
done
diag "$NS_TEARDOWNS namespaces torn down under readers, $total reads"
rm -f /tmp/race.stop
