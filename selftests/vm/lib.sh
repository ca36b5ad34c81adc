# shellcheck shell=bash
# (awk programs in single quotes, passed through in_ns:)
# shellcheck disable=SC2016
# Helpers for the tcpobs VM selftests: TAP output, network namespaces and
# the kernel's own counters (nstat) to compare against.
#
# TAP numbering runs across every test file of a suite run: the count is
# kept in $TAP_STATE (set by the suite; a lone test file gets its own).

: "${TAP_STATE:=/tmp/tap.state}"
[ -f "$TAP_STATE" ] || echo "0 0 0" > "$TAP_STATE"
TCPOBS_KO=${TCPOBS_KO:-/lib/tcpobs/tcpobs.ko}
# The KUnit suites' module (kunit.sh), there when the kernel has KUnit.
TCPOBS_KUNIT_KO=${TCPOBS_KUNIT_KO:-/lib/tcpobs/tcpobs_kunit.ko}

# abuse_scale FULL REDUCED [LIGHT]: an abuse test's volume (reloads,
# requests, namespaces). FULL on the Debian kernels; on the debug kernel,
# about 12 times slower under KASAN and lockdep, REDUCED unless
# TCPOBS_FULL=1 was given to selftests/vm/run (make check-debug FULL=1).
# With TCPOBS_VOLUME=light (make check gives it to the kernels in the
# Makefile's LIGHT_KERNELS, to keep CI's time), LIGHT when given: the same
# assertions over fewer rounds.
abuse_scale() {
	if [ "${TCPOBS_KERNEL:-}" = debug ] && [ "${TCPOBS_FULL:-}" != 1 ]; then
		echo "$2"
	elif [ "${TCPOBS_VOLUME:-}" = light ] && [ -n "${3:-}" ]; then
		echo "$3"
	else
		echo "$1"
	fi
}

# tap_result PASS(0|1) NAME [DIAGNOSTIC...]
tap_result() {
	local pass=$1 name=$2 n p f
	shift 2
	read -r n p f < "$TAP_STATE"
	n=$((n + 1))
	if [ "$pass" = 1 ]; then
		p=$((p + 1))
		echo "ok $n $name"
	else
		f=$((f + 1))
		echo "not ok $n $name"
		local line
		for line in "$@"; do
			printf '# %s\n' "$line"
		done
	fi
	echo "$n $p $f" > "$TAP_STATE"
}

# tap_skip NAME WHY: "ok N NAME # SKIP WHY" (counted as passed).
tap_skip() {
	local n p f
	read -r n p f < "$TAP_STATE"
	n=$((n + 1)) p=$((p + 1))
	echo "ok $n $1 # SKIP $2"
	echo "$n $p $f" > "$TAP_STATE"
}

# kernel_at_least MAJOR.MINOR: the running kernel is that series or newer.
kernel_at_least() {
	local want=$1 have
	have=$(uname -r)
	have=${have%%-*}
	awk -v w="$want" -v h="$have" 'BEGIN {
		split(w, a, "."); split(h, b, ".")
		exit !(b[1] + 0 > a[1] + 0 || (b[1] + 0 == a[1] + 0 && b[2] + 0 >= a[2] + 0)) }'
}

# check NAME COMMAND...: passes when COMMAND succeeds.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		tap_result 1 "$name"
	else
		tap_result 0 "$name" "command failed: $*" "$out"
	fi
}

# check_eq NAME GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then
		tap_result 1 "$1"
	elif [ -z "$2" ]; then
		tap_result 0 "$1" "got:  nothing (the reading came back empty)" "want: $3"
	else
		tap_result 0 "$1" "got:  $2" "want: $3"
	fi
}

# How long a test waits for a condition before it fails, in seconds of the
# VM's clock. Generous: a wait ends as soon as its condition holds, so only
# a failing test ever waits this long.
WAIT_S=${WAIT_S:-120}

