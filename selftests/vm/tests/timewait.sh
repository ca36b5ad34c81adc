#!/bin/bash
# The TIME_WAIT inventory (/proc/net/tcpobs/timewait): totals equal to the
# kernel's (sockstat tw, nstat TcpExtTW + TcpExtTWKilled), a breakdown by
# port and peer equal to counting ss's output, ages, expiry, isolation.
source "$(dirname "$0")/../lib.sh"
trap 'bg_cleanup; netns_cleanup' EXIT

# ss's TIME-WAIT (and FIN-WAIT-2 minisock) sockets of NS, "local peer".
ss_tw() { in_ns "$1" ss -tanH state time-wait state fin-wait-2 | awk '{ print $(NF-1), $NF }'; }
# strip ":port" and brackets from an ss address
ss_host() { sed -E 's/^\[(.*)\]:[0-9]+$/\1/; s/^([0-9.]+):[0-9]+$/\1/'; }

check_eq "timewait: first line is the totals header" "$(head -n 1 /proc/net/tcpobs/timewait)" "name value"
for h in local_port peer_port peer age; do
	check_eq "timewait: has a '$h count' table" "$(grep -c "^$h count\$" /proc/net/tcpobs/timewait)" 1
done

# --- 13 client-closed connections to three server ports --------------------
netns_new tw1
nstat_snap tw1 /tmp/tw1.before
in_ns tw1 tcpgen pairs -n 6 -p 8080 >/dev/null
in_ns tw1 tcpgen pairs -n 4 -p 8081 >/dev/null
in_ns tw1 tcpgen pairs -6 -n 3 -p 8082 >/dev/null
nstat_snap tw1 /tmp/tw1.after
# Every check of the block reads one snapshot of the table, sockstat and
# ss, taken together: the first minisocks expire 60 s after entry, and on
# a slow VM the block's own reads took half of that.
in_ns tw1 sh -c 'cat /proc/net/tcpobs/timewait > /tmp/tw1.tw; cat /proc/net/sockstat > /tmp/tw1.sockstat'
ss_tw tw1 > /tmp/tw1.ss
export TW_SNAP=/tmp/tw1.tw

# (tw is the kernel's own count, read by tcpobs: tracked and the key sums
# are tcpobs's own accounting, and must equal the kernel's sockstat)
sockstat_tw1=$(awk '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "tw") print $(i + 1) }' /tmp/tw1.sockstat)
check_eq "13 connections: tracked (tcpobs's rings) equals sockstat tw" "$(tw_stat tw1 tracked)" "$sockstat_tw1"
check_eq "13 connections: sockstat tw is 13" "$sockstat_tw1" 13
for k in local_port peer_port peer; do
	check_eq "13 connections: $k rows + other (tcpobs's key counts) equal sockstat tw" \
		"$(tw_table tw1 $k | awk '{ s += $2 } END { print s }')" "$sockstat_tw1"
done
check_eq "13 connections: tracked equals ss time-wait + fin-wait-2 count" "$(tw_stat tw1 tracked)" "$(wc -l < /tmp/tw1.ss)"
check_eq "13 connections: untracked is 0" "$(tw_stat tw1 untracked)" 0
# 6.1 counts TcpExtTW/TcpExtTWKilled when a minisock is scheduled, 5.10
# when its timer ends: entries, or (none yet) exits, against them.
twk=$(($(nstat_delta /tmp/tw1.before /tmp/tw1.after TcpExtTW) + $(nstat_delta /tmp/tw1.before /tmp/tw1.after TcpExtTWKilled)))
if kernel_at_least 6.1; then
	check_eq "13 connections: entries equal TcpExtTW + TcpExtTWKilled delta" "$(tw_stat tw1 entries)" "$twk"
else
	check_eq "13 connections: exits equal TcpExtTW + TcpExtTWKilled delta (counted at expiry before 6.1)" \
		"$(tw_stat tw1 exits)" "$twk"
fi
check_eq "13 connections: overflows equal TcpExtTCPTimeWaitOverflow delta" "$(tw_stat tw1 overflows)" \
	"$(nstat_delta /tmp/tw1.before /tmp/tw1.after TcpExtTCPTimeWaitOverflow)"
check_eq "13 connections: no exits yet" "$(tw_stat tw1 exits)" 0
check_eq "13 connections: kprobe_missed is 0" "$(tw_stat tw1 kprobe_missed)" 0

