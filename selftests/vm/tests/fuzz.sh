#!/bin/bash
# The generic netlink family under a fuzzer (nlfuzz): random and mutated
# requests, as root and as uid 65534, each run in a namespace of its own.
# Every request the kernel must answer is answered, every reply is
# well-formed, unprivileged RESET and SET_OPTIONS fail with EPERM and
# change nothing, other namespaces are left alone, and the module keeps
# working. FUZZ_N sets the number of requests per run (default 300000;
# 50000 on the debug kernel, see abuse_scale in lib.sh; 100000 with
# TCPOBS_VOLUME=light),
# FUZZ_SEED the seed (default: the time, printed).
source "$(dirname "$0")/../lib.sh"
trap 'bg_cleanup; netns_cleanup' EXIT

FUZZ_N=${FUZZ_N:-$(abuse_scale 300000 50000 100000)}
FUZZ_SEED=${FUZZ_SEED:-$(date +%s)}
PROC_FILES="stats states lifetimes listeners timewait ecn"

if ! command -v nlfuzz >/dev/null; then
	tap_result 0 "nlfuzz is in the VM"
	exit 0
fi

# field NAME: the value after NAME in the summary line ($SUMMARY).
field() { awk -v n="$1" '{ for (i = 1; i < NF; i++) if ($i == n) { print $(i + 1); exit } }' <<<"$SUMMARY"; }

# snapshot NS DIR: the namespace's counters (the procfs files but the
# sockets list, whose ages move) and options, one file each in DIR.
snapshot() {
	local f
	mkdir -p "$2"
	for f in $PROC_FILES; do
		in_ns "$1" cat "/proc/net/tcpobs/$f" > "$2/$f"
	done
	in_ns "$1" nlfuzz -o > "$2/options"
}

# compare NAME BEFORE AFTER: every snapshot file unchanged.
compare() {
	local f
	for f in $PROC_FILES options; do
		check_file_eq "$1: $f unchanged" "$3/$f" "$2/$f"
	done
}

# fuzz NS WHO ARGS...: nlfuzz in NS; its output in $FUZZ_OUT, the summary
# line in $SUMMARY, the exit status in $FUZZ_RC. Prints the figures.
fuzz() {
	local ns=$1 who=$2 line
	shift 2
	FUZZ_OUT=$(in_ns "$ns" nlfuzz -n "$FUZZ_N" -s "$FUZZ_SEED" "$@" 2>/tmp/nlfuzz.err)
	FUZZ_RC=$?
	SUMMARY=$(grep '^sent ' <<<"$FUZZ_OUT")
	diag "nlfuzz $who on $(uname -r): $(field sent) requests in $(field seconds) s," \
		"$(field rate)/s, seed $FUZZ_SEED"
	diag "  $SUMMARY"
	# (no /dev/fd in the VM: no process substitution)
	grep '^errno ' <<<"$FUZZ_OUT" | while read -r line; do
		diag "  $line"
	done
	head -n 40 /tmp/nlfuzz.err | while read -r line; do
		diag "  stderr: $line"
	done
}

# checks_common WHO: what every run must show.
checks_common() {
	check_eq "$1: nlfuzz exits 0" "$FUZZ_RC" 0
	check "$1: at least $FUZZ_N requests sent ($(field sent))" test "$(field sent)" -ge "$FUZZ_N"
	check_eq "$1: nothing unanswered" "$(field unanswered)" 0
	check_eq "$1: nothing malformed" "$(field malformed)" 0
	check_eq "$1: no reply lost to a full receive buffer" "$(field overrun)" 0
	check_eq "$1: no EPERM for a command open to all" "$(field eperm_other)" 0
	check "$1: requests answered ($(field answered))" test "$(field answered)" -gt 0
	check "$1: dumps abandoned halfway ($(field abandoned))" test "$(field abandoned)" -gt 0
}

