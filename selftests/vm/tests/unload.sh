#!/bin/bash
# Load and unload tcpobs CYCLES times (100; 20 on the debug kernel, see
# abuse_scale in lib.sh, make check-debug FULL=1 for 100; 25 with
# TCPOBS_VOLUME=light) while it holds
# thousands of listeners in its ledger (NLISTEN: 2000; 500 on the debug
# kernel) and many tracked sockets (NHELD connections opened after each
# load, held until the next and closed: 400; none on the debug kernel in
# make check, where under this load each RCU grace period takes seconds
# and rmmod waits for about ten of them: with NHELD=100 a cycle took 20 s
# there, against 7.5 s without; the churn's sockets are tracked there),
# connections open and close, a listener overflows, bulk
# transfers run over a veth pair (through the ECN hooks), and readers go
# over every procfs file, every netlink dump and the event group, in two
# namespaces, racing every load and unload. On the debug kernel the
# module sleeps UNLOAD_DELAY_MS (20) between its teardown steps (its
# debug-only unload_delay_ms parameter), so that a reader or a probe
# running in a window between two steps is caught by KASAN. Any
# WARNING/BUG in the console, or a taint beyond O/E, fails the whole VM
# run (checked by selftests/vm/run); leaks are caught by kmemleak on the
# debug kernel (the suite's last check) and by tcpobs's own object
# counts. Here: every cycle worked with the ledger and the lifecycle table
# full of entries, every byte sent arrived, the readers raced the reloads,
# and the module counts exactly once reloaded.
source "$(dirname "$0")/../lib.sh"
trap 'touch /tmp/ul_rstop; kill $churn $sender $overflower 2>/dev/null; bg_cleanup; netns_cleanup' EXIT

CYCLES=${CYCLES:-$(abuse_scale 100 20 25)}
NLISTEN=${NLISTEN:-$(abuse_scale 2000 500)}
NHELD=${NHELD:-$(abuse_scale 400 0)}
UL_DUMPS=${UL_DUMPS:-1}
# On the debug kernel, the module pauses between its teardown steps
# (unload_delay_ms) unless told otherwise (UNLOAD_DELAY_MS=0).
[ "${TCPOBS_KERNEL:-}" != debug ] || UNLOAD_DELAY_MS=${UNLOAD_DELAY_MS:-20}
# The readers' pause between two passes, and the traffic's rates: a tenth
# on the debug kernel. There every process started and every object freed
# costs about ten times as much (KASAN, kmemleak, whose frees are RCU
# callbacks), and at the Debian kernels' rates the readers' processes and
# the traffic kept both vCPUs busy in the kernel: the first rmmod sat for
# minutes in rcu_barrier() (unregister_pernet_subsys) behind the flood of
# RCU callbacks they made.
UL_READ_PAUSE=${UL_READ_PAUSE:-$(abuse_scale 0.2 2)}
UL_CHURN_PAUSE=${UL_CHURN_PAUSE:-$(abuse_scale 0.02 0.2)}
UL_RATE=${UL_RATE:-$(abuse_scale 50mbit 5mbit)}
UL_BULK=${UL_BULK:-$(abuse_scale 4000000 1000000)}
# (the openers' longest hold, in seconds: the reloads release them sooner)
UL_HOLD=${UL_HOLD:-30}
netns_new ul_a
netns_new ul_o
veth_pair ul_c ul_d 6
rm -f /tmp/ul_*

grep -q '^tcpobs ' /proc/modules || insmod "$TCPOBS_KO"
params=()
if [ -n "${UNLOAD_DELAY_MS:-}" ] && [ -e /sys/module/tcpobs/parameters/unload_delay_ms ]; then
	params=("unload_delay_ms=$UNLOAD_DELAY_MS")
	rmmod tcpobs && insmod "$TCPOBS_KO" "${params[@]}"
	diag "teardown steps $UNLOAD_DELAY_MS ms apart (unload_delay_ms)"
fi

# The traffic is paced so that the reloads get CPU time too (the VM has 2
# vCPUs on one TCG thread): connections opening and closing in bursts,
( while :; do in_ns ul_a tcpgen pairs -n 5 -p 9100; sleep "$UL_CHURN_PAUSE"; done ) >/dev/null 2>&1 &
churn=$!
# NLISTEN listeners (the ledger's entries, found by the listener walk at
# every load),
[ "$NLISTEN" = 0 ] || listener_start ul_a -b 16 -n "$NLISTEN" -p 20000
# two openers of NHELD/2 connections each, held until the next load
# (then release_openers closes them, so that they open anew, and the
# next unload finds them all in the lifecycle table, which holds sockets
# born since the last load) or UL_HOLD seconds, again and again (at
# nice -10, as the reloads: under the load, at nice 0, reopening took
# 2.2 s a cycle, against 0.3 s idle),
for o in 1 2; do
	[ "$NHELD" -gt 0 ] || break
	( renice -10 -p $BASHPID >/dev/null
	while [ ! -e /tmp/ul_rstop ]; do
		in_ns ul_a tcpgen open -n $((NHELD / 2)) -p $((9400 + o)) -w "$UL_HOLD" \
			-r "/tmp/ul_open.$o" || sleep 0.2
	done ) >/dev/null 2>&1 &
	BGPIDS+=($!)