# Polling without a process per poll: on the debug kernel every program
# started costs about 0.1 s (KASAN, kmemleak, lockdep), ss or nstat nearly
# a second, so the helpers below count in bash and nap with bash's read.
# deadline SECONDS: the VM clock's whole second SECONDS from now.
deadline() {
	local s=${1%.*}
	echo $((${EPOCHREALTIME%.*} + ${s:-0} + 1))
}
# nap SECONDS: sleeps, as bash's read timing out on a FIFO nobody writes.
nap() {
	if [ -z "${NAP_FD:-}" ]; then
		local f=/tmp/nap.$$.$RANDOM
		mkfifo "$f" && exec {NAP_FD}<>"$f"
		rm -f "$f"
	fi
	read -r -t "$1" -u "$NAP_FD" _ || :
}

nap 0

# wait_for [-t SECONDS] CONDITION: polls the shell CONDITION (a string,
# eval'd) every 0.1 s until it holds; after SECONDS (default $WAIT_S)
# prints what it waited for and fails. Tests wait for conditions, never
# for a fixed time.
wait_for() {
	local secs=$WAIT_S end
	if [ "$1" = -t ]; then
		secs=$2
		shift 2
	fi
	end=$(deadline "$secs")
	until eval "$1"; do
		if [ "${EPOCHREALTIME%.*}" -ge "$end" ]; then
			diag "waited ${secs}s in vain for: $1"
			return 1
		fi
		nap 0.1
	done
}

# quiet_for SECONDS CMD: waits until the output of the shell command CMD
# has not changed for SECONDS (retransmit timers still adding to a counter,
# say), at most $WAIT_S seconds.
quiet_for() {
	local secs=$1 cmd=$2 a b end
	end=$(deadline "$WAIT_S")
	b=$(eval "$cmd")
	while [ "${EPOCHREALTIME%.*}" -lt "$end" ]; do
		a=$b
		nap "$secs"
		b=$(eval "$cmd")
		[ "$a" = "$b" ] && return 0
	done
	diag "still changing after ${WAIT_S}s: $cmd"
	return 1
}

# check_file_eq NAME GOT_FILE WANT_FILE: the files are equal (diff shown).
check_file_eq() {
	local d
	if d=$(diff -u "$3" "$2"); then
		tap_result 1 "$1"
	else
		local IFS=$'\n'
		# shellcheck disable=SC2086
		tap_result 0 "$1" $d
	fi
}

diag() { printf '# %s\n' "$*"; }

# A fresh network namespace with loopback up. Removed by netns_cleanup.
NETNSES=()
netns_new() {
	local ns=$1
	ip netns add "$ns" || return 1
	ip -n "$ns" link set lo up || return 1
	NETNSES+=("$ns")
}

netns_cleanup() {
	local ns
	for ns in "${NETNSES[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	NETNSES=()
}

# transfer_totals FILE: "COUNT BYTES" of the transfers listed in FILE, one
# byte count a line (tcpgen send's and sink's output; "fail" lines skipped).
transfer_totals() {
	awk '$1 ~ /^[0-9]+$/ { n++; s += $1 } END { print n + 0, s + 0 }' "$1"
}

# in_ns NS COMMAND...: run COMMAND in namespace NS ("" is the initial one).
# (In the background, "in_ns NS CMD &" makes $! the subshell's pid, not
# CMD's: to kill CMD later, start it as "nsenter --net=/run/netns/NS CMD &".)
in_ns() {
	local ns=$1
	shift
	if [ -n "$ns" ]; then
		# (nsenter, not ip netns exec: that also makes a mount namespace
		# and mounts a sysfs, which on the debug kernel cost more than
		# the command run; no test reads /sys inside a namespace. The
		# command by its path: busybox's nsenter would run its own tc
		# or ip applet before Debian's.)
		local cmd=$1
		hash "$cmd" 2>/dev/null && cmd=${BASH_CMDS[$cmd]:-$cmd}
		shift
		nsenter --net="/run/netns/$ns" "$cmd" "$@"
	else
		"$@"
	fi
}

# nstat_snap NS FILE: every kernel counter of NS, absolute, in FILE.
nstat_snap() {
	in_ns "$1" nstat -asz > "$2"
}

# nstat_delta BEFORE AFTER NAME: the change of counter NAME.
nstat_delta() {
	awk -v n="$3" '
		FNR == NR { if ($1 == n) b = $2; next }
		$1 == n { a = $2 }
		END { printf "%d\n", a - b }' "$1" "$2"
}

