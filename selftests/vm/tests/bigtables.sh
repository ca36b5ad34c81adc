#!/bin/bash
# The lifecycle table at tens of thousands of sockets: /proc/net/tcpobs/
# sockets has one row per socket ss shows, a reader holds one buffer, not
# the whole output (the file is a seq_file iterator, not single_open), and
# reading it takes time in proportion to its rows.
source "$(dirname "$0")/../lib.sh"
trap 'bg_cleanup; netns_cleanup; rm -f /tmp/big.*' EXIT
ulimit -n 65536

# Connections per half: 2 x 15000 connections, 60000 sockets in the end
# (the table holds 65536); fewer on the debug kernel.
HALF=$(abuse_scale 15000 1500)
# Making them takes a while under TCG.
OPEN_S=$(abuse_scale 300 600)

netns_new big
# 30000 connections from 127.0.0.1 to two ports: more than the default
# ephemeral range holds.
in_ns big sysctl -qw net.ipv4.ip_local_port_range="10000 65000"

# read_time: the seconds one full read of the sockets file takes (the
# fastest of 5: the host's other VM makes single runs vary by half;
# nsenter's own start is in each).
read_time() {
	local i t0 t1 best=
	for i in 1 2 3 4 5; do
		t0=$EPOCHREALTIME
		in_ns big cat /proc/net/tcpobs/sockets > /dev/null
		t1=$EPOCHREALTIME
		best=$(awk -v a="$t0" -v b="$t1" -v m="$best" \
			'BEGIN { d = b - a; if (m != "" && m < d) d = m; printf "%.4f", d }')
	done
	echo "$best"
}

# check_rows N: the file's rows are the ss's established sockets, 2 x N.
check_rows() {
	local rows ss
	rows=$(in_ns big tail -n +2 /proc/net/tcpobs/sockets | wc -l)
	ss=$(in_ns big ss -tanH state established | wc -l)
	check_eq "$1 connections: the sockets file's rows equal ss's established sockets ($ss)" \
		"$rows $ss" "$((2 * $1)) $((2 * $1))"
	check_eq "$1 connections: stats sockets is $((2 * $1))" "$(tcpobs_stat big sockets)" $((2 * $1))
}

WAIT_S=$OPEN_S tcpgen_bg big open -n "$HALF" -p 7080
check_rows "$HALF"
t_half=$(read_time)

WAIT_S=$OPEN_S tcpgen_bg big open -n "$HALF" -p 7081
check_rows $((2 * HALF))
t_full=$(read_time)
check "reading twice the rows takes at most 3 times as long (quadratic: 4) ($t_half s at $((2 * HALF)) sockets, $t_full s at $((4 * HALF)))" \
	awk -v a="$t_half" -v b="$t_full" 'BEGIN { exit !(b <= 3 * a) }'

# A reader that read the first bytes and holds the file open: what the
# kernel allocated for it (vmalloc'd: single_open's buffer of the whole
# output, megabytes here; an iterator's buffer is a page).
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
bytes=$(in_ns big cat /proc/net/tcpobs/sockets | wc -c)
mkfifo /tmp/big.fifo
in_ns big bash -c 'exec 3</proc/net/tcpobs/sockets 4<>/tmp/big.fifo
	echo > /tmp/big.open
	while ! [ -e /tmp/big.go ]; do read -r -t 0.05 -u 4 _; done
	head -c 100 <&3 > /tmp/big.head; echo > /tmp/big.read
	while ! [ -e /tmp/big.done ]; do read -r -t 0.05 -u 4 _; done' &
hpid=$!
wait_for "[ -e /tmp/big.open ]"
v0=$(meminfo VmallocUsed) f0=$(meminfo MemFree)
touch /tmp/big.go
wait_for "[ -e /tmp/big.read ]"
v1=$(meminfo VmallocUsed) f1=$(meminfo MemFree)
touch /tmp/big.done
wait "$hpid"
check_eq "a reader of the first 100 bytes got the header's first 100 bytes" \
	"$(cat /tmp/big.head)" "$(in_ns big head -c 100 /proc/net/tcpobs/sockets)"
diag "file of $bytes bytes; held open after 100 bytes: VmallocUsed +$((v1 - v0)) kB, MemFree -$((f0 - f1)) kB"
check "a reader holding the $bytes-byte file open after 100 bytes holds under 1 MiB (vmalloc +$((v1 - v0)) kB, free -$((f0 - f1)) kB)" \
	test $((v1 - v0)) -lt 1024 -a $((f0 - f1)) -lt 4096

# Read in small pieces (a read() a few rows long: the walk is left and
# resumed after every one), the rows are those of a whole read: the same
# cookies, none twice (sockets neither come nor go meanwhile).
cookies() { awk 'NR > 1 { print $7 }' | sort; }
in_ns big cat /proc/net/tcpobs/sockets | cookies > /tmp/big.whole
in_ns big dd if=/proc/net/tcpobs/sockets bs=517 2>/dev/null | cookies > /tmp/big.pieces
check_file_eq "read 517 bytes at a time: the same $(wc -l < /tmp/big.whole) cookies as a whole read" \
	/tmp/big.pieces /tmp/big.whole
bg_cleanup