awk '{ n = split($2, a, ":"); print a[n] }' /tmp/tw1.ss | sort | uniq -c | awk '{ print $2, $1 }' > /tmp/tw1.want
tw_table tw1 peer_port | grep -v '^other ' | sort > /tmp/tw1.got
check_file_eq "peer_port breakdown equals ss counted by peer port" /tmp/tw1.got /tmp/tw1.want
check_eq "peer_port: other is 0" "$(tw_table tw1 peer_port | awk '$1 == "other" { print $2 }')" 0

awk '{ print $2 }' /tmp/tw1.ss | ss_host | sort | uniq -c | awk '{ print $2, $1 }' > /tmp/tw1.want
tw_table tw1 peer | grep -v '^other ' | sort > /tmp/tw1.got
check_file_eq "peer breakdown equals ss counted by peer address" /tmp/tw1.got /tmp/tw1.want

# local ports: 13 distinct ephemeral ports, the top rows plus "other"
awk '{ n = split($1, a, ":"); print a[n] }' /tmp/tw1.ss | sort | uniq -c | awk '{ print $2, $1 }' > /tmp/tw1.lports
bad=$(tw_table tw1 local_port | grep -v '^other ' | while read -r p c; do
	w=$(awk -v p="$p" '$1 == p { print $2 }' /tmp/tw1.lports)
	[ "$w" = "$c" ] || echo "port $p: ours $c, ss ${w:-none}"
done)
check_eq "local_port rows each equal ss's count for that port" "$bad" ""
check_eq "age buckets add up to tracked" "$(tw_table tw1 age | awk '{ s += $2 } END { print s }')" "$(tw_stat tw1 tracked)"

unset TW_SNAP

# --- another namespace sees none of it ------------------------------------
netns_new tw_iso
check_eq "isolation: other netns tracks no TIME-WAIT" "$(tw_stat tw_iso tracked)" 0
check_eq "isolation: other netns has entries 0" "$(tw_stat tw_iso entries)" 0
check_eq "isolation: other netns has no peer rows" "$(tw_table tw_iso peer | grep -vc '^other ')" 0

# --- ages: 3 minisocks over 4 s old, 2 new ----------------------------------
netns_new tw2
# (t0 before the entries: ages are whole seconds of the time since entry)
t0=$EPOCHREALTIME
in_ns tw2 tcpgen pairs -n 3 -p 8080 >/dev/null
# aged NS: how many are 4 s old or older (every bucket from 4s-8s up)
aged() { tw_table "$1" age | awk '$1 !~ /^(0s-1s|1s-2s|2s-4s)$/ { s += $2 } END { print s + 0 }'; }
wait_for "[ \"\$(aged tw2)\" = 3 ]"
t1=$EPOCHREALTIME
check "ages: 4 s of age reached no sooner than 4 s after entry (in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s)" \
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a >= 4) }'
t2=$EPOCHREALTIME
in_ns tw2 tcpgen pairs -n 2 -p 8081 >/dev/null
# One reading of the table for both claims: two readings straddle a bucket
# boundary when the machine is slow (the older ones moved 4s-8s -> 8s-16s
# between them and were counted twice).  An age is a bucket of the time
# since entry: the older ones may have aged past 4s-8s if getting here
# took long, never below it; the new ones are under 4 s.
# The new ones are under 4 s only if the reading came within 4 s of their
# start: on a slow VM it may not, and then that claim cannot be asserted.
tw_table tw2 age > /tmp/tw2.age
t3=$EPOCHREALTIME
old=$(awk '$1 !~ /^(0s-1s|1s-2s|2s-4s)$/ { s += $2 } END { print s + 0 }' /tmp/tw2.age)
new=$(awk '$1 ~ /^(0s-1s|1s-2s|2s-4s)$/ { s += $2 } END { print s + 0 }' /tmp/tw2.age)
took=$(awk -v a="$t2" -v b="$t3" 'BEGIN { printf "%.1f", b - a }')
check_eq "ages: all 5 in the age table, in one reading" "$((old + new))" 5
if awk -v t="$took" 'BEGIN { exit !(t < 4) }'; then
	check_eq "ages: the 3 older ones are 4 s old or older, in one reading" "$old" 3
	check_eq "ages: the 2 new ones are under 4s (read $took s after their start)" "$new" 2
else
	check "ages: the 3 older ones are 4 s old or older, in one reading ($old)" test "$old" -ge 3
	tap_skip "ages: the 2 new ones are under 4s" "the reading came $took s after their start"