# tcpobs_states NS: the transition matrix of NS as "FROM TO COUNT" lines,
# sorted, without the header.
tcpobs_states() {
	in_ns "$1" awk 'NR > 1' /proc/net/tcpobs/states | sort
}

# state_count NS FROM TO
state_count() {
	in_ns "$1" awk -v f="$2" -v t="$3" '$1 == f && $2 == t { c = $3 } END { print c + 0 }' \
		/proc/net/tcpobs/states
}

# --- the listener ledger -------------------------------------------------

# listener_start NS ARGS...: a never-accepting listener (tcpgen listen),
# in the background; returns once it listens. Its pid is in $LISTENER_PID.
listener_start() {
	local ns=$1 ready
	shift
	ready=$(mktemp -u /tmp/ready.XXXXXX)
	in_ns "$ns" ${TCPGEN_CPU:+taskset -c "$TCPGEN_CPU"} tcpgen listen -r "$ready" "$@" 2>>/tmp/listeners.err &
	wait_for "[ -s $ready ]" || return 1
	LISTENER_PID=$(cat "$ready")
	BGPIDS+=("$LISTENER_PID")
}

BGPIDS=()
bg_cleanup() {
	[ ${#BGPIDS[@]} -eq 0 ] || kill "${BGPIDS[@]}" 2>/dev/null
	wait 2>/dev/null
	BGPIDS=()
}

# listener_col NS PORT COLUMN: COLUMN of the listener on PORT.
listener_col() {
	in_ns "$1" awk -v p="$2" -v c="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 ~ (":" p "$") { print $col[c]; found = 1 }
		END { if (!found) print "none" }' /proc/net/tcpobs/listeners
}

# listeners_sum NS COLUMN: COLUMN summed over every listener of NS.
listeners_sum() {
	in_ns "$1" awk -v c="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{ s += $col[c] } END { print s + 0 }' /proc/net/tcpobs/listeners
}

# tcpobs_stat NS NAME: a value of /proc/net/tcpobs/stats.
tcpobs_stat() {
	in_ns "$1" awk -v n="$2" '$1 == n { v = $2 } END { print v }' /proc/net/tcpobs/stats
}

# ss figures of the listener on PORT: Recv-Q, Send-Q, and SYN-RECV count.
# (split by bash: on the debug kernel each program started costs ~0.1 s)
# shellcheck disable=SC2086
ss_recvq() { local l; l=$(in_ns "$1" ss -ltnH "sport = :$2") && set -- $l && echo "$2"; }
# shellcheck disable=SC2086
ss_sendq() { local l; l=$(in_ns "$1" ss -ltnH "sport = :$2") && set -- $l && echo "$3"; }
ss_synrecv() {
	local l
	l=$(in_ns "$1" ss -tanH state syn-recv "sport = :$2") || return
	local IFS=$'\n'
	# shellcheck disable=SC2086
	set -- $l
	echo $#
}
# The listener's sk_drops (ss -m "d"), a superset of its ListenDrops.
ss_skdrops() {
	in_ns "$1" ss -ltnmH "sport = :$2" | grep -o ',d[0-9]*)' | tr -dc 0-9
}

# The kernel's counter (nstat name) for each ledger column.
declare -A NSTAT_OF=(
	[listen_overflows]=TcpExtListenOverflows
	[listen_drops]=TcpExtListenDrops
	[reqq_full_drops]=TcpExtTCPReqQFullDrop
	[reqq_full_cookies]=TcpExtTCPReqQFullDoCookies
	[syncookies_sent]=TcpExtSyncookiesSent
	[syncookies_recv]=TcpExtSyncookiesRecv
	[syncookies_failed]=TcpExtSyncookiesFailed
)
DROP_COLUMNS="listen_overflows listen_drops reqq_full_drops reqq_full_cookies syncookies_sent syncookies_recv syncookies_failed"

# check_settled NAME OURS_CMD KERNEL_CMD: OURS equals KERNEL at a moment
# when OURS did not change while KERNEL was read (traffic such as SYN
# retransmits may still be moving both). Retried for up to $SETTLE_S
# seconds.
SETTLE_S=${SETTLE_S:-30}
check_settled() {
	local name=$1 a b k end
	end=$(deadline "$SETTLE_S")
	while :; do
		a=$(eval "$2")
		k=$(eval "$3")
		b=$(eval "$2")
		if [ "$a" = "$b" ] && [ "$a" = "$k" ]; then
			tap_result 1 "$name"
			return
		fi
		[ "${EPOCHREALTIME%.*}" -lt "$end" ] || break
		nap 0.2
	done
	tap_result 0 "$name" "ours: ${a:-nothing} then ${b:-nothing}" "kernel: ${k:-nothing}" \
		"(for ${SETTLE_S}s)"
}

# check_same NAME CMD_A CMD_B: the two commands' outputs agree, at a moment
# when nothing moved between them (retransmits may still be moving the
# counters on a slow kernel). Retried for up to $SETTLE_S seconds.
check_same() {
	local name=$1 a b end
	end=$(deadline "$SETTLE_S")
	while :; do
		a=$(eval "$2")
		b=$(eval "$3")
		if [ "$a" = "$b" ] && [ -n "$a" ]; then
			tap_result 1 "$name"
			return
		fi
		[ "${EPOCHREALTIME%.*}" -lt "$end" ] || break
		nap 0.3
	done
	tap_result 0 "$name" "got:  ${a:-nothing}" "want: ${b:-nothing}"
}

# kernel_delta NS BEFORE_FILE NSTAT_NAME: the counter's change since BEFORE
# (an nstat_snap file), read now from the files nstat reads, /proc/net/netstat
# and /proc/net/snmp (a header line, then its values; nstat's names join the
# two) and /proc/net/snmp6 (a name and its value per line): one program
# started, not nstat and three helpers, which on the debug kernel cost a
# second or more each time check_settled polls.
kernel_delta() {
	in_ns "$1" awk -v n="$3" '
		FILENAME == ARGV[1] { if ($1 == n) b = $2; next }
		FILENAME ~ /snmp6$/ { if ($1 == n) a = $2; next }
		$1 == p { for (i = 2; i <= NF; i++) if (pre h[i] == n) a = $i; p = ""; next }
		{ p = $1; pre = substr($1, 1, length($1) - 1); for (i = 2; i <= NF; i++) h[i] = $i }
		END { printf "%d\n", a - b }' "$2" /proc/net/netstat /proc/net/snmp /proc/net/snmp6
}

# --- TIME_WAIT and the lifecycle table -------------------------------------

# tcpgen_bg NS MODE ARGS...: tcpgen MODE in the background; returns once it
# wrote its ready file. $BG_PID is the job (to wait for), $TCPGEN_PID
# tcpgen's own pid (for signals: SIGUSR1 ends its current wait); both are
# killed by bg_cleanup. With $TCPGEN_CPU set, tcpgen runs on that CPU only.
tcpgen_bg() {
	local ns=$1 mode=$2 ready
	shift 2
	ready=$(mktemp -u /tmp/ready.XXXXXX)
	in_ns "$ns" ${TCPGEN_CPU:+taskset -c "$TCPGEN_CPU"} tcpgen "$mode" -r "$ready" "$@" 2>>/tmp/tcpgen.err &
	BG_PID=$!
	TCPGEN_PID=
	wait_for "[ -s $ready ]" || return 1
	TCPGEN_PID=$(cat "$ready")
	BGPIDS+=("$TCPGEN_PID")
}

# release PID: tcpgen PID ends its current wait (connect, closewait).
release() { kill -USR1 "$1"; }

# tw_stat NS NAME: a value of the first section of /proc/net/tcpobs/timewait.
# (from the file $TW_SNAP instead, when set: one reading for many checks)
tw_read() {
	if [ -n "${TW_SNAP:-}" ]; then cat "$TW_SNAP"; else in_ns "$1" cat /proc/net/tcpobs/timewait; fi
}
tw_stat() {
	tw_read "$1" |
		awk -v n="$2" 'NF == 0 { exit } $1 == n { v = $2 } END { print v }'
}

# tw_table NS HEADER: the rows ("key count") of the timewait section whose
# header's first column is HEADER.
tw_table() {
	tw_read "$1" |
		awk -v h="$2" 'NF == 0 { on = 0; next } on { print } $1 == h && $2 == "count" { on = 1 }'
}

# sockstat_tw NS: the kernel's TIME_WAIT count (/proc/net/sockstat "tw").
sockstat_tw() {
	in_ns "$1" awk '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "tw") print $(i + 1) }' /proc/net/sockstat
}

# lifetime_count NS STATE: histogram entries of STATE in the lifetimes file.
lifetime_count() {
	in_ns "$1" awk -v s="$2" 'NR > 1 && $1 == s { c += $4 } END { print c + 0 }' /proc/net/tcpobs/lifetimes
}

# sockets_rows NS STATE: rows of the sockets file in STATE.
sockets_rows() {
	in_ns "$1" awk -v s="$2" 'NR > 1 && $3 == s' /proc/net/tcpobs/sockets
}

# veth_pair A B N: namespaces A and B joined by a veth pair, A holding
# 10.N.0.1 and fd0N::1, B 10.N.0.2 and fd0N::2.
veth_pair() {
	local a=$1 b=$2 n=$3
	netns_new "$a" && netns_new "$b" || return 1
	ip link add "v$a" netns "$a" type veth peer name "v$b" netns "$b" || return 1
	ip -n "$a" addr add "10.$n.0.1/24" dev "v$a"
	ip -n "$b" addr add "10.$n.0.2/24" dev "v$b"
	ip -n "$a" addr add "fd0$n::1/64" dev "v$a" nodad
	ip -n "$b" addr add "fd0$n::2/64" dev "v$b" nodad
	ip -n "$a" link set "v$a" up
	ip -n "$b" link set "v$b" up
}

# ce_mark NS DEV: every ECT(0) packet leaving DEV becomes CE (tc pedit).
ce_mark() {
	in_ns "$1" tc qdisc add dev "$2" clsact &&
	in_ns "$1" tc filter add dev "$2" egress protocol ip u32 match u8 0x02 0x03 at 1 \
		action pedit munge offset 0 u32 set 0x00030000 retain 0x00030000 pipe action csum ip &&
	in_ns "$1" tc filter add dev "$2" egress protocol ipv6 u32 match u32 0x00200000 0x00300000 at 0 \
		action pedit munge offset 0 u32 set 0x00300000 retain 0x00300000
}

# ecn_stat NS NAME: a value of the totals section of /proc/net/tcpobs/ecn.
ecn_stat() {
	in_ns "$1" awk -v n="$2" 'NF == 0 { exit } $1 == n { v = $2 } END { print v }' \
		/proc/net/tcpobs/ecn
}

# ecn_row NS SIDE PORT COLUMN: COLUMN of a per-service row of the ecn file.
ecn_row() {
	in_ns "$1" awk -v s="$2" -v p="$3" -v c="$4" '
		$1 == "side" { for (i = 1; i <= NF; i++) col[$i] = i; on = 1; next }
		on && $1 == s && $2 == p { v = $col[c] } END { print v }' /proc/net/tcpobs/ecn
}

# --- leak checks ---------------------------------------------------------------

# debugfs_mount: /sys/kernel/debug mounted (once); fails without debugfs.
debugfs_mount() {
	grep -q ' /sys/kernel/debug debugfs ' /proc/mounts ||
		mount -t debugfs none /sys/kernel/debug 2>/dev/null
}

# tcpobs_objects NAME: a line of /sys/kernel/debug/tcpobs/objects (what
# tcpobs holds now, over every namespace).
tcpobs_objects() {
	debugfs_mount && awk -v n="$1" '$1 == n { print $2 }' /sys/kernel/debug/tcpobs/objects
}

# objects_agree: one reading of tcpobs's namespace count and the kernel's
# ("ours kernel's" in /tmp/nets.agree); fails while they differ (a deleted
# namespace goes from the kernel's list first, from tcpobs's after an RCU
# grace period). For wait_for.
objects_agree() {
	debugfs_mount && awk '$1 == "namespaces" { a = $2 } $1 == "kernel_namespaces" { k = $2 }
		END { print a " " k; exit a == "" || a != k }' /sys/kernel/debug/tcpobs/objects > /tmp/nets.agree
}
