#!/bin/bash
# The tcpobs tool in the VM: its figures (over netlink) equal the procfs
# files and the kernel's counters; diagnose names the right cause; watch
# sees listen-drop events and reports gaps; errors are one clear line.
source "$(dirname "$0")/../lib.sh"
trap 'bg_cleanup; netns_cleanup' EXIT

if ! command -v tcpobs >/dev/null; then
	tap_result 0 "the tcpobs tool is in the VM"
	exit 0
fi

# norm: the text with runs of blanks squeezed (the tool aligns columns).
norm() { awk '{ $1 = $1; print }'; }
# jnum JSON KEY: the first number under "KEY" in JSON text.
jnum() { grep -o "\"$2\": *[-0-9]*" <<<"$1" | head -n 1 | grep -o -- '-\?[0-9]*$'; }

# --- an overflowing listener, a healthy one --------------------------------
netns_new t1
nstat_snap t1 /tmp/t1.before
listener_start t1 -b 2 -p 9090
listener_start t1 -b 128 -p 8080
tcpgen_bg t1 connect -n 10 -w 600 127.0.0.1 9090
tcpgen_bg t1 connect -n 3 -w 600 127.0.0.1 8080
wait_for "[ \"\$(listener_col t1 9090 accept_q)\" = 3 ] && [ \"\$(listener_col t1 9090 listen_overflows)\" -gt 0 ] &&
	[ \"\$(listener_col t1 8080 accept_q)\" = 3 ]"

check_same "stats: tcpobs stats equals /proc/net/tcpobs/stats" \
	"in_ns t1 tcpobs stats | norm | grep -v '^events_'" \
	"in_ns t1 cat /proc/net/tcpobs/stats | norm | grep -v '^events_'"
check_same "listeners: tcpobs listeners equals the procfs file (sorted)" \
	"in_ns t1 tcpobs listeners | norm | sort" "in_ns t1 cat /proc/net/tcpobs/listeners | norm | sort"
j=$(in_ns t1 tcpobs -j listeners port 9090)
check_settled "listeners -j: listen_overflows equals TcpExtListenOverflows delta" \
	"jnum \"\$(in_ns t1 tcpobs -j listeners port 9090)\" listen_overflows" \
	"kernel_delta t1 /tmp/t1.before TcpExtListenOverflows"
check_eq "listeners -j port 9090: backlog 2" "$(jnum "$j" backlog)" 2
check_eq "listeners port 8080: one row" "$(in_ns t1 tcpobs -H listeners port 8080 | wc -l)" 1
check_same "states: tcpobs states equals the procfs file" \
	'in_ns t1 tcpobs states | norm | sort' 'in_ns t1 cat /proc/net/tcpobs/states | norm | sort'
check_eq "sockets state estab: as many rows as the procfs ESTAB rows" \
	"$(in_ns t1 tcpobs -H sockets state estab | wc -l)" "$(sockets_rows t1 ESTAB | wc -l)"
check_eq "timewait: totals equal the procfs file's" \
	"$(in_ns t1 tcpobs timewait | norm | awk 'NF == 0 { exit } { print }' | grep -v '^kprobe')" \
	"$(in_ns t1 cat /proc/net/tcpobs/timewait | norm | awk 'NF == 0 { exit } { print }' | grep -v '^kprobe')"

# (compared when settled: the held clients' SYN retransmits still count)
check_same "ecn: totals equal the procfs file's" \
	"in_ns t1 tcpobs ecn | norm | awk 'NF == 0 { exit } { print }'" \
	"in_ns t1 cat /proc/net/tcpobs/ecn | norm | awk 'NF == 0 { exit } { print }'"
check_same "lifetimes: equal the procfs file" \
	'in_ns t1 tcpobs lifetimes | norm | sort' 'in_ns t1 cat /proc/net/tcpobs/lifetimes | norm | sort'
e=$(in_ns t1 tcpobs export)
check "export: Prometheus series for the overflowing listener" \
	grep -q 'tcpobs_listener_drops_total{.*port="9090".*cause="listen_overflows".*} [1-9]' <<<"$e"
check "export: # TYPE lines" grep -q '^# TYPE tcpobs_listener_drops_total counter' <<<"$e"
d=$(in_ns t1 tcpobs -j diagnose port 9090)
check "diagnose: the never-accepting listener is accept_queue_full" grep -q '"verdict": *"accept_queue_full"' <<<"$d"
d=$(in_ns t1 tcpobs diagnose port 8080)
check "diagnose: the healthy listener has no drops" grep -q "no_drops" <<<"$d"
d=$(in_ns t1 tcpobs diagnose port 9090)
check "diagnose text names the listener and says accept()" grep -q "accept()" <<<"$d"
bg_cleanup

# --- SYN queue full with cookies off; cookies firing --------------------------
netns_new tq0
in_ns tq0 sysctl -qw net.ipv4.tcp_syncookies=0
listener_start tq0 -b 2 -d 600 -p 8080
tcpgen_bg tq0 connect -n 8 -w 600 -s 127.0.0.1 8080
wait_for "[ \"\$(listener_col tq0 8080 reqq_full_drops)\" -gt 0 ]"
d=$(in_ns tq0 tcpobs -j diagnose port 8080)
check "diagnose, SYN queue full, tcp_syncookies=0: syn_queue_full" grep -q '"verdict": *"syn_queue_full"' <<<"$d"
check "... and its fix turns cookies on" grep -q "tcp_syncookies=1" <<<"$d"
bg_cleanup

netns_new tq2
in_ns tq2 sysctl -qw net.ipv4.tcp_syncookies=2
listener_start tq2 -b 128 -p 8080
tcpgen_bg tq2 connect -n 3 -w 600 127.0.0.1 8080
wait_for "[ \"\$(listener_col tq2 8080 syncookies_sent)\" -ge 3 ]"
d=$(in_ns tq2 tcpobs -j diagnose port 8080)
check "diagnose, cookies firing (tcp_syncookies=2): syncookies" grep -q '"verdict": *"syncookies"' <<<"$d"
check_eq "... syncookies_sent in the verdict equals the ledger's" \
	"$(jnum "$d" syncookies_sent)" "$(listener_col tq2 8080 syncookies_sent)"
bg_cleanup

# --- watch: listen-drop events, and a forced gap ----------------------------
netns_new tw
listener_start tw -b 1 -p 7000
ip netns exec tw tcpobs -c 3 watch listen-drops > /tmp/watch.out 2>&1 &
wpid=$!
# The tool subscribes, then turns listen-drop events on (bit 1).
wait_for "[ \$(( \$(in_ns tw nlfuzz -o | awk '{ print \$2 }') & 1 )) = 1 ]"
# Listen-drop events are rate-limited per listener (interval_ms): new
# drops until the tool has its three events.
wait_for "! kill -0 $wpid 2>/dev/null ||
	{ in_ns tw tcpgen connect -n 2 -w 0 127.0.0.1 7000; sleep 0.2; false; }"
kill $wpid 2>/dev/null
wait $wpid 2>/dev/null
check "watch: received listen-drop events" grep -q "listen-drop" /tmp/watch.out
check "watch: they name the listener" grep -q "127.0.0.1:7000" /tmp/watch.out
bg_cleanup

netns_new tg
# ip execs the tool: $! is the tool's pid, for SIGSTOP.
ip netns exec tg tcpobs --rcvbuf 256 -c 400 watch states > /tmp/gap.out 2>&1 &
gpid=$!
wait_for "[ \$(( \$(in_ns tg nlfuzz -o | awk '{ print \$2 }') & 2 )) = 2 ]"
# A stopped reader's socket overflows: events are lost, deterministically.
kill -STOP $gpid
in_ns tg tcpgen pairs -n 100 -p 7001 >/dev/null
kill -CONT $gpid
# (the tool reports a missing sequence number 1 s after it saw the next)
wait_for "grep -Eq '^(gap|overrun)' /tmp/gap.out"
kill $gpid 2>/dev/null
wait $gpid 2>/dev/null
check "watch: a stopped reader with a tiny buffer reports the gap or overrun" grep -Eq "^(gap|overrun)" /tmp/gap.out
# (one reading of the three, once the rings have drained)
ev_balance() { in_ns tg cat /proc/net/tcpobs/stats | awk '$1 == "events_seq" { q = $2 } $1 == "events_sent" { s = $2 } $1 == "events_lost" { l = $2 } END { print q, s + l }'; }
wait_for "ev_balance | awk '{ exit \$1 != \$2 }'"
bal=$(ev_balance)
check_eq "events: generated = sent + lost" "${bal% *}" "${bal#* }"
check "events: some were lost" test "$(tcpobs_stat tg events_lost)" -gt 0

# --- errors -------------------------------------------------------------------
out=$(tcpobs frobnicate 2>&1); rc=$?
check_eq "unknown command: exit status 2" "$rc" 2
check_eq "unknown command: one line and a hint" "$(wc -l <<<"$out")" 2
out=$(tcpobs listeners port 70000 2>&1); rc=$?
check_eq "port 70000: exit status 2" "$rc" 2
out=$(asuser tcpobs reset 2>&1); rc=$?
check "reset as nobody fails" test "$rc" -ne 0
check "... saying why in one line ($out)" test "$(wc -l <<<"$out")" -eq 1
check "setpriv'd reading works" asuser tcpobs stats
rmmod tcpobs
out=$(tcpobs stats 2>&1); rc=$?
check_eq "module not loaded: exit status 1" "$rc" 1
check "module not loaded: says so in one line ($out)" bash -c '[ "$(wc -l <<<"$1")" = 1 ] && grep -q "not loaded" <<<"$1"' _ "$out"
insmod "$TCPOBS_KO"
check "module back" tcpobs stats
