#!/bin/bash
# The listener ledger (/proc/net/tcpobs/listeners, stats): listen drops
# attributed to the listener that suffered them, equal to the kernel's own
# counters; queue figures equal to ss's.
source "$(dirname "$0")/../lib.sh"
trap 'bg_cleanup; netns_cleanup' EXIT

hdr="local backlog accept_q accept_q_max syn_q syn_q_max listen_overflows listen_drops reqq_full_drops reqq_full_cookies syncookies_sent syncookies_recv syncookies_failed cookie"
check_eq "listeners header" "$(head -n 1 /proc/net/tcpobs/listeners)" "$hdr"

# every drop column of NS's listeners, summed, equals the kernel's delta
check_all_columns() {
	local ns=$1 before=$2 what=$3 c
	for c in $DROP_COLUMNS; do
		check_settled "$what: sum of $c over listeners equals ${NSTAT_OF[$c]} delta" \
			"listeners_sum $ns $c" "kernel_delta $ns $before ${NSTAT_OF[$c]}"
	done
}

# after the listeners closed: the namespace totals equal the kernel's
# deltas exactly (nothing moves any more), nothing unattributed or missed
check_totals_frozen() {
	local ns=$1 before=$2 what=$3 c
	nstat_snap "$ns" /tmp/nstat.frozen
	for c in $DROP_COLUMNS; do
		check_eq "$what: stats $c equals ${NSTAT_OF[$c]} delta after close" \
			"$(tcpobs_stat "$ns" "$c")" "$(nstat_delta "$before" /tmp/nstat.frozen "${NSTAT_OF[$c]}")"
		check_eq "$what: unattributed_$c is 0" "$(tcpobs_stat "$ns" "unattributed_$c")" 0
	done
	check_eq "$what: kprobe_missed is 0" "$(tcpobs_stat "$ns" kprobe_missed)" 0
}

# --- Overflow: backlog 1..4, never accepting, 8 connects each ---------------
for b in 1 2 3 4; do
	netns_new ov$b
	nstat_snap ov$b /tmp/ov$b.before
	listener_start ov$b -b $b -p 8080
done
# (the clients hold their connections until released, after the checks)
for b in 1 2 3 4; do
	tcpgen_bg ov$b connect -n 8 -w 600 127.0.0.1 8080
done
# overflowing: accept queue full and drops counted
overflowing() {	# overflowing NS PORT ACCEPT_Q
	[ "$(listener_col "$1" "$2" accept_q)" = "$3" ] &&
		[ "$(listener_col "$1" "$2" listen_overflows)" -gt 0 ]
}
for b in 1 2 3 4; do
	wait_for "overflowing ov$b 8080 $((b + 1))"
	check_eq "backlog $b: backlog column equals ss Send-Q" "$(listener_col ov$b 8080 backlog)" "$(ss_sendq ov$b 8080)"
	check_settled "backlog $b: accept_q equals ss Recv-Q" "listener_col ov$b 8080 accept_q" "ss_recvq ov$b 8080"
	check_eq "backlog $b: accept queue is full (backlog + 1)" "$(listener_col ov$b 8080 accept_q)" $((b + 1))
	check_eq "backlog $b: accept_q_max is backlog + 1" "$(listener_col ov$b 8080 accept_q_max)" $((b + 1))
	check_settled "backlog $b: syn_q equals ss SYN-RECV count" "listener_col ov$b 8080 syn_q" "ss_synrecv ov$b 8080"
	check "backlog $b: listen_overflows > 0" test "$(listener_col ov$b 8080 listen_overflows)" -gt 0
	check_settled "backlog $b: listen_overflows equals TcpExtListenOverflows delta" \
		"listener_col ov$b 8080 listen_overflows" "kernel_delta ov$b /tmp/ov$b.before TcpExtListenOverflows"
	check_settled "backlog $b: listen_drops equals TcpExtListenDrops delta" \
		"listener_col ov$b 8080 listen_drops" "kernel_delta ov$b /tmp/ov$b.before TcpExtListenDrops"
	# Ours first: SYN retransmits may still add drops to both meanwhile.
	o=$(listener_col ov$b 8080 listen_drops)
	d=$(ss_skdrops ov$b 8080)
	check "backlog $b: listen_drops <= the listener's sk_drops ($o <= ${d:-nothing: ss -m gave no d field})" \
		test -n "$d" -a "$o" -le "${d:-0}"