# still_works NS WHO: the module answers and counts after the fuzz.
still_works() {
	local a b
	check_eq "$2: the module still answers (nlprobe get-stats)" \
		"$(in_ns "$1" nlprobe get-stats)" "get-stats ok"
	if command -v tcpobs >/dev/null; then
		check "$2: tcpobs stats works" in_ns "$1" tcpobs stats
	fi
	check "$2: /proc/net/tcpobs/stats is readable" \
		bash -c 'ip netns exec "$1" cat /proc/net/tcpobs/stats | grep -q "^sockets "' _ "$1"
	a=$(state_count "$1" CLOSE SYN-SENT)
	in_ns "$1" tcpgen pairs -n 20 -p 9310 >/dev/null
	b=$(state_count "$1" CLOSE SYN-SENT)
	check "$2: connections are still counted ($a -> $b)" test "$b" -gt "$a"
}

# Connections held open in every namespace: something for the dumps to
# walk (the sockets dump takes several parts), counters that are not zero
# and do not move while nothing happens.
netns_new fz_root
netns_new fz_user
netns_new fz_other
for ns in fz_root fz_user fz_other; do
	tcpgen_bg "$ns" open -n 20 -p 9300 || tap_result 0 "$ns: tcpgen open started"
done
# Options away from their defaults, to see that nothing changes them.
check "options set in fz_user" in_ns fz_user nlfuzz -O 3:1234
check "options set in fz_other" in_ns fz_other nlfuzz -O 1:4321
check_eq "options read back" "$(in_ns fz_user nlfuzz -o)" "events 3 interval_ms 1234"
# (until the connections' last packets are counted)
quiet_for 0.5 'for f in $PROC_FILES; do in_ns fz_other cat /proc/net/tcpobs/$f; in_ns fz_user cat /proc/net/tcpobs/$f; done'
snapshot fz_other /tmp/fuzz.other.0
snapshot fz_user /tmp/fuzz.user.0
init_options=$(nlfuzz -o)
tcpobs_states "" > /tmp/fuzz.init.0

# --- as root, in fz_root -------------------------------------------------------
fuzz fz_root root
checks_common root
check "root: RESET and SET_OPTIONS reached ($(field priv))" test "$(field priv)" -gt 0
still_works fz_root root

# Nothing but fz_root changed: another namespace, the initial one.
snapshot fz_other /tmp/fuzz.other.1
compare "root fuzz, another namespace" /tmp/fuzz.other.0 /tmp/fuzz.other.1
check_eq "root fuzz: the initial namespace's options unchanged" "$(nlfuzz -o)" "$init_options"
# Its counters may grow (TIME_WAIT left by earlier tests expires), not reset.
tcpobs_states "" > /tmp/fuzz.init.1
check "root fuzz: the initial namespace's transition counts not reset" \
	awk 'FNR == NR { b[$1 " " $2] = $3; next } ($1 " " $2) in b && $3 < b[$1 " " $2] { bad = 1 }
		END { exit bad }' /tmp/fuzz.init.0 /tmp/fuzz.init.1

# --- as uid 65534, in fz_user ------------------------------------------------
FUZZ_SEED=$((FUZZ_SEED + 1))
fuzz fz_user unprivileged -u
checks_common unprivileged
priv=$(field priv)
check "unprivileged: RESET and SET_OPTIONS sent ($priv)" test "$priv" -gt 0
check_eq "unprivileged: all of them refused" "$(field priv_refused)" "$priv"
check_eq "unprivileged: none succeeded" "$(field priv_not_refused)" 0
check_eq "unprivileged: the well-formed ones all with EPERM" "$(field priv_not_eperm)" 0
check "unprivileged: EPERM counted ($(field eperm))" test "$(field eperm)" -gt 0
snapshot fz_user /tmp/fuzz.user.1
compare "unprivileged fuzz" /tmp/fuzz.user.0 /tmp/fuzz.user.1
snapshot fz_other /tmp/fuzz.other.2
compare "unprivileged fuzz, another namespace" /tmp/fuzz.other.0 /tmp/fuzz.other.2
still_works fz_user unprivileged
