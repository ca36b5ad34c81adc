#!/bin/bash
# The socket lifecycle table (/proc/net/tcpobs/sockets, lifetimes): rows
# equal to ss's sockets (tuples and cookies), CLOSE-WAIT ages, time-in-state
# histograms equal to the kernel's open counters, the table cap, isolation.
source "$(dirname "$0")/../lib.sh"
trap 'bg_cleanup; netns_cleanup' EXIT

check_eq "sockets header (first columns)" "$(head -n 1 /proc/net/tcpobs/sockets | cut -d' ' -f1-7)" \
	"local peer state age_in_state age transitions cookie"
check_eq "lifetimes header" "$(head -n 1 /proc/net/tcpobs/lifetimes)" "state from_us to_us count"

# --- 5 established connections (10 sockets) held open ----------------------
netns_new s1
tcpgen_bg s1 open -n 5 -p 7070
in_ns s1 ss -tanH state established | awk '{ print $(NF-1), $NF }' | sort > /tmp/s1.ss
sockets_rows s1 ESTAB | awk '{ print $1, $2 }' | sort > /tmp/s1.ours
check_file_eq "established: rows (local peer) equal ss's" /tmp/s1.ours /tmp/s1.ss
in_ns s1 ss -tanHe state established 2>/dev/null | grep -o 'sk:[0-9a-f]*' | cut -d: -f2 | sort > /tmp/s1.ss
sockets_rows s1 ESTAB | awk '{ print $7 }' | sort > /tmp/s1.ours
check_file_eq "established: cookies equal ss -e's" /tmp/s1.ours /tmp/s1.ss
check_eq "established: stats sockets is 10" "$(tcpobs_stat s1 sockets)" 10
netns_new s_iso
check_eq "isolation: another netns has no rows" "$(in_ns s_iso tail -n +2 /proc/net/tcpobs/sockets | wc -l)" 0
check_eq "isolation: another netns has sockets 0" "$(tcpobs_stat s_iso sockets)" 0
bg_cleanup
wait_for "[ \"\$(tcpobs_stat s1 sockets)\" = 0 ]"
check_eq "closed: no rows left" "$(in_ns s1 tail -n +2 /proc/net/tcpobs/sockets | wc -l)" 0
check_eq "closed: stats sockets back to 0" "$(tcpobs_stat s1 sockets)" 0

# --- CLOSE-WAIT: a server that does not close until 4.2 s have passed ------
# (it holds them until released: the checks take what time they take)
netns_new s2
nstat_snap s2 /tmp/s2.before
tcpgen_bg s2 closewait -n 4 -p 7071 -w 600
check_eq "close-wait: 4 rows in CLOSE-WAIT" "$(sockets_rows s2 CLOSE-WAIT | wc -l)" 4
check_eq "close-wait: ss agrees" "$(in_ns s2 ss -tanH state close-wait | wc -l)" 4
# cw_age: the youngest CLOSE-WAIT age. The VM's clock is read before the
# first reading and after the second, so the clock's interval holds the
# ages' one, however long each reading takes.
cw_age() { sockets_rows s2 CLOSE-WAIT | awk '{ print $4 }' | sort -n | head -n 1; }
t1=$EPOCHREALTIME
a1=$(cw_age)
wait_for "awk -v a=\"\$(cw_age)\" -v b=$a1 'BEGIN { exit !(a - b >= 1) }'"
a2=$(cw_age)
t2=$EPOCHREALTIME
check "close-wait: age in state grows as the clock does ($a1 -> ${a2:-nothing} s in $t1 -> $t2)" \
	awk -v a="$a1" -v b="$a2" -v t1="$t1" -v t2="$t2" \
	'BEGIN { d = b - a; c = t2 - t1; exit !(b != "" && d >= 1 && d <= c + 1) }'
