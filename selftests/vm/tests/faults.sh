#!/bin/bash
# Failing allocations: the kernel's fault injection (failslab, and
# fail_page_alloc's filter, in debugfs; the debug kernel has them, see
# selftests/vm/debug.config) makes tcpobs's own allocations fail while it
# loads, while it tracks traffic (the probes' GFP_ATOMIC ledger and
# lifecycle entries), while it is read (procfs, every netlink command of
# the tool) and while it unloads. Only tcpobs's: a failure is injected
# only into an allocation with an address of the module area among the
# first 10 entries of its stack trace (require-start/require-end and
# stacktrace-depth, FAULT_INJECTION_STACKTRACE_FILTER): tcpobs's own
# allocations and those of the kernel functions it calls directly (an skb,
# a kvmalloc), not those deep in the kernel's own machinery, some of which
# WARN when they fail (disarming a kprobe at unload: "Failed to disarm
# kprobe-ftrace", found by this test with the whole stack searched; the
# allocators that dump their stack when they fail are left alone too,
# reject-start/-end, below). tcpobs is the only module the debug kernel
# loads, and the area holds its .text and .init.text alike.
# Checked: a load that fails does so cleanly (an error from finit_module, a
# message in dmesg, no module left; the suite's kmemleak scan and the
# console check do the rest), a retry without injection loads; every
# listener and socket the probes could not allocate an entry for is
# counted (alloc_failed, and listeners_table_full / sockets_table_full),
# so that tracked plus counted equals what ss shows; reads fail with an
# error, never a crash; and once the injection stops, the figures equal
# the kernel's again. On a kernel without fault injection (Debian's):
# one SKIP line.
source "$(dirname "$0")/../lib.sh"
FI=/sys/kernel/debug
trap 'fi_off; bg_cleanup; netns_cleanup' EXIT

# fi_off: no injection (a no-op without fault injection).
fi_off() {
	local a
	for a in failslab fail_page_alloc; do
		[ -e "$FI/$a/probability" ] || continue
		echo 0 > "$FI/$a/probability"
	done
}

if ! debugfs_mount || [ ! -e "$FI/failslab/require-start" ] ||
	[ ! -e "$FI/fail_page_alloc/require-start" ] || [ ! -e "/proc/$$/task/$$/fail-nth" ]; then
	tap_skip "faults: tcpobs under failing allocations" "no fault injection"
	exit 0
fi

# (how deep the stack trace is searched for the module area; see above)
FI_DEPTH=${FI_DEPTH:-10}
grep -q '^tcpobs ' /proc/modules || insmod "$TCPOBS_KO"
# The module area: from the end of the kernel's image to MODULES_END
# (x86-64's, 0xffffffffff000000). Only tcpobs may be loaded there.
kend=$(awk '$3 == "_end" { print $1 }' /proc/kallsyms)
others=$(awk '$1 != "tcpobs" { print $1 }' /proc/modules | tr '\n' ' ')
if [ -z "$kend" ] || [ "$kend" = 0000000000000000 ] || [ -n "$others" ]; then
	tap_result 0 "faults: the module area holds tcpobs only" "_end: ${kend:-none}" "other modules: $others"
	exit 0
fi
fi_setup() {
	local a
	for a in failslab fail_page_alloc; do
		echo 0 > "$FI/$a/probability"
		echo 0 > "$FI/$a/verbose"	# (a stack dump fails the VM run)
		echo 0 > "$FI/$a/space"
		echo 1 > "$FI/$a/interval"
		echo -1 > "$FI/$a/times"
		echo N > "$FI/$a/task-filter"
		echo "$FI_DEPTH" > "$FI/$a/stacktrace-depth"
		echo "0x$kend" > "$FI/$a/require-start"
		echo 0xffffffffff000000 > "$FI/$a/require-end"
	done
	# Sleeping allocations too (procfs, netlink, the module's init):
	# failslab only. (A page allocation that fails without __GFP_NOWARN
	# dumps its stack, as a failing alloc_percpu() does: fail_page_alloc
	# keeps ignoring sleeping and order-0 ones, and injects nothing by
	# probability; its filter matters to fail-nth, which counts every
	# fault attribute's calls.)
	echo N > "$FI/failslab/ignore-gfp-wait"
}
fi_setup
# The kernel's allocators that dump their stack when they fail (a "Call
# Trace:" fails the VM run): kmem_cache_create(), alloc_percpu(), vmalloc
# (kvmalloc's fallback, a kretprobe's instances). Their allocations are
# left alone: one reject range (reject-start/-end), from the first of them
# to the end of the last, in mm/ between percpu.c and vmalloc.c, which
# must not hold the slab allocator's entry points.
sym() { awk -v n="$1" '$3 == n { print $1; exit }' /proc/kallsyms; }
rej=$(for s in pcpu_alloc_noprof __kmem_cache_create_args __vmalloc_node_range_noprof; do sym $s; done | sort)
rej_lo=$(echo "$rej" | head -n 1)
rej_hi=$(echo "$rej" | tail -n 1)
rej_end=$(awk '$2 ~ /^[tT]$/ { print $1 }' /proc/kallsyms | sort -u | awk -v a="$rej_hi" '$1 > a { print; exit }')
inside=
for s in should_failslab __kmalloc_cache_noprof __kmalloc_noprof kmem_cache_alloc_noprof __kvmalloc_node_noprof; do
	a=$(sym $s)
	[[ -z "$a" || "$a" < "$rej_lo" || ! "$a" < "$rej_end" ]] || inside="$inside $s"