fi

# --- expiry: FIN-WAIT-2 minisocks with tcp_fin_timeout=12 --------------------
# (the server holds its ends in CLOSE-WAIT until released, after the
# minisocks are gone; 12 s, not less: the three figures below must be read
# before they expire on a slow VM, and from one reading)
netns_new tw3
in_ns tw3 sysctl -qw net.ipv4.tcp_fin_timeout=12
nstat_snap tw3 /tmp/tw3.before
tcpgen_bg tw3 closewait -n 5 -p 9090 -w 600
cw=$TCPGEN_PID
wait_for "[ \"\$(tw_stat tw3 tracked)\" = 5 ]"
in_ns tw3 sh -c 'cat /proc/net/tcpobs/timewait; echo; cat /proc/net/sockstat; echo; ss -tanH state fin-wait-2 | sed "s/^/ss /"' > /tmp/tw3.snap
check_eq "fin-wait-2: tracked equals sockstat tw" \
	"$(awk '$1 == "tracked" { print $2; exit }' /tmp/tw3.snap)" \
	"$(awk '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "tw") print $(i + 1) }' /tmp/tw3.snap)"
check_eq "fin-wait-2: tracked is 5" "$(awk '$1 == "tracked" { print $2; exit }' /tmp/tw3.snap)" 5
check_eq "fin-wait-2: fin_wait2 is 5" "$(awk '$1 == "fin_wait2" { print $2; exit }' /tmp/tw3.snap)" 5
check_eq "fin-wait-2: ss shows 5 FIN-WAIT-2 minisocks" "$(grep -c '^ss ' /tmp/tw3.snap)" 5
# Their timers are armed to tcp_fin_timeout (12 s), not TIME-WAIT's 60 s:
# none can have waited 16 s or more. Then, 4 s on by ss's own timers, all
# 5 have waited 2 s or more (a minisock aged against 60 s would show 48 s).
check_eq "fin-wait-2: aged against tcp_fin_timeout (none 16 s or older)" \
	"$(awk '/^age count/ { a = 1; next } a && /^(16s-32s|32s-60s|60s\+) / { s += $2 } END { print s + 0 }' /tmp/tw3.snap)" 0
wait_for "in_ns tw3 ss -tanoH state fin-wait-2 | grep -o 'timewait,[0-9.]*' | awk -F, '\$2 > 8 { n++ } END { exit n > 0 }'"
in_ns tw3 sh -c 'cat /proc/net/tcpobs/timewait; ss -tanoH state fin-wait-2 | sed "s/^/ss /"' > /tmp/tw3.snap2
want=$(grep -o 'timewait,[0-9.]*' /tmp/tw3.snap2 | awk -F, '{ a = 12 - $2; b = a < 1 ? "0s-1s" : a < 2 ? "1s-2s" : a < 4 ? "2s-4s" : a < 8 ? "4s-8s" : "8s-16s"; n[b]++ } END { for (k in n) print k, n[k] }' | sort)
got=$(awk '/^age count/ { a = 1; next } a && $2 > 0 { print $1, $2 }' /tmp/tw3.snap2 | sort)
# (an age is whole seconds, rounded down, and ss's timer may be a second
# behind tcpobs's reading: the same buckets, or the next one down)
check "fin-wait-2: ages agree with ss's timers (ss: $(echo $want), ours: $(echo $got))" \
	awk -v w="$(echo $want)" -v g="$(echo $got)" 'BEGIN {
		split("0s-1s 1s-2s 2s-4s 4s-8s 8s-16s", o, " "); for (i in o) r[o[i]] = i
		nw = split(w, a, " "); ng = split(g, b, " "); lo = 9; hi = 0; n = 0
		for (i = 1; i < nw; i += 2) { if (r[a[i]] < lo) lo = r[a[i]]; if (r[a[i]] > hi) hi = r[a[i]] }
		for (i = 1; i < ng; i += 2) { if (!(b[i] in r) || r[b[i]] > hi || r[b[i]] < lo - 1) exit 1; n += b[i + 1] }
		exit n != 5 }'
