#!/bin/bash
# The generic netlink API (family "tcpobs", version 2, as
# Documentation/netlink/specs/tcpobs.yaml specifies it): every command
# answers a well-formed request, reading is open to all; every bad request
# (an attribute the command does not take, a wrong length, a value out of
# range, a version-1 request) is refused with the right errno and an
# extack message, and changes nothing; reset, set-options and the events
# group need CAP_NET_ADMIN; the module keeps answering. The probes run in a
# namespace of their own (nlprobe, selftests/progs/nlprobe.c: nlprobe -l
# lists its cases).
source "$(dirname "$0")/../lib.sh"
trap 'netns_cleanup' EXIT

grep -q '^tcpobs ' /proc/modules || insmod "$TCPOBS_KO"

NS=nl_v2
netns_new "$NS"

# probe [-u] CASE: "ERRNO extack" of the kernel's answer ("ok" on success).
probe() { in_ns "$NS" nlprobe "$@" | cut -d' ' -f2- | sed 's/ *$//'; }
# errno_of ANSWER: its errno ("ok" on success). msg_of ANSWER: its extack
# message; nothing when none came back (then ANSWER has no space).
errno_of() { echo "${1%% *}"; }
msg_of() { case $1 in *' '*) echo "${1#* }" ;; esac; }

# answers [-u] CASE WHAT: CASE succeeds (as uid 65534 with -u).
answers() {
	local u=''
	if [ "$1" = -u ]; then
		u=-u
		shift
	fi
	check_eq "$2${u:+, as uid 65534}: ok" "$(probe ${u:+"$u"} "$1")" ok
}

# refused [-u] CASE ERRNO WHAT [MESSAGE]: CASE is refused with ERRNO and an
# extack message: exactly MESSAGE when given, any (but one) otherwise.
# MESSAGE "-": none is required (the refusal comes before any parsing).
refused() {
	local u='' r
	if [ "$1" = -u ]; then
		u=-u
		shift
	fi
	r=$(probe ${u:+"$u"} "$1")
	check_eq "$3${u:+, as uid 65534}: $2" "$(errno_of "$r")" "$2"
	case ${4:-} in
	-) ;;
	'') check "... with an extack message ($r)" test -n "$(msg_of "$r")" ;;
	*) check_eq "... with the extack message \"$4\"" "$(msg_of "$r")" "$4" ;;
	esac
}

# options: the namespace's options, "events N interval_ms N".
options() { in_ns "$NS" nlfuzz -o; }

# --- every command answers; reading is open to all ----------------------------
for u in "" -u; do
	answers ${u:+"$u"} get-stats "get-stats (do)"
	answers ${u:+"$u"} get-options "get-options (do)"
	answers ${u:+"$u"} dump-states "get-states (dump)"
	answers ${u:+"$u"} dump-listeners "get-listener (dump)"
	answers ${u:+"$u"} dump-sockets "get-socket (dump)"
	answers ${u:+"$u"} dump-timewait "get-timewait (dump)"
	answers ${u:+"$u"} dump-lifetimes "get-lifetimes (dump)"
	answers ${u:+"$u"} dump-ecn "get-ecn (dump)"
	answers ${u:+"$u"} dump-features "get-features (dump)"
done
answers dump-listener-filter "get-listener with family 10 and port 22"
answers dump-socket-filter "get-socket with family 2, state 13 and 1 (the bounds), port 22"
answers dump-timewait-top "get-timewait with top 64 (the bound)"

# --- commands and ways of asking that do not exist -----------------------------
refused unknown-command EOPNOTSUPP "unknown command (200)" -
refused event-command EOPNOTSUPP "event (multicast only) as a request" -
refused do-of-dump EOPNOTSUPP "get-states (dump only) as a do" -
refused dump-of-do EOPNOTSUPP "get-stats (do only) as a dump" -
# Generic netlink checks the header's reserved field itself from 6.1 on
# (5.10's ignores it, for every family).
if kernel_at_least 6.1; then
	refused reserved-set EINVAL "genl reserved field set" "genlmsghdr.reserved field is not 0"
else
	tap_skip "genl reserved field set: EINVAL" \
		"$(uname -r)'s generic netlink does not check it (6.1 does)"
fi

# --- attributes a command does not take ---------------------------------------
refused unknown-attribute EINVAL "get-listener with addr (in its set, not in its policy)"
refused attribute-beyond-max EINVAL "get-listener with an attribute beyond its set"
refused listener-state EINVAL "get-listener with get-socket's state"
refused stats-attribute EINVAL "get-stats (no request attributes) with one"
refused states-attribute EINVAL "get-states (no request attributes) with one"
refused get-options-attribute EINVAL "get-options with set-options' events"
refused nest-flag-on-scalar EINVAL "get-socket family with NLA_F_NESTED"
refused v1-filter EINVAL "a version-1 socket dump with a nested filter"