done
if [ "$(echo "$rej" | wc -w)" != 3 ] || [ -z "$rej_end" ] || [ -n "$inside" ]; then
	tap_result 0 "faults: a reject range for the allocators that dump their stack" \
		"symbols: $(echo "$rej" | tr '\n' ' ')end ${rej_end:-none}" "inside it:$inside"
	exit 0
fi
for a in failslab fail_page_alloc; do
	echo "0x$rej_lo" > "$FI/$a/reject-start"
	echo "0x$rej_end" > "$FI/$a/reject-end"
done
# fi_on PERCENT: failslab fails that share of tcpobs's allocations.
fi_on() {
	echo 1000000 > "$FI/failslab/times"
	echo "$1" > "$FI/failslab/probability"
}
# fi_injected: the failures injected since fi_on.
fi_injected() { echo $((1000000 - $(cat "$FI/failslab/times"))); }

loaded() { [ -e /sys/module/tcpobs ]; }
load_msgs() { dmesg | grep -c 'tcpobs: load failed'; }
degraded_msgs() { dmesg | grep -c 'tcpobs: .* degraded'; }

# --- load: the Nth allocation of the module's init fails --------------------
# fail-nth (per task): the Nth call that passes the filters fails, then no
# other. N walks from 1 up (every step at first, then in growing steps)
# until a load makes fewer than N such allocations; every load on the way
# must fail cleanly or load (a failure tcpobs can live with, such as a
# degraded feature, which it says). (finit: one finit_module() call;
# busybox's insmod would try again at once.)
rmmod tcpobs
netns_new fa_load	# (a second namespace for the init to set up)
max_loads=$(abuse_scale 40 30)
n=1 tries=0 failed=0 degraded=0 tolerated=0 bad=() done_at=
while [ "$tries" -lt "$max_loads" ]; do
	tries=$((tries + 1))
	m0=$(load_msgs) d0=$(degraded_msgs)
	finit -n "$n" "$TCPOBS_KO" 2>/tmp/fa.insmod
	rc=$?
	m1=$(load_msgs) d1=$(degraded_msgs)
	if [ "$rc" != 0 ]; then
		failed=$((failed + 1))
		if [ "$m1" != $((m0 + 1)) ] || loaded; then
			bad+=("n=$n: insmod rc $rc, $((m1 - m0)) 'load failed' messages, module $(loaded && echo present || echo absent): $(cat /tmp/fa.insmod)")
		fi
	elif grep -q '^finit: injected' /tmp/fa.insmod; then
		# A failure tcpobs lived with: a feature degraded (said so),
		# or something it can do without.
		[ "$d1" = "$d0" ] || degraded=$((degraded + 1))
		tolerated=$((tolerated + 1))
		rmmod tcpobs || bad+=("n=$n: rmmod after a tolerated failure failed")
	else
		done_at=$n
		break
	fi
	if [ "$n" -lt 12 ]; then n=$((n + 1)); else n=$((n * 5 / 4)); fi
done
diag "load: $failed loads failed, $tolerated loaded despite the failure ($degraded degraded), $tries tries, no failure left to inject at n=${done_at:-never}"
check_eq "load: every load that failed under injection failed cleanly (error, message, no module)" \
	"${bad[*]}" ""
check "load: injected failures made loads fail ($failed)" test "$failed" -gt 0
if [ -z "$done_at" ]; then
	loaded && rmmod tcpobs
	check "load: without injection, the module loads" insmod "$TCPOBS_KO"
else
	check "load: past the init's allocations (n=$done_at), the module loads" loaded
fi

