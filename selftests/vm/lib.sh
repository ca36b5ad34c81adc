# shellcheck shell=bash
# Helpers for the tcpobs VM selftests: TAP output, network namespaces and
# the kernel's own counters (nstat) to compare against.
#
# TAP numbering runs across every test file of a suite run: the count is
# kept in $TAP_STATE (set by the suite; a lone test file gets its own).

: "${TAP_STATE:=/tmp/tap.state}"
[ -f "$TAP_STATE" ] || echo "0 0 0" > "$TAP_STATE"
TCPOBS_KO=${TCPOBS_KO:-/lib/tcpobs/tcpobs.ko}

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
	else
		tap_result 0 "$1" "got:  $2" "want: $3"
	fi
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

# in_ns NS COMMAND...: run COMMAND in namespace NS ("" is the initial one).
in_ns() {
	local ns=$1
	shift
	if [ -n "$ns" ]; then
		ip netns exec "$ns" "$@"
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
	in_ns "$1" cat /proc/net/tcpobs/states | tail -n +2 | sort
}

# state_count NS FROM TO
state_count() {
	in_ns "$1" cat /proc/net/tcpobs/states |
		awk -v f="$2" -v t="$3" '$1 == f && $2 == t { c = $3 } END { print c + 0 }'
}
