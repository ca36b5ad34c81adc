#!/bin/bash
# The generic netlink API's request validation and permissions: every bad
# request is refused with the right errno (and an extack message where the
# policy gives one), changes nothing, and the module keeps answering.
source "$(dirname "$0")/../lib.sh"

# probe [-u] CASE: "ERRNO extack" of the kernel's answer ("ok" on success).
probe() { nlprobe "$@" | cut -d' ' -f2- | sed 's/ *$//'; }

check_eq "get-stats answers" "$(probe get-stats)" ok
check_eq "get-stats is allowed unprivileged" "$(probe -u get-stats)" ok
check_eq "dump of listeners is allowed unprivileged" "$(probe -u dump-listeners)" ok
check_eq "unknown command: EOPNOTSUPP" "$(probe unknown-command | cut -d' ' -f1)" EOPNOTSUPP
r=$(probe wrong-length)
check_eq "u8 where a u32 belongs: EINVAL" "${r%% *}" EINVAL
check "... with an extack message ($r)" test -n "${r#* }"
r=$(probe out-of-range)
check_eq "TOP 0 (range 1..64): ERANGE" "${r%% *}" ERANGE
check "... with an extack message ($r)" test -n "${r#* }"
check_eq "attribute not allowed in requests: EINVAL" "$(probe unknown-attribute | cut -d' ' -f1)" EINVAL
check_eq "attribute beyond max: EINVAL" "$(probe attribute-beyond-max | cut -d' ' -f1)" EINVAL
check_eq "nest without NLA_F_NESTED: EINVAL" "$(probe missing-nest-flag | cut -d' ' -f1)" EINVAL
check_eq "event mask with unknown bits: EINVAL" "$(probe bad-event-mask | cut -d' ' -f1)" EINVAL
r=$(probe empty-options)
check_eq "empty options: EINVAL with 'no option given'" "$r" "EINVAL no option given"
# Generic netlink checks the header's reserved field itself from 6.1 on
# (5.10's ignores it, for every family).
if kernel_at_least 6.1; then
	check_eq "genl reserved field set: EINVAL" "$(probe reserved-set | cut -d' ' -f1)" EINVAL
else
	tap_skip "genl reserved field set: EINVAL" "$(uname -r)'s generic netlink does not check it (6.1 does)"
fi
check_eq "truncated attribute: EINVAL" "$(probe truncated | cut -d' ' -f1)" EINVAL
# 6.12 passes the dump's .start extack message on; 6.1 drops it.
r=$(probe dump-bad-family)
check_eq "socket dump with family 7: EINVAL" "${r%% *}" EINVAL
check "... and any extack message names the family ($r)" \
	bash -c '[ "$1" = EINVAL ] || [ "$1" = "EINVAL family must be AF_INET or AF_INET6" ]' _ "$r"
check_eq "socket dump with state 99: ERANGE" "$(probe dump-bad-state | cut -d' ' -f1)" ERANGE

check_eq "reset needs CAP_NET_ADMIN: EPERM" "$(probe -u reset)" EPERM
check_eq "set-options needs CAP_NET_ADMIN: EPERM" "$(probe -u set-options)" EPERM
check_eq "reset as root succeeds" "$(probe reset)" ok
check_eq "set-options as root succeeds" "$(probe set-options)" ok
check_eq "the module still answers after all that" "$(probe get-stats)" ok