# --- wrong lengths, values out of range -----------------------------------------
refused wrong-length EINVAL "get-timewait top as a u8 (a u32)"
refused port-wrong-length EINVAL "get-listener port in 4 bytes (2)"
refused truncated EINVAL "an attribute longer than the message"
refused out-of-range ERANGE "get-timewait top 0 (1..64)"
refused top-too-large ERANGE "get-timewait top 65 (1..64)"
refused dump-state-zero ERANGE "get-socket state 0 (1..13)"
refused dump-bad-state ERANGE "get-socket state 14 (1..13)"
refused dump-bad-family ERANGE "get-socket family 11 (2..10)"
refused listener-bad-family ERANGE "get-listener family 11 (2..10)"

# --- set-options and reset: refused ones change nothing ---------------------------
check "options set away from the defaults (nlfuzz -O 1:1234)" in_ns "$NS" nlfuzz -O 1:1234
refused interval-zero ERANGE "set-options interval-ms 0 (1..60000)"
refused interval-too-large ERANGE "set-options interval-ms 60001 (1..60000)"
refused bad-event-mask EINVAL "set-options events 4 (mask 0x3)"
refused empty-options EINVAL "set-options without an attribute" "no option given"
refused options-one-bad ERANGE "set-options events 2 with interval-ms 0"
refused -u set-options EPERM "set-options needs CAP_NET_ADMIN" -
refused -u set-options-max EPERM "set-options needs CAP_NET_ADMIN" -
check_eq "the refused set-options changed no option" "$(options)" "events 1 interval_ms 1234"

# Transitions to reset: connections made and closed in the namespace.
in_ns "$NS" tcpgen pairs -n 5 -p 9410 >/dev/null
quiet_for 0.5 'tcpobs_states "$NS"'
tcpobs_states "$NS" > /tmp/netlink.states.0
check "transitions counted ($(awk '{ s += $3 } END { print s + 0 }' /tmp/netlink.states.0))" \
	awk '{ s += $3 } END { exit !(s > 0) }' /tmp/netlink.states.0
refused reset-attribute EINVAL "reset (no request attributes) with one"
# Version 1's SET_OPTIONS is version 2's reset: refused for its attribute.
refused v1-set-options EINVAL "a version-1 set-options (now the number of reset)"
refused -u v1-set-options EPERM "... which needs CAP_NET_ADMIN" -
refused -u reset EPERM "reset needs CAP_NET_ADMIN" -
tcpobs_states "$NS" > /tmp/netlink.states.1
check "the refused resets reset no transition count" \
	awk 'FNR == NR { b[$1 " " $2] = $3; n++; next } { a[$1 " " $2] = $3 }
		END { for (k in b) if (!(k in a) || a[k] < b[k]) bad = 1; exit bad || !n }' \
	/tmp/netlink.states.0 /tmp/netlink.states.1
check_eq "... nor any option" "$(options)" "events 1 interval_ms 1234"

answers set-options "set-options interval-ms 100 as root"
check_eq "... sets that option only" "$(options)" "events 1 interval_ms 100"
answers set-options-max "set-options events 3 interval-ms 60000 (the bounds) as root"
check_eq "... sets both" "$(options)" "events 3 interval_ms 60000"
answers reset "reset as root"
tcpobs_states "$NS" > /tmp/netlink.states.2
check "... resets the transition counts" \
	awk 'FNR == NR { b += $3; next } { a += $3 } END { exit !(a < b) }' \
	/tmp/netlink.states.1 /tmp/netlink.states.2

# --- the events group ---------------------------------------------------------------
answers join-events "joining the events group as root"
# Only CAP_NET_ADMIN may join where the kernel checks it: 6.7's
# GENL_MCAST_CAP_NET_ADMIN, in 6.1 and 5.10 by stable backports (5.10's
# with the op flag). A 5.10 without the backport lets anyone join: a SKIP.
r=$(probe -u join-events)
if [[ $(uname -r) == 5.10* ]] && [ "$r" = ok ]; then
	tap_skip "joining the events group needs CAP_NET_ADMIN: EPERM" \
		"$(uname -r) lets anyone join (no backport of GENL_MCAST_CAP_NET_ADMIN)"
else
	check_eq "joining the events group needs CAP_NET_ADMIN: EPERM" "$r" EPERM
fi

check_eq "the module still answers after all that" "$(probe get-stats)" ok
check_eq "... in the initial namespace too" "$(nlprobe get-stats)" "get-stats ok"