wait_for "[ \"\$(sockstat_tw tw3)\" = 0 ]"
nstat_snap tw3 /tmp/tw3.after
check_eq "fin-wait-2 expired: tracked 0 and sockstat tw 0" "$(tw_stat tw3 tracked) $(sockstat_tw tw3)" "0 0"
check_eq "fin-wait-2 expired: tracked 0" "$(tw_stat tw3 tracked)" 0
check_eq "fin-wait-2 expired: exits equal entries" "$(tw_stat tw3 exits)" "$(tw_stat tw3 entries)"
check_eq "fin-wait-2 expired: entries equal TcpExtTW + TcpExtTWKilled delta" "$(tw_stat tw3 entries)" \
	$(($(nstat_delta /tmp/tw3.before /tmp/tw3.after TcpExtTW) + $(nstat_delta /tmp/tw3.before /tmp/tw3.after TcpExtTWKilled)))
check_eq "fin-wait-2 expired: no ports or peers left" "$(tw_table tw3 peer | grep -vc '^other ')" 0
check_eq "fin-wait-2 expired: keys 0" "$(tw_stat tw3 keys)" 0
release "$cw"
wait

# --- overflow: tcp_max_tw_buckets=3, 7 connections -------------------------
netns_new tw5
in_ns tw5 sysctl -qw net.ipv4.tcp_max_tw_buckets=3
nstat_snap tw5 /tmp/tw5.before
in_ns tw5 tcpgen pairs -n 7 -p 8080 >/dev/null
nstat_snap tw5 /tmp/tw5.after
check_eq "tw buckets full: overflows equal TcpExtTCPTimeWaitOverflow delta" "$(tw_stat tw5 overflows)" \
	"$(nstat_delta /tmp/tw5.before /tmp/tw5.after TcpExtTCPTimeWaitOverflow)"
check_eq "tw buckets full: 4 overflows" "$(tw_stat tw5 overflows)" 4
check_eq "tw buckets full: tracked 3 = sockstat tw" "$(tw_stat tw5 tracked) $(sockstat_tw tw5)" "3 3"

# --- minisocks from before tcpobs loaded are shown as untracked -------------
netns_new tw4
in_ns tw4 tcpgen pairs -n 4 -p 8080 >/dev/null
rmmod tcpobs && insmod "$TCPOBS_KO" repair_interval=0
check_eq "reload: the kernel still has the 4 minisocks (sockstat tw)" "$(sockstat_tw tw4)" 4
check_eq "reload: the 4 older minisocks are untracked" "$(tw_stat tw4 tracked) $(tw_stat tw4 untracked)" "0 4"

# --- self-repair: the inventory rebuilt from the kernel's tables -------------
# The 4 minisocks tcpobs missed (they predate the load) are taken in by the
# checker within one repair interval once repairs are on, with the
# breakdown equal to ss's, and the repair is counted.
echo 2 > /sys/module/tcpobs/parameters/repair_interval
t0=$SECONDS
wait_for "[ \"\$(tw_stat tw4 repairs)\" -ge 1 ]"
in_ns tw4 sh -c 'cat /proc/net/tcpobs/timewait > /tmp/tw4.tw; cat /proc/net/sockstat > /tmp/tw4.sockstat'
ss_tw tw4 > /tmp/tw4.ss
export TW_SNAP=/tmp/tw4.tw
check "repair: done within one interval (2 s) and the idle checker's 1 s of turning it on (took $((SECONDS - t0)) s)" test $((SECONDS - t0)) -le 4
check_eq "repair: tracked equals sockstat tw and untracked is 0" "$(tw_stat tw4 tracked) $(tw_stat tw4 untracked)" \
	"$(awk '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "tw") print $(i + 1) }' /tmp/tw4.sockstat) 0"
check_eq "repair: repaired counts the 4 minisocks" "$(tw_stat tw4 repaired)" 4
awk '{ n = split($2, a, ":"); print a[n] }' /tmp/tw4.ss | sort | uniq -c | awk '{ print $2, $1 }' > /tmp/tw4.want
tw_table tw4 peer_port | grep -v '^other ' | sort > /tmp/tw4.got
check_file_eq "repair: peer_port breakdown equals ss counted by peer port" /tmp/tw4.got /tmp/tw4.want
check_eq "repair: the 4 are aged (ages add up to 4)" "$(tw_table tw4 age | awk '{ s += $2 } END { print s }')" 4
unset TW_SNAP
in_ns tw4 tcpgen pairs -n 2 -p 8081 >/dev/null
check_eq "repair: new minisocks counted on top (tracked 6 = sockstat tw)" "$(tw_stat tw4 tracked) $(sockstat_tw tw4)" "6 6"
check_eq "repair: no more repairs once in agreement" "$(tw_stat tw4 repairs)" 1