# Past 4.2 s (the lifetime histogram's 4.2-8.4 s bucket or later), then
# released. Each socket's time in CLOSE-WAIT lies between the youngest age
# read just before the release and the oldest one plus the time from that
# reading to the last LAST-ACK: the histogram must put all 4 in buckets that
# meet that range (on a slow VM the reads alone can take seconds, so the
# range, not one fixed bucket, is what can be asserted).
wait_for "awk -v a=\"\$(cw_age)\" 'BEGIN { exit !(a >= 4.3) }'"
tr=$EPOCHREALTIME
sockets_rows s2 CLOSE-WAIT | awk '{ print $4 }' | sort -n > /tmp/s2.ages
release "$TCPGEN_PID"
wait "$BG_PID"
wait_for "[ \"\$(lifetime_count s2 LAST-ACK)\" = 4 ]"
td=$EPOCHREALTIME
nstat_snap s2 /tmp/s2.after
lo=$(head -n 1 /tmp/s2.ages)
hi=$(awk -v a="$(tail -n 1 /tmp/s2.ages)" -v t1="$tr" -v t2="$td" 'BEGIN { printf "%.3f", a + t2 - t1 }')
check_eq "close-wait closed: CLOSE-WAIT histogram counts 4" "$(lifetime_count s2 CLOSE-WAIT)" 4
check_eq "close-wait closed: the 4 ages read before the release are past 4.2 s" \
	"$(awk '$1 >= 4.194304' /tmp/s2.ages | wc -l)" 4
check_eq "close-wait closed: all 4 in buckets within ${lo:-nothing}-$hi s (none below 4.2 s)" \
	"$(in_ns s2 awk -v lo="$lo" -v hi="$hi" '$1 == "CLOSE-WAIT" && $2 >= 4194304 &&
		$3 / 1e6 > lo - 0.01 && $2 / 1e6 <= hi + 0.01 { s += $4 } END { print s + 0 }' /proc/net/tcpobs/lifetimes)" 4
check_eq "close-wait closed: LAST-ACK histogram counts 4" "$(lifetime_count s2 LAST-ACK)" 4
check_eq "SYN-SENT histogram equals TcpActiveOpens delta" "$(lifetime_count s2 SYN-SENT)" \
	"$(nstat_delta /tmp/s2.before /tmp/s2.after TcpActiveOpens)"
check_eq "SYN-RECV (handshake) histogram equals TcpPassiveOpens delta" "$(lifetime_count s2 SYN-RECV)" \
	"$(nstat_delta /tmp/s2.before /tmp/s2.after TcpPassiveOpens)"
check_eq "ESTAB histogram counts both ends of 4 connections" "$(lifetime_count s2 ESTAB)" 8
check_eq "close-wait closed: no rows left, sockets 0" \
	"$(in_ns s2 tail -n +2 /proc/net/tcpobs/sockets | wc -l) $(tcpobs_stat s2 sockets)" "0 0"

# --- the table cap: max_sockets=6, 10 sockets born ---------------------------
rmmod tcpobs && insmod "$TCPOBS_KO" max_sockets=6
netns_new s3
tcpgen_bg s3 open -n 5 -p 7072
check_eq "cap 6: sockets is 6" "$(tcpobs_stat s3 sockets)" 6
check_eq "cap 6: sockets_table_full is the overflow, 4" "$(tcpobs_stat s3 sockets_table_full)" 4
check_eq "cap 6: 6 rows" "$(in_ns s3 tail -n +2 /proc/net/tcpobs/sockets | wc -l)" 6
bg_cleanup
wait_for "[ \"\$(tcpobs_stat s3 sockets)\" = 0 ]"
check_eq "cap 6: back to 0 after close" "$(tcpobs_stat s3 sockets)" 0
tcpgen_bg s3 open -n 3 -p 7073
check_eq "cap 6: the freed room is reused (6 tracked, table_full still 4)" \
	"$(tcpobs_stat s3 sockets) $(tcpobs_stat s3 sockets_table_full)" "6 4"
bg_cleanup
rmmod tcpobs && insmod "$TCPOBS_KO"
check_eq "reload: module back with the default cap" "$(cat /sys/module/tcpobs/parameters/max_sockets)" 65536
