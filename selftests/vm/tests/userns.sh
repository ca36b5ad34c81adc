#!/bin/bash
# A network namespace owned by a user namespace (unshare -rn as an
# unprivileged user, as a rootless container runtime makes one): its root
# holds CAP_NET_ADMIN over it and no other, so it may reset its own
# counters and nobody else's; an unprivileged user still may not reset
# anything. The counters compared are the states matrix's CLOSE ->
# SYN-SENT and the kernel's TcpActiveOpens, each namespace's own.
source "$(dirname "$0")/../lib.sh"
trap 'bg_cleanup; netns_cleanup' EXIT

grep -q '^tcpobs ' /proc/modules || insmod "$TCPOBS_KO"

# The script run as the user namespace's root: connections, a reading,
# a reset, another reading, more connections, a last reading; each
# reading "opens <ours> <kernel's>" (the namespace is new: the kernel's
# count is absolute).
cat > /tmp/userns.inner <<'EOF'
reading() {
	echo "$1 $(awk '$1 == "CLOSE" && $2 == "SYN-SENT" { c = $3 } END { print c + 0 }' /proc/net/tcpobs/states)" \
		"$(nstat -asz | awk '$1 == "TcpActiveOpens" { print $2 }')"
}
ip link set lo up || echo "lo: failed"
tcpgen pairs -n 5 -p 9600 > /dev/null || echo "pairs: failed"
reading first
tcpobs reset; echo "rc $?"
reading after
tcpgen pairs -n 3 -p 9601 > /dev/null || echo "pairs: failed"
reading last
EOF
chmod 0644 /tmp/userns.inner

# A counter in the initial namespace and in a root-owned namespace, which
# nobody's user namespace must not be able to reset.
netns_new un_r
in_ns un_r tcpgen pairs -n 4 -p 9602 >/dev/null
tcpgen pairs -n 2 -p 9603 >/dev/null
init_before=$(state_count "" CLOSE SYN-SENT)
r_before=$(state_count un_r CLOSE SYN-SENT)

if ! out=$(asuser unshare -rn true 2>&1); then
	tap_skip "user-namespace root: resets its own counters" "no user namespaces for nobody here: $out"
else
	asuser unshare -rn bash /tmp/userns.inner > /tmp/userns.out 2>&1
	diag "as the user namespace's root: $(tr '\n' ';' < /tmp/userns.out)"
	row() { awk -v k="$1" '$1 == k { print $2 " " $3 }' /tmp/userns.out; }
	check_eq "userns root: its 5 connections counted, as the kernel's TcpActiveOpens" \
		"$(row first)" "5 5"
	check_eq "userns root: tcpobs reset succeeds in its own namespace" \
		"$(awk '$1 == "rc" { print $2 }' /tmp/userns.out)" 0
	check_eq "userns root: after its reset, ours 0 (the kernel's still 5)" "$(row after)" "0 5"
	check_eq "userns root: counting goes on from zero (3 more; the kernel's 8)" "$(row last)" "3 8"
fi

# In the initial namespace, a user namespace's root has no CAP_NET_ADMIN:
out=$(asuser unshare -r tcpobs reset 2>&1); rc=$?
check "userns root in the initial namespace: reset refused ($out)" test "$rc" -ne 0
check_eq "... in one line" "$(wc -l <<<"$out")" 1
# and nobody, in a root-owned namespace, neither.
out=$(in_ns un_r asuser tcpobs reset 2>&1); rc=$?
check "nobody in a root-owned namespace: reset refused ($out)" test "$rc" -ne 0
check_eq "the initial namespace's counter is untouched" \
	"$(state_count "" CLOSE SYN-SENT)" "$init_before"
check_eq "the root-owned namespace's counter is untouched" \
	"$(state_count un_r CLOSE SYN-SENT)" "$r_before"
check_eq "... which counted its 4 connections" "$r_before" 4
check "... and the initial namespace's its 2 at least ($init_before)" test "$init_before" -ge 2
rm -f /tmp/userns.inner /tmp/userns.out