done
bg_cleanup
for b in 1 2 3 4; do
	wait_for "[ \"\$(listener_col ov$b 8080 backlog)\" = none ]"
	check_eq "backlog $b: closed listener leaves the listeners file" "$(listener_col ov$b 8080 backlog)" none
	check_totals_frozen ov$b /tmp/ov$b.before "backlog $b"
done

# --- Attribution: three listeners, two families, two overflowing ------------
netns_new attr
nstat_snap attr /tmp/attr.before
listener_start attr -b 1 -p 8001
listener_start attr -a ::1 -b 2 -p 8002
listener_start attr -b 128 -p 8003
tcpgen_bg attr connect -n 6 -w 600 127.0.0.1 8001
tcpgen_bg attr connect -n 6 -w 600 ::1 8002
tcpgen_bg attr connect -n 3 -w 600 127.0.0.1 8003
wait_for "overflowing attr 8001 2 && overflowing attr 8002 3 &&
	[ \"\$(listener_col attr 8003 accept_q)\" = 3 ]"
check_eq "attribution: three listeners listed" "$(in_ns attr tail -n +2 /proc/net/tcpobs/listeners | wc -l)" 3
check_eq "attribution: IPv6 listener shown as [::1]:8002" \
	"$(in_ns attr awk '$1 == "[::1]:8002" { print $1 }' /proc/net/tcpobs/listeners)" "[::1]:8002"
check "attribution: 127.0.0.1:8001 overflowed" test "$(listener_col attr 8001 listen_overflows)" -gt 0
check "attribution: [::1]:8002 overflowed" test "$(listener_col attr 8002 listen_overflows)" -gt 0
for c in $DROP_COLUMNS; do
	check_eq "attribution: healthy listener has $c 0" "$(listener_col attr 8003 $c)" 0
done
check_eq "attribution: healthy listener accept_q 3" "$(listener_col attr 8003 accept_q)" 3
check_all_columns attr /tmp/attr.before attribution
for p in 8001 8002; do
	o=$(listener_col attr $p listen_drops)
	d=$(ss_skdrops attr $p)
	check "attribution: port $p listen_drops <= its sk_drops ($o <= ${d:-nothing: ss -m gave no d field})" \
		test -n "$d" -a "$o" -le "${d:-0}"
done
bg_cleanup
wait_for "[ \"\$(tcpobs_stat attr listeners)\" = 0 ]"
check_totals_frozen attr /tmp/attr.before attribution

# --- SYN cookies always on (tcp_syncookies=2) --------------------------------
netns_new ck2
in_ns ck2 sysctl -qw net.ipv4.tcp_syncookies=2
nstat_snap ck2 /tmp/ck2.before
listener_start ck2 -b 2 -p 8080
tcpgen_bg ck2 connect -n 6 -w 600 127.0.0.1 8080
wait_for "[ \"\$(listener_col ck2 8080 syncookies_recv)\" -gt 0 ]"
check "cookies=2: syncookies_sent > 0" test "$(listener_col ck2 8080 syncookies_sent)" -gt 0
check "cookies=2: syncookies_recv > 0" test "$(listener_col ck2 8080 syncookies_recv)" -gt 0
check_all_columns ck2 /tmp/ck2.before "cookies=2"
bg_cleanup
wait_for "[ \"\$(tcpobs_stat ck2 listeners)\" = 0 ]"
check_totals_frozen ck2 /tmp/ck2.before "cookies=2"

# --- A full SYN queue, cookies on (1) and off (0) ----------------------------
# TCP_DEFER_ACCEPT keeps data-less handshakes in the SYN queue, so it fills;
# then the clients send data, completing them (and the cookie handshakes).
for ck in 1 0; do
	netns_new sq$ck
	in_ns sq$ck sysctl -qw net.ipv4.tcp_syncookies=$ck
	nstat_snap sq$ck /tmp/sq$ck.before
	listener_start sq$ck -b 2 -d 600 -p 8080
	# The clients send only once released, after the checks below.
	tcpgen_bg sq$ck connect -n 8 -w 600 -s 127.0.0.1 8080
	client=$TCPGEN_PID
	if [ $ck = 1 ]; then
		wait_for "[ \"\$(listener_col sq1 8080 syn_q)\" = 3 ] &&
			[ \"\$(listener_col sq1 8080 reqq_full_cookies)\" -gt 0 ]"
	else
		wait_for "[ \"\$(listener_col sq0 8080 syn_q)\" = 3 ] &&
			[ \"\$(listener_col sq0 8080 reqq_full_drops)\" -gt 0 ]"
	fi
	check_settled "cookies=$ck: syn_q equals ss SYN-RECV count" "listener_col sq$ck 8080 syn_q" "ss_synrecv sq$ck 8080"
	check_eq "cookies=$ck: SYN queue full (syn_q = backlog + 1)" "$(listener_col sq$ck 8080 syn_q)" 3
	check_eq "cookies=$ck: syn_q_max is backlog + 1" "$(listener_col sq$ck 8080 syn_q_max)" 3
	if [ $ck = 1 ]; then
		check "cookies=1: reqq_full_cookies > 0" test "$(listener_col sq1 8080 reqq_full_cookies)" -gt 0
		check "cookies=1: syncookies_sent > 0" test "$(listener_col sq1 8080 syncookies_sent)" -gt 0
	else
		check "cookies=0: reqq_full_drops > 0" test "$(listener_col sq0 8080 reqq_full_drops)" -gt 0
		check_eq "cookies=0: no cookies sent" "$(listener_col sq0 8080 syncookies_sent)" 0
	fi
	release "$client"
	if [ $ck = 1 ]; then
		wait_for "[ \"\$(listener_col sq1 8080 syncookies_recv)\" -gt 0 ]"
		check "cookies=1: syncookies_recv > 0 once clients send" \
			test "$(listener_col sq1 8080 syncookies_recv)" -gt 0
	fi
	check_all_columns sq$ck /tmp/sq$ck.before "cookies=$ck"
	bg_cleanup
	wait_for "[ \"\$(tcpobs_stat sq$ck listeners)\" = 0 ]"
	check_totals_frozen sq$ck /tmp/sq$ck.before "cookies=$ck"
done

# --- Listeners closing while their handshakes complete ----------------------
# A handshake completing (the client's data, past TCP_DEFER_ACCEPT, or a
# cookie's ACK) on one CPU while the listener closes on the other: the
# kernel counts a listen drop on a listener already in CLOSE, its port
# released. Every one is seen (the namespace totals equal nstat's), none
# unattributed. The clients are pinned to the other CPU than the listener.
netns_new lclose
in_ns lclose sysctl -qw net.ipv4.tcp_syncookies=1
nstat_snap lclose /tmp/lclose.before
for r in $(seq "$(abuse_scale 20 6 10)"); do
	TCPGEN_CPU=0 listener_start lclose -b 2 -d 600 -p 8080
	TCPGEN_CPU=1 tcpgen_bg lclose connect -n 8 -w 600 -s 127.0.0.1 8080
	wait_for "[ \"\$(listener_col lclose 8080 syn_q)\" = 3 ]"
	release "$TCPGEN_PID"
	kill "$LISTENER_PID"
	bg_cleanup
done
wait_for "[ \"\$(tcpobs_stat lclose listeners)\" = 0 ]"
check_totals_frozen lclose /tmp/lclose.before "closing listeners"

# --- Dual-stack [::] listener, IPv4-mapped connections: counted once --------
netns_new dual
nstat_snap dual /tmp/dual.before
listener_start dual -a :: -b 1 -p 8080
tcpgen_bg dual connect -n 6 -w 600 127.0.0.1 8080
wait_for "overflowing dual 8080 2"
check_eq "dual-stack: listener shown as [::]:8080" \
	"$(in_ns dual awk 'NR > 1 { print $1 }' /proc/net/tcpobs/listeners)" "[::]:8080"
check "dual-stack: listen_overflows > 0" test "$(listener_col dual 8080 listen_overflows)" -gt 0
check_settled "dual-stack: listen_overflows equals TcpExtListenOverflows delta (once, not twice)" \
	"listener_col dual 8080 listen_overflows" "kernel_delta dual /tmp/dual.before TcpExtListenOverflows"
check_settled "dual-stack: listen_drops equals TcpExtListenDrops delta" \
	"listener_col dual 8080 listen_drops" "kernel_delta dual /tmp/dual.before TcpExtListenDrops"
bg_cleanup
wait_for "[ \"\$(tcpobs_stat dual listeners)\" = 0 ]"
check_totals_frozen dual /tmp/dual.before dual-stack

# --- Namespaces: what happens in one is invisible in another -----------------
netns_new iso_a
netns_new iso_b
listener_start iso_a -b 1 -p 8080
tcpgen_bg iso_a connect -n 6 -w 600 127.0.0.1 8080
wait_for "overflowing iso_a 8080 2"
check "netns: iso_a's listener overflowed" test "$(listener_col iso_a 8080 listen_overflows)" -gt 0
check_eq "netns: iso_b lists no listener" "$(in_ns iso_b tail -n +2 /proc/net/tcpobs/listeners)" ""
check_eq "netns: iso_b's listen_overflows total is 0" "$(tcpobs_stat iso_b listen_overflows)" 0
check_eq "netns: iso_b's listen_drops total is 0" "$(tcpobs_stat iso_b listen_drops)" 0
check_eq "netns: the initial namespace does not list iso_a's listener" "$(listener_col "" 8080 backlog)" none
check_eq "netns: iso_b's listeners count is 0" "$(tcpobs_stat iso_b listeners)" 0
check_eq "netns: iso_a's listeners count is 1" "$(tcpobs_stat iso_a listeners)" 1
bg_cleanup

# --- Listeners that exist before the module loads are tracked ---------------
netns_new pre
listener_start pre -b 1 -p 8080
rmmod tcpobs && insmod "$TCPOBS_KO"
check_eq "a listener opened before insmod is listed" "$(listener_col pre 8080 backlog)" 1
nstat_snap pre /tmp/pre.before
tcpgen_bg pre connect -n 5 -w 600 127.0.0.1 8080
wait_for "[ \"\$(listener_col pre 8080 listen_overflows)\" -gt 0 ]"
check_settled "pre-existing listener: listen_overflows equals TcpExtListenOverflows delta" \
	"listener_col pre 8080 listen_overflows" "kernel_delta pre /tmp/pre.before TcpExtListenOverflows"
bg_cleanup

# --- Listeners left out of a full ledger are taken in once there is room ----
# max_listeners=4 and 6 listeners: the last 2 are left out (counted in
# listeners_table_full). Once 2 of the first 4 close, the repair scan takes
# them in within one repair interval: the ledger equals ss -ltn again, and
# the repaired listeners' drops are attributed.
netns_new lfull
existing=$(ss -ltnH | wc -l)
rmmod tcpobs && insmod "$TCPOBS_KO" max_listeners=$((existing + 4)) repair_interval=2
pids=()
for p in 9001 9002 9003 9004 9005 9006; do
	listener_start lfull -b 1 -p "$p"
	pids+=("$LISTENER_PID")
done
check_eq "full ledger: 4 of the 6 listeners tracked" "$(tcpobs_stat lfull listeners)" 4
check "full ledger: listeners_table_full counts the other 2" test "$(tcpobs_stat lfull listeners_table_full)" -ge 2
kill "${pids[0]}" "${pids[1]}"
t0=$SECONDS
wait_for "[ \"\$(tcpobs_stat lfull listeners)\" = 4 ]"
check "full ledger: the 2 left out are taken in within one interval (2 s) and a second ($((SECONDS - t0)) s)" \
	test $((SECONDS - t0)) -le 3
check_eq "full ledger: the ledger equals ss -ltn's listeners (ports)" \
	"$(in_ns lfull cat /proc/net/tcpobs/listeners | awk 'NR > 1 { n = split($1, a, ":"); print a[n] }' | sort | tr '\n' ' ')" \
	"$(in_ns lfull ss -ltnH | awk '{ n = split($4, a, ":"); print a[n] }' | sort | tr '\n' ' ')"
check_eq "full ledger: listeners_repaired is 2" "$(tcpobs_stat lfull listeners_repaired)" 2
nstat_snap lfull /tmp/lfull.before
tcpgen_bg lfull connect -n 5 -w 600 127.0.0.1 9006
wait_for "[ \"\$(listener_col lfull 9006 listen_overflows)\" -gt 0 ]"
check_settled "full ledger: a repaired listener's listen_overflows equal TcpExtListenOverflows delta" \
	"listener_col lfull 9006 listen_overflows" "kernel_delta lfull /tmp/lfull.before TcpExtListenOverflows"
bg_cleanup
rmmod tcpobs && insmod "$TCPOBS_KO"