# --- traffic: the probes' allocations fail half the time --------------------
# Listeners (the ledger's entries) and connections (the lifecycle table's)
# made while failslab fails 50% of tcpobs's allocations, held open.
netns_new fa
ltf0=$(tcpobs_stat fa listeners_table_full)
stf0=$(tcpobs_stat fa sockets_table_full)
af0=$(tcpobs_stat fa alloc_failed)
check_eq "traffic: alloc_failed starts at 0" "$af0" 0
NL=20 NC=20
fi_on 50
listener_start fa -p 8100 -n "$NL"
tcpgen_bg fa open -n "$NC" -p 8200
# Reads under injection: each either works or fails with an error.
reads=0 read_err=0 crashed=()
for _ in 1 2 3; do
	for f in /proc/net/tcpobs/*; do
		reads=$((reads + 1))
		in_ns fa cat "$f" > /dev/null 2>&1
		rc=$?
		[ "$rc" = 0 ] || read_err=$((read_err + 1))
		[ "$rc" -lt 128 ] || crashed+=("cat $f: $rc")
	done
	for c in stats listeners sockets states timewait lifetimes ecn features export diagnose "-j stats"; do
		reads=$((reads + 1))
		# shellcheck disable=SC2086
		in_ns fa tcpobs $c > /dev/null 2>/tmp/fa.tool
		rc=$?
		[ "$rc" = 0 ] || read_err=$((read_err + 1))
		[ "$rc" -lt 128 ] || crashed+=("tcpobs $c: $rc $(cat /tmp/fa.tool)")
	done
done
injected=$(fi_injected)
fi_off
diag "traffic: $injected failures injected; $read_err of $reads reads failed"
check_eq "reads under injection: none crashed" "${crashed[*]}" ""
check "reads under injection: some failed with an error ($read_err of $reads)" test "$read_err" -gt 0

ltf=$(( $(tcpobs_stat fa listeners_table_full) - ltf0 ))
stf=$(( $(tcpobs_stat fa sockets_table_full) - stf0 ))
af=$(tcpobs_stat fa alloc_failed)
tracked_l=$(tcpobs_stat fa listeners)
tracked_s=$(tcpobs_stat fa sockets)
ss_l=$(in_ns fa ss -ltnH | wc -l)
ss_s=$(in_ns fa ss -tanH state established | wc -l)
diag "listeners: $tracked_l tracked, $ltf untracked, ss $ss_l; sockets: $tracked_s tracked, $stf untracked, ss $ss_s; alloc_failed $af"
check_eq "traffic: ss shows the listeners and connections made" "$ss_l $ss_s" "$((NL + 1)) $((2 * NC))"
check "traffic: allocations failed, and were counted (alloc_failed $af)" test "$af" -gt 0
# (a listener left out and later taken in by the repair scan is in both)
rep=$(tcpobs_stat fa listeners_repaired)
check_eq "traffic: listeners tracked + untracked - repaired ($rep) = ss's listeners" \
	"$((tracked_l + ltf - rep))" "$ss_l"
check_eq "traffic: sockets tracked + untracked = ss's established sockets" "$((tracked_s + stf))" "$ss_s"
check_eq "traffic: alloc_failed = the untracked listeners + sockets (no cap was reached)" \
	"$af" "$((ltf + stf))"
check_eq "traffic: the ledger's rows = stats listeners" \
	"$(in_ns fa tail -n +2 /proc/net/tcpobs/listeners | wc -l)" "$tracked_l"
check_eq "traffic: the lifecycle table's rows = stats sockets" \
	"$(in_ns fa tail -n +2 /proc/net/tcpobs/sockets | wc -l)" "$tracked_s"
check_eq "traffic: the tool's alloc_failed = procfs's" \
	"$(in_ns fa tcpobs stats | awk '$1 == "alloc_failed" { print $2 }')" "${af:-none}"

# --- after: no injection, the figures equal the kernel's again -----------------
bg_cleanup
wait_for "[ \"\$(tcpobs_stat fa sockets)\" = 0 ] && [ \"\$(tcpobs_stat fa listeners)\" = 0 ]"
check_eq "after: every entry freed with its socket (sockets, listeners)" \
	"$(tcpobs_stat fa sockets) $(tcpobs_stat fa listeners)" "0 0"
listener_start fa -p 8300 -n 5
tcpgen_bg fa open -n 5 -p 8400
check_eq "after: stats listeners = ss's listeners" "$(tcpobs_stat fa listeners)" "$(in_ns fa ss -ltnH | wc -l)"
check_eq "after: stats sockets = ss's established sockets" "$(tcpobs_stat fa sockets)" \
	"$(in_ns fa ss -tanH state established | wc -l)"
check_eq "after: nothing more failed (alloc_failed still $af)" "$(tcpobs_stat fa alloc_failed)" "${af:-none}"

# --- unload under injection ---------------------------------------------------------
fi_on 50
rmmod tcpobs
rc=$?
injected=$(fi_injected)
fi_off
diag "unload: $injected failures injected"
check "unload under injection: rmmod worked (rc $rc), no module left" \
	eval "[ $rc = 0 ] && ! loaded"
bg_cleanup
check "unload: without injection, the module loads again" insmod "$TCPOBS_KO"
