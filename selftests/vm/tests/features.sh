#!/bin/bash
# /proc/net/tcpobs/features: what tcpobs says at load about each feature,
# against the kernel's own symbol table (a feature is exact exactly when
# every function it probes is in /proc/kallsyms with no compiler-made copy
# beside it), the kernel log and the tool; then the MPTCP listener path:
# an MPTCP listener's overflows are attributed to it, not left
# unattributed.
source "$(dirname "$0")/../lib.sh"
trap 'bg_cleanup; netns_cleanup' EXIT

F=/proc/net/tcpobs/features
check_eq "features header" "$(head -n 1 $F)" "feature status reason"
check_eq "features: one row per feature, in order" \
	"$(awk 'NR > 1 { printf "%s ", $1 }' $F)" \
	"states listen_drops syn_cookies mptcp sockets timewait ecn "

# The functions each feature probes (the tracepoints' features probe none).
declare -A TARGETS=(
	[states]=""
	[listen_drops]="tcp_v4_conn_request tcp_v6_conn_request tcp_check_req tcp_req_err"
	[syn_cookies]="cookie_v4_check cookie_v6_check"
	[mptcp]="subflow_v4_conn_request subflow_v6_conn_request"
	[sockets]=""
	[timewait]="inet_twsk_kill __inet_twsk_schedule"
	[ecn]=""
)
awk '{ print $3 }' /proc/kallsyms > /tmp/ksyms
# A subsystem the kernel was built without: nothing to miss, so exact
# (its sysctl directory is the kernel's own evidence).
declare -A BUILT_IN=(
	[mptcp]=/proc/sys/net/mptcp
	[syn_cookies]=/proc/sys/net/ipv4/tcp_syncookies
)
# expected FEATURE: exact or degraded, from the symbol table alone.
expected() {
	local s
	if [ -n "${BUILT_IN[$1]:-}" ] && [ ! -e "${BUILT_IN[$1]}" ]; then
		echo exact
		return
	fi
	for s in ${TARGETS[$1]}; do
		grep -qx "$s" /tmp/ksyms || { echo degraded; return; }
		grep -qx -E "$s\.(isra|constprop|part)\.0" /tmp/ksyms && { echo degraded; return; }
	done
	echo exact
}
status() { awk -v f="$1" '$1 == f { print $2 }' $F; }
# This load's messages only: an earlier test (faults.sh) may have loaded
# tcpobs degraded on purpose.
echo "tcpobs-selftest: features.sh reloads tcpobs" > /dev/kmsg
rmmod tcpobs && insmod "$TCPOBS_KO"
dmesg | sed -n '/tcpobs-selftest: features.sh reloads tcpobs/,$p' > /tmp/dmesg.features
ndegraded=0
for f in states listen_drops syn_cookies mptcp sockets timewait ecn; do
	want=$(expected "$f")
	check_eq "$f: $want, as /proc/kallsyms has its targets (or /proc/sys: none built)" \
		"$(status "$f")" "$want"
	if [ "$(status "$f")" = degraded ]; then
		ndegraded=$((ndegraded + 1))
		reason=$(awk -v f="$f" '$1 == f { $1 = $2 = ""; sub(/^ +/, ""); print }' $F)
		check "$f: the kernel log says why ($reason)" \
			grep -qF "tcpobs: $f degraded: $reason" /tmp/dmesg.features
	else
		check "$f: the kernel log says nothing of it" \
			bash -c "! grep -q 'tcpobs: $f degraded' /tmp/dmesg.features"
	fi
done
# Debian's kernels are the ones tcpobs supports: every feature exact there.
if [ "${TCPOBS_KERNEL:-}" != debug ]; then
	check_eq "every feature is exact on Debian's $(uname -r)" "$ndegraded" 0
fi
# The tool, over netlink, shows the same.
check_eq "tcpobs features equals the file" \
	"$(tcpobs -H features | awk '{ print $1, $2 }')" "$(awk 'NR > 1 { print $1, $2 }' $F)"
check_eq "tcpobs -j features: one object per feature" \
	"$(tcpobs -j features | grep -o '"name"' | wc -l)" 7
tcpobs stats > /dev/null 2> /tmp/stats.err
check_eq "tcpobs stats warns once per degraded feature" \
	"$(grep -c 'figures are not exact on this kernel' /tmp/stats.err)" "$ndegraded"

# --- MPTCP: a listener that overflows -------------------------------------
if ! grep -qx subflow_v4_conn_request /tmp/ksyms; then
	tap_skip "MPTCP listener overflows attributed" "no MPTCP in $(uname -r)"
	exit 0
fi
netns_new mp
in_ns mp sysctl -qw net.mptcp.enabled=1 2>/dev/null
nstat_snap mp /tmp/mp.before
listener_start mp -M -b 2 -p 8090
check_eq "the MPTCP listener is in the ledger" "$(listener_col mp 8090 backlog)" 2
tcpgen_bg mp connect -n 8 -w 600 127.0.0.1 8090
wait_for "[ \"\$(listener_col mp 8090 listen_overflows)\" -gt 0 ] 2>/dev/null"
check "MPTCP listener: listen_overflows > 0" test "$(listener_col mp 8090 listen_overflows)" -gt 0
check_settled "MPTCP listener: listen_overflows equals TcpExtListenOverflows delta" \
	"listener_col mp 8090 listen_overflows" "kernel_delta mp /tmp/mp.before TcpExtListenOverflows"
check_settled "MPTCP listener: listen_drops equals TcpExtListenDrops delta" \
	"listener_col mp 8090 listen_drops" "kernel_delta mp /tmp/mp.before TcpExtListenDrops"
check_eq "MPTCP listener: nothing unattributed" \
	"$(tcpobs_stat mp unattributed_listen_overflows)" 0
bg_cleanup
