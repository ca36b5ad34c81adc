#!/bin/bash
# The family's YNL spec (Documentation/netlink/specs/tcpobs.yaml) read by
# the kernel's own YNL CLI (tools/net/ynl/pyynl/cli.py from Debian's
# linux-source, run with --no-schema: the host validates the spec): in an
# overflow scenario (a listener that never accepts, its accept queue full,
# flooded until the clients stop; TIME_WAIT sockets; ECN negotiated), every
# operation of the spec is run with it in the namespace, and every figure
# it decodes equals the procfs files' and `tcpobs -j`'s. The comparisons
# are ../ynl_check.py's; selftests/vm/run puts Python into the VM only when
# scripts/ynl-gen --tools gives the CLI, else this test skips, saying why.
source "$(dirname "$0")/../lib.sh"
trap 'bg_cleanup; netns_cleanup' EXIT

YNL_CLI=/usr/local/lib/ynl/pyynl/cli.py
YNL_SPEC=/usr/local/share/tcpobs/tcpobs.yaml
CHECK=$(cd "$(dirname "$0")/.." && pwd)/ynl_check.py
if [ ! -f "$YNL_CLI" ] || [ ! -f "$YNL_SPEC" ] || ! command -v python3 >/dev/null; then
	tap_skip "ynl: the kernel's YNL CLI dumps every object of the family" \
		"$(cat /usr/local/share/tcpobs/ynl.missing 2>/dev/null || echo "no YNL CLI or python3 in the VM")"
	exit 0
fi
D=/tmp/ynl
rm -rf "$D"
mkdir -p "$D"
NS=ynl

# ynl ARGS...: the CLI in the namespace (the family answers per namespace).
ynl() { in_ns $NS python3 "$YNL_CLI" --spec "$YNL_SPEC" --no-schema --output-json "$@"; }

# feed PREFIX FILE: the checker's lines ("PASS<TAB>name", "FAIL<TAB>name
# <TAB>diagnostic...") as TAP results.
feed() {
	local prefix=$1
	local -a f
	while IFS=$'\t' read -r -a f; do
		case "${f[0]}" in
		PASS) tap_result 1 "$prefix${f[1]}" ;;
		FAIL) tap_result 0 "$prefix${f[1]}" "${f[@]:2}" ;;
		*) tap_result 0 "${prefix}ynl_check.py: ${f[*]}" ;;
		esac
	done < "$2"
}

# What each reply is compared with: procfs files, the tool's command.
declare -A PROCS=(
	[get-stats]="stats timewait ecn"
	[get-listener]="listeners listener_events"
	[get-socket]=sockets
	[get-timewait]=timewait
	[get-lifetimes]=lifetimes
	[get-ecn]=ecn
	[get-states]=states
	[get-features]=features
	[get-options]=""
)
declare -A TOOL=(
	[get-stats]=stats [get-listener]=listeners [get-socket]=sockets
	[get-timewait]=timewait [get-lifetimes]=lifetimes [get-ecn]=ecn
	[get-states]=states [get-features]=features
)
# get-options is read back with nlfuzz -o and compared with this.
OPT_EXPECT=

# ynl_round OP do|dump [PREFIX]: the procfs files, the CLI's reply to OP,
# tcpobs -j (nlfuzz -o for get-options), the procfs files again; compared
# once the files did not change meanwhile (up to 5 tries: a TIME_WAIT
# socket ages into the next bucket, one expires).
ynl_round() {
	local op=$1 mode=$2 prefix=${3:-} r=$D/$1 try last="" f
	if [ -z "${PROCS[$op]+set}" ]; then
		tap_result 0 "$op: an operation of the spec this test has no comparison for"
		return
	fi
	for try in 1 2 3 4 5; do
		[ "$try" = 5 ] && last=--last
		rm -rf "$r"
		mkdir -p "$r/before" "$r/after"
		[ -n "$OPT_EXPECT" ] && echo "$OPT_EXPECT" > "$r/expect.json"
		for f in ${PROCS[$op]}; do in_ns $NS cat "/proc/net/tcpobs/$f" > "$r/before/$f"; done
		ynl "--$mode" "$op" > "$r/ynl.json" 2> "$r/ynl.err"
		if [ "$op" = get-options ]; then
			in_ns $NS nlfuzz -o > "$r/tool.txt" 2>&1
		else
			in_ns $NS tcpobs -j "${TOOL[$op]}" > "$r/tool.json" 2> "$r/tool.err"
		fi
		for f in ${PROCS[$op]}; do in_ns $NS cat "/proc/net/tcpobs/$f" > "$r/after/$f"; done
		[ "$op" = get-listener ] && [ -z "$prefix" ] && nstat_snap $NS "$r/nstat.after"
		if ! python3 "$CHECK" compare "$op" "$r" $last > "$r/verdicts" 2> "$r/check.err"; then
			mapfile -t err < "$r/check.err"
			tap_result 0 "$prefix$op: ynl_check.py compare ran" "${err[@]: -12}"
			return
		fi
		grep -q '^RETRY' "$r/verdicts" || break
		diag "$op: $(cut -f 2 "$r/verdicts"); again"
	done
	feed "$prefix" "$r/verdicts"
}

