#!/bin/bash
# procfs and netlink readers racing with sockets closing and namespaces
# going away. The files print live sockets (their tuple, delivered_ce)
# found through the lifecycle table while the churn destroys them; the
# namespaces die with readers inside. Proves: every read completes, and
# (on the debug kernel, with KASAN) nothing is used after it was freed.
source "$(dirname "$0")/../lib.sh"
trap 'bg_cleanup; netns_cleanup' EXIT

SECS=${RACE_SECS:-8}
grep -q '^tcpobs ' /proc/modules || insmod "$TCPOBS_KO"

netns_new rc_a
in_ns rc_a tcpgen churn -t "$SECS" -p 7501 >/dev/null &
c1=$!
in_ns rc_a tcpgen churn -t "$SECS" -p 7502 >/dev/null &
c2=$!
# reader NAME COMMAND...: runs COMMAND until the churn ends; writes
# "runs failures" to /tmp/race.NAME.
reader() {
	local name=$1 runs=0 fails=0
	shift
	while kill -0 "$c1" 2>/dev/null; do
		"$@" >/dev/null 2>&1 || fails=$((fails + 1))
		runs=$((runs + 1))
	done
	echo "$runs $fails" > "/tmp/race.$name"
}
reader sockets in_ns rc_a cat /proc/net/tcpobs/sockets &
reader lifetimes in_ns rc_a cat /proc/net/tcpobs/lifetimes &
reader ecn in_ns rc_a cat /proc/net/tcpobs/ecn &
reader dump in_ns rc_a tcpobs sockets &
reader tw in_ns rc_a tcpobs timewait &

# Meanwhile, namespaces with connections die under readers.
nsd=0
while kill -0 "$c1" 2>/dev/null; do
	ns=rc_d$nsd
	ip netns add "$ns" && ip -n "$ns" link set lo up
	in_ns "$ns" tcpgen open -n 20 -p 7503 >/dev/null 2>&1 &
	op=$!
	sleep 0.2
	in_ns "$ns" bash -c 'for i in 1 2 3 4 5; do cat /proc/net/tcpobs/sockets; tcpobs sockets; done' >/dev/null 2>&1 &
	rp=$!
	ip netns del "$ns"
	kill "$op"
	wait "$rp"
	nsd=$((nsd + 1))
done
wait
total=0
for r in sockets lifetimes ecn dump tw; do
	read -r runs fails < "/tmp/race.$r"
	diag "$r: $runs reads during the churn, $fails failed"
	check_eq "$r: every read completed" "$fails" 0
	total=$((total + runs))
done
diag "$nsd namespaces torn down under readers"
check "readers ran ($total reads) and namespaces died ($nsd)" test "$total" -gt 10 -a "$nsd" -gt 3
