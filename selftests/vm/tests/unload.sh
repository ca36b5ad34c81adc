#!/bin/bash
# Load and unload tcpobs repeatedly while connections open and close and
# readers hold the procfs files open. Any WARNING/BUG in the console, or a
# taint beyond O/E, fails the whole VM run (checked by selftests/vm/run).
source "$(dirname "$0")/../lib.sh"
trap 'kill $churn $reader 2>/dev/null; netns_cleanup' EXIT

CYCLES=${CYCLES:-20}
netns_new ul_a

grep -q '^tcpobs ' /proc/modules || insmod "$TCPOBS_KO"

in_ns ul_a tcpgen churn -t 600 -p 9100 > /tmp/churn.out &
churn=$!
( while :; do cat /proc/net/tcpobs/states; in_ns ul_a cat /proc/net/tcpobs/states; done ) >/dev/null 2>&1 &
reader=$!
sleep 0.5

unloads=0 loads=0
for i in $(seq "$CYCLES"); do
	rmmod tcpobs && unloads=$((unloads + 1))
	sleep 0.05
	insmod "$TCPOBS_KO" && loads=$((loads + 1))
	sleep 0.1
done
check_eq "$CYCLES unloads under traffic" "$unloads" "$CYCLES"
check_eq "$CYCLES loads under traffic" "$loads" "$CYCLES"
check "traffic was still running through the cycles" kill -0 "$churn"

# After the last load the module counts again: the churn adds to the matrix.
a=$(state_count ul_a CLOSE SYN-SENT)
sleep 0.5
b=$(state_count ul_a CLOSE SYN-SENT)
check "the reloaded module counts new connections ($a -> $b)" test "$b" -gt "$a"

kill "$reader" "$churn" 2>/dev/null
wait "$churn" 2>/dev/null
check "module unloads cleanly at the end" rmmod tcpobs
check "module loads again" insmod "$TCPOBS_KO"