done
# a listener that never accepts, overflowing all along,
listener_start ul_o -b 1 -p 9200
( while [ ! -e /tmp/ul_ostop ]; do in_ns ul_o tcpgen connect -n 4 -w 1 127.0.0.1 9200; done ) >/dev/null 2>&1 &
overflower=$!
# bulk transfers of UL_BULK bytes over the veth pair at UL_RATE (the sink prints
# what it got),
in_ns ul_c tc qdisc add dev vul_c root tbf rate "$UL_RATE" burst 64kb latency 100ms
tcpgen_bg ul_d sink -a 10.6.0.2 -p 9300 > /tmp/ul_sink.out
( while [ ! -e /tmp/ul_stop ]; do in_ns ul_c tcpgen send -n 1 -b "$UL_BULK" 10.6.0.2 9300 || echo "fail: exit $?"; done ) > /tmp/ul_sent.out 2>&1 &
sender=$!
# and readers, one pass after another (0.2 s apart, so that the VM's two
# vCPUs still run the reloads), each counting its reads that worked and
# those that found the module gone ("ok gone" in /tmp/ul_r.NAME): every
# procfs file in two namespaces,
# ureader NAME COMMAND...: runs COMMAND until /tmp/ul_rstop exists.
ureader() {
	local name=$1 ok=0 gone=0 r
	shift
	while [ ! -e /tmp/ul_rstop ]; do
		for r in $("$@" 2>/dev/null); do
			if [ "$r" = ok ]; then ok=$((ok + 1)); else gone=$((gone + 1)); fi
		done
		sleep "$UL_READ_PAUSE"
	done
	echo "$ok $gone" > "/tmp/ul_r.$name"
}
# (each read says "ok" or "gone", so that a pass cut short by an unload
# still counts the reads before it)
procfs_all() {
	local f
	for f in states listeners listener_events stats timewait sockets lifetimes ecn; do
		if cat "/proc/net/tcpobs/$f" > /dev/null 2>&1; then echo ok; else echo gone; fi
	done
}
dumps_all() {
	local c
	for c in listeners sockets states timewait lifetimes ecn stats; do
		if tcpobs "$c" > /dev/null 2>&1; then echo ok; else echo gone; fi
	done
}
watch_one() {
	if timeout 10 tcpobs -c 1 watch all > /dev/null 2>&1; then echo ok; else echo gone; fi
}
readers=()
ureader procfs_a in_ns ul_a bash -c "$(declare -f procfs_all); procfs_all" &
readers+=($!)
ureader procfs_init procfs_all &
readers+=($!)
# every netlink dump,
rnames="procfs_a procfs_init"
if [ "$UL_DUMPS" = 1 ]; then
	ureader dumps_a in_ns ul_a bash -c "$(declare -f dumps_all); dumps_all" &
	readers+=($!)
	ureader dumps_init dumps_all &
	readers+=($!)
	# and subscribers of the event group, each until its first event
	# (one that gets none in 10 s found the family gone under it).
	ureader watch in_ns ul_a bash -c "$(declare -f watch_one); watch_one" &
	readers+=($!)
	rnames="$rnames dumps_a dumps_init watch"
fi
# (the reloads start once a bulk transfer runs)
wait_for "[ -n \"\$(in_ns ul_c ss -tnH state established 'dport = :9300')\" ]"

