#!/bin/bash
# Namespace teardown racing readers that do not hold the namespace alive.
# An open /proc/net/tcpobs file holds a reference to its namespace (as
# every proc_create_net file does), and so does a netlink socket, so a
# reader inside the namespace, or one holding a file open, can never race
# its teardown. A directory does not: readers outside the namespace keep
# only /proc/PID/net/tcpobs open as a directory and open every file in it
# again and again while the namespace, with held connections, a listener
# and TIME-WAIT sockets, goes away under them, while a `tcpobs watch all`
# subscriber in the initial namespace takes that namespace's events.
# Proves: every read either completes or fails cleanly (the file gone:
# ENOENT, or the namespace dying: ENXIO), the namespace really goes (its
# files vanish while the directory is still open), tcpobs's state goes
# with it (debugfs objects), none of the dying namespaces' events reach
# the initial namespace's subscriber, which still works, and, on the
# debug kernel, KASAN and lockdep see nothing.
source "$(dirname "$0")/../lib.sh"
trap 'kill $watcher 2>/dev/null; bg_cleanup; netns_cleanup' EXIT

# (namespaces torn down: 100; 10 on the debug kernel, 30 with
# TCPOBS_VOLUME=light, see abuse_scale in lib.sh)
NS_TEARDOWNS=${NS_TEARDOWNS:-$(abuse_scale 100 10 30)}
NHELD=${NHELD:-10}
grep -q '^tcpobs ' /proc/modules || insmod "$TCPOBS_KO"
files=$(ls /proc/net/tcpobs)
rm -f /tmp/td.*

tcpobs watch all > /tmp/td.watch 2>&1 &
watcher=$!

# reader NAME DIRFD...: opens every file of the directories DIRFD... until
# /tmp/td.stop exists; writes "reads failures" to /tmp/td.NAME and every
# failure's message to /tmp/td.NAME.err.
reader() {
	local name=$1 runs=0 fails=0 f d
	shift
	while [ ! -e /tmp/td.stop ]; do
		for d in "$@"; do
			for f in $files; do
				if cat "/proc/self/fd/$d/$f" > /dev/null 2>> "/tmp/td.$name.err"; then
					runs=$((runs + 1))
				else
					fails=$((fails + 1))
				fi
			done
		done
	done
	echo "$runs $fails" > "/tmp/td.$name"
}

# The namespaces go BATCH at a time (the kernel frees them in batches
# too), each with its own directory open outside.
BATCH=${BATCH:-5}
seen=0 gone=0 reads=0 failed=0 done_ns=0
t0=$EPOCHREALTIME
while [ "$done_ns" -lt "$NS_TEARDOWNS" ]; do
	fds=() pids=() names=()
	for j in $(seq "$BATCH"); do
		[ $((done_ns + j)) -le "$NS_TEARDOWNS" ] || break
		ns=td$((done_ns + j))
		names+=("$ns")
		ip netns add "$ns" && ip -n "$ns" link set lo up
		# Held connections (tracked sockets), then TIME-WAIT ones and a
		# listener that overflows, all inside the namespace.
		rm -f /tmp/td.open
		nsenter --net="/run/netns/$ns" tcpgen open -n "$NHELD" -p 7600 -r /tmp/td.open >/dev/null 2>&1 &
		pids+=($!)
		wait_for "[ -s /tmp/td.open ]"
		in_ns "$ns" tcpgen pairs -n 3 -p 7601 >/dev/null
		nsenter --net="/run/netns/$ns" tcpgen listen -b 1 -p 7602 >/dev/null 2>&1 &
		pids+=($!)
		in_ns "$ns" tcpgen connect -n 2 -w 0 127.0.0.1 7602 >/dev/null 2>&1
		# The directory, opened from outside through tcpgen's /proc entry.
		exec {d}< "/proc/$(cat /tmp/td.open)/net/tcpobs"
		fds+=("$d")
		# The outside reader sees the namespace's own sockets: as many
		# established ones as ss counts there.
		est=$(awk 'NR > 1 && $3 == "ESTAB"' "/proc/self/fd/$d/sockets" | wc -l)
		if [ "$est" = "$(in_ns "$ns" ss -tnH state established | wc -l)" ] && [ "$est" -ge $((2 * NHELD)) ]; then
			seen=$((seen + 1))
		else
			diag "$ns: $est established in its sockets file, ss: $(in_ns "$ns" ss -tnH state established | wc -l)"
		fi
	done
	rm -f /tmp/td.stop
	reader a "${fds[@]}" &
	ra=$!
	reader b "${fds[@]}" &
	rb=$!
	# The namespaces go: their names, then their last processes.
	for ns in "${names[@]}"; do ip netns del "$ns"; done
	kill "${pids[@]}" 2>/dev/null
	wait "${pids[@]}" 2>/dev/null
	# Their files vanish while the directories are still open: nothing
	# here held them alive.
	for d in "${fds[@]}"; do
		wait_for "! cat /proc/self/fd/$d/stats > /dev/null 2>&1" && gone=$((gone + 1))
	done
	touch /tmp/td.stop
	wait "$ra" "$rb"
	for d in "${fds[@]}"; do exec {d}<&-; done
	for r in a b; do
		read -r n f < "/tmp/td.$r"
		reads=$((reads + n)) failed=$((failed + f))
	done
	done_ns=$((done_ns + ${#names[@]}))
done
t1=$EPOCHREALTIME
diag "$NS_TEARDOWNS namespaces torn down under outside readers in" \
	"$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s: $reads reads, $failed failed"
check_eq "the outside reader saw each namespace's established sockets (as ss)" "$seen" "$NS_TEARDOWNS"
check_eq "each namespace went while its directory was open" "$gone" "$NS_TEARDOWNS"
check "reads completed while the namespaces lived ($reads)" test "$reads" -gt "$NS_TEARDOWNS"
check "reads failed once they were gone ($failed)" test "$failed" -gt 0
# Every failure was clean: the file gone, or its namespace dying.
cat /tmp/td.a.err /tmp/td.b.err 2>/dev/null | grep -v 'No such file or directory\|No such device or address' |
	sort | uniq -c | head -5 > /tmp/td.other
check_eq "every failed read failed cleanly (ENOENT or ENXIO)" "$(cat /tmp/td.other)" ""
check "the watch subscriber outlived them all" kill -0 "$watcher"
check_eq "none of the dying namespaces' events reached it" \
	"$(grep -c ':760[012] ' /tmp/td.watch)" 0
tcpgen pairs -n 3 -p 7603 >/dev/null
check "... and it still gets its own namespace's events" wait_for "grep -q ':7603 ' /tmp/td.watch"

# tcpobs's state went with the namespaces.
if debugfs_mount && [ -e /sys/kernel/debug/tcpobs/objects ]; then
	wait_for objects_agree
	read -r a k < /tmp/nets.agree
	check_eq "debugfs: tcpobs holds state for as many namespaces as the kernel has" "$a" "$k"
else
	tap_skip "debugfs: tcpobs holds state for as many namespaces as the kernel has" "no debugfs"
fi
rm -f /tmp/td.*