python3 "$CHECK" ops "$YNL_SPEC" "$D/ops.json" > "$D/ops" 2> "$D/ops.err"
check "the spec's operations, read in the VM" test -s "$D/ops"

# --- the scenario ---------------------------------------------------------------
netns_new $NS
in_ns $NS sysctl -qw net.ipv4.tcp_ecn=1
nstat_snap $NS "$D/nstat.before"
listener_start $NS -b 2 -p 9090
listener_start $NS -a ::1 -b 4 -p 9091
# 127.0.0.1:9090's accept queue filled (backlog + 1), [::1]:9091's not.
tcpgen_bg $NS connect -n 3 -w 600 127.0.0.1 9090
tcpgen_bg $NS connect -n 2 -w 600 ::1 9091
wait_for "[ \"\$(listener_col $NS 9090 accept_q)\" = 3 ] && [ \"\$(listener_col $NS 9091 accept_q)\" = 2 ]"
# The flood: each SYN, retransmits too, overflows the full accept queue,
# until the clients stop; then nothing moves (no request sockets, no
# retransmits left), so every reading of a figure must be the same.
tcpgen_bg $NS connect -n 4 -w 600 127.0.0.1 9090
flood=$TCPGEN_PID flood_job=$BG_PID
wait_for "[ \"\$(listener_col $NS 9090 listen_overflows)\" -ge 6 ]"
kill "$flood"
wait "$flood_job" 2>/dev/null
quiet_for 1 "in_ns $NS cat /proc/net/tcpobs/listeners /proc/net/tcpobs/stats"
check "the listener overflowed" test "$(listener_col $NS 9090 listen_overflows)" -gt 0

# TIME_WAIT sockets (the clients close first), IPv4 and IPv6; compared at
# once (they leave after 60 s).
in_ns $NS tcpgen pairs -n 3 -p 7001 > /dev/null
in_ns $NS tcpgen pairs -6 -n 2 -p 7002 > /dev/null
ynl_round get-timewait dump

# --- every operation of the spec ------------------------------------------------------
mapfile -t ops < "$D/ops"
for line in "${ops[@]}"; do
	read -r op kind <<<"$line"
	case "$kind" in
	do|dump)
		[ "$op" = get-timewait ] && continue
		[ "$op" = get-options ] && OPT_EXPECT='{"events": [], "interval-ms": 100}'
		ynl_round "$op" "$kind"
		OPT_EXPECT=
		;;
	*)
		case "$op" in
		set-options|reset|event) ;;	# below
		*) tap_result 0 "$op: an operation of the spec ($kind) this test has no check for" ;;
		esac
		;;
	esac
done

# --- set-options, then get-options ---------------------------------------------------------
# action NAME ARGS...: the CLI's request ARGS succeeds.
action() {
	local name=$1 out rc
	shift
	out=$(ynl "$@" 2>&1)
	rc=$?
	tap_result "$([ $rc = 0 ] && echo 1 || echo 0)" "$name" "exit status $rc" "$out"
}
action "set-options (events listen-drops and states, interval-ms 250): accepted" \
	--do set-options --json '{"events": ["listen-drops", "states"], "interval-ms": 250}'
OPT_EXPECT='{"events": ["listen-drops", "states"], "interval-ms": 250}'
ynl_round get-options "do" "after set-options: "
OPT_EXPECT=

# --- event: a listen-drop multicast, received by the CLI ----------------------------------
action "set-options (events listen-drops, interval-ms 100): accepted" \
	--do set-options --json '{"events": "listen-drops", "interval-ms": 100}'
r=$D/event
mkdir -p "$r/after"
# (get-options is printed once the CLI has subscribed; -u: printed at once)
nsenter --net=/run/netns/$NS /usr/bin/python3 -u "$YNL_CLI" --spec "$YNL_SPEC" --no-schema \
	--output-json --subscribe events --do get-options --duration 120 > "$r/ynl.json" 2> "$r/ynl.err" &
sub=$!
if wait_for "grep -q interval-ms $r/ynl.json || ! kill -0 $sub 2>/dev/null"; then
	# One SYN to the full accept queue: one overflow, one event.
	in_ns $NS tcpgen connect -n 1 -w 0 127.0.0.1 9090
	wait_for -t 30 "grep -q '\"type\": \"listen-drop\"' $r/ynl.json || ! kill -0 $sub 2>/dev/null"
fi
kill "$sub" 2>/dev/null
wait "$sub" 2>/dev/null
for f in listeners listener_events stats; do in_ns $NS cat "/proc/net/tcpobs/$f" > "$r/after/$f"; done
if python3 "$CHECK" event "$r" > "$r/verdicts" 2> "$r/check.err"; then
	feed "" "$r/verdicts"
else
	mapfile -t err < "$r/check.err"
	tap_result 0 "event: ynl_check.py event ran" "${err[@]: -12}"
fi

# --- reset ----------------------------------------------------------------------------------
action "reset: accepted" --do reset
check_eq "reset: listen_overflows in /proc/net/tcpobs/stats is 0" "$(tcpobs_stat $NS listen_overflows)" 0
check_eq "reset: the listener's listen_overflows is 0" "$(listener_col $NS 9090 listen_overflows)" 0
ynl_round get-stats "do" "after reset: "