# Before each unload: the ledger holds every listener, and the lifecycle
# table at least NHELD/2 sockets (half an opener's batch, both ends).
kernel_listeners() {
	local ns
	for ns in "" $(ip netns list | awk '{ print $1 }'); do in_ns "$ns" ss -ltnH; done | wc -l
}
full_ok=0 full_bad=
# unload: rmmod, again while it says EAGAIN. rmmod (busybox's and kmod's)
# never waits: while a netlink dump runs, it holds a reference to the
# module, and the unload is refused until the dump ends. Retries are
# counted in $busy.
busy=0
unload() {
	local end=$((${EPOCHREALTIME%.*} + WAIT_S))
	until rmmod tcpobs 2>/tmp/ul_rmmod.err; do
		grep -q 'temporarily unavailable' /tmp/ul_rmmod.err &&
			[ "${EPOCHREALTIME%.*}" -lt "$end" ] || { cat /tmp/ul_rmmod.err; return 1; }
		busy=$((busy + 1))
		sleep 0.01
	done
}
# release_openers: each opener closes the batch it holds (SIGUSR1 ends
# tcpgen's hold; its pid is in its -r file, checked to be a tcpgen's still).
release_openers() {
	local o pid comm
	for o in 1 2; do
		pid= comm=
		read -r pid < "/tmp/ul_open.$o" 2>/dev/null || continue
		read -r comm < "/proc/$pid/comm" 2>/dev/null || continue
		[ "$comm" != tcpgen ] || kill -USR1 "$pid" 2>/dev/null
	done
	return 0
}
unload_ready() {
	[ "$(tcpobs_objects listeners)" -ge "$NLISTEN" ] &&
		[ "$(tcpobs_objects sockets)" -ge $((NHELD / 2)) ]
}
unloads=0 loads=0 t_wait=0 t_rm=0 t_ins=0
max_rm=0
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
# The reloads run at a higher priority than the traffic and the readers
# (nice -10): they still run on the other vCPU and whenever a reload
# sleeps (in a grace period, in an unload pause), so they still race
# every step, but they no longer starve it (measured on 6.1 before this:
# 7 s a cycle, 3.5 s of it in insmod that takes 0.3 s idle; on the debug
# kernel, with its one CPU of then, an rmmod never ended).
renice -10 -p $$ >/dev/null
t0=$EPOCHREALTIME
for i in $(seq "$CYCLES"); do
	a=$EPOCHREALTIME
	if wait_for -t 60 unload_ready; then
		full_ok=$((full_ok + 1))
	else
		full_bad="cycle $i: listeners $(tcpobs_objects listeners), sockets $(tcpobs_objects sockets)"
	fi
	b=$EPOCHREALTIME
	unload && unloads=$((unloads + 1))
	c=$EPOCHREALTIME
	insmod "$TCPOBS_KO" "${params[@]}" && loads=$((loads + 1))
	release_openers
	d=$EPOCHREALTIME
	t_wait=$((t_wait + $(ms "$a" "$b"))) t_rm=$((t_rm + $(ms "$b" "$c"))) t_ins=$((t_ins + $(ms "$c" "$d")))
	[ "$(ms "$b" "$c")" -le "$max_rm" ] || max_rm=$(ms "$b" "$c")
done
t1=$EPOCHREALTIME
diag "$CYCLES reloads in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s:" \
	"waiting for the entries $((t_wait / 1000)) s, rmmod $((t_rm / 1000)) s (longest $max_rm ms)," \
	"insmod $((t_ins / 1000)) s; rmmod refused $busy times (a dump running)"
check_eq "every unload came with the ledger full ($NLISTEN+ listeners) and $((NHELD / 2))+ tracked sockets" \
	"$full_ok${full_bad:+ ($full_bad)}" "$CYCLES"
check_eq "$CYCLES unloads under traffic" "$unloads" "$CYCLES"
check_eq "$CYCLES loads under traffic" "$loads" "$CYCLES"
check "connection churn still running through the cycles" kill -0 "$churn"

# The bulk transfers: stop after the current one, then compare.
touch /tmp/ul_stop
wait "$sender"
sent=$(transfer_totals /tmp/ul_sent.out)
# (until the sink has read the last one to its end)
wait_for "[ \$(wc -l < /tmp/ul_sink.out) -ge ${sent%% *} ]"
got=$(transfer_totals /tmp/ul_sink.out)
diag "bulk transfers (count bytes): sent $sent, received $got"
# (a failed transfer leaves its error and "fail: exit N" in place of its size)
check_eq "bulk: no transfer failed" "$(grep -v '^[0-9]' /tmp/ul_sent.out | tr '\n' ' ')" ""
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
unload && insmod "$TCPOBS_KO" "${params[@]}"
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

# The readers raced the reloads: reads that worked, and reads that found
# the module (or its namespace's files, or its family) gone.
touch /tmp/ul_rstop
kill "$churn" 2>/dev/null
wait "${readers[@]}" "$churn" 2>/dev/null
for r in $rnames; do
	read -r ok gone < "/tmp/ul_r.$r" || { ok=none gone=none; }
	diag "reader $r: $ok reads worked, $gone found the module gone"
	[ "$r" = watch ] || check "reader $r: reads worked between the reloads ($ok)" test "$ok" -gt 0
	check "reader $r: reads found the module gone ($gone of $CYCLES unloads)" test "$gone" -gt 0
done
# The ledger holds exactly the kernel's listeners (every namespace), the
# lifecycle table goes back to what it held before the openers ran.
check_same "the ledger holds as many listeners as ss -lt counts" \
	"tcpobs_objects listeners" kernel_listeners
check_eq "... which are at least the $NLISTEN" \
	"$(in_ns ul_a ss -ltnH 'sport >= :20000' | wc -l)" "$NLISTEN"
bg_cleanup
check "module unloads cleanly at the end" rmmod tcpobs
check "its slab cache is gone with it" bash -c '! grep -q "^tcpobs" /proc/slabinfo'
check "module loads again" insmod "$TCPOBS_KO"
rm -f /tmp/ul_* "$before"
