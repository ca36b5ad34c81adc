#!/bin/bash
# The module's KUnit suites (kmod/tcpobs_kunit.c): the arithmetic of the
# lifetime buckets, the TIME_WAIT ring and ages, the top rows and the MIB
# deltas. Loading tcpobs_kunit.ko runs them; each case's result, read from
# /sys/kernel/debug/kunit/<suite>/results while the module is loaded,
# becomes one TAP line, "kunit: <suite>.<case>", with the case's log as
# the diagnostic of a failure. The module is built only against a kernel
# with KUnit (the debug kernel): on one without (Debian's), one SKIP line.
source "$(dirname "$0")/../lib.sh"

# The kernel has KUnit: its runner is in the symbol table.
has_kunit() { grep -q ' kunit_run_tests$' /proc/kallsyms; }

if [ ! -f "$TCPOBS_KUNIT_KO" ]; then
	if has_kunit; then
		tap_result 0 "kunit: tcpobs_kunit.ko was built" \
			"the kernel has KUnit, but there is no $TCPOBS_KUNIT_KO"
	else
		tap_skip "kunit: the module's KUnit suites" "the kernel has no KUnit (no CONFIG_KUNIT)"
	fi
	exit 0
fi

if ! debugfs_mount || [ ! -d /sys/kernel/debug/kunit ]; then
	tap_result 0 "kunit: /sys/kernel/debug/kunit exists" "no KUnit results in debugfs (CONFIG_KUNIT_DEBUGFS)"
	exit 0
fi
# The suites run at each load, and their results last until the unload.
grep -q '^tcpobs_kunit ' /proc/modules && rmmod tcpobs_kunit
if ! out=$(insmod "$TCPOBS_KUNIT_KO" 2>&1); then
	tap_result 0 "kunit: tcpobs_kunit.ko loads" "$out"
	exit 0
fi

# results FILE: the cases of one suite's results as "ok|not ok|skip NAME",
# each failure followed by its log lines as "# LINE"; last, "plan N" from
# the suite's "1..N". A case's log comes before its own result line.
results() {
	awk '
		/^(KTAP|1\.\.|ok |not ok )/ || /^    (KTAP|# Subtest:)/ || /^ *$/ { next }
		/^    1\.\./ { plan = substr($1, 4); next }
		/^    (ok|not ok) [0-9]+ / {
			ok = $1 == "ok"
			name = ok ? $3 : $4
			if (ok && / # SKIP/) print "skip " name
			else if (ok) print "ok " name
			else { print "not ok " name; printf "%s", buf }
			buf = ""
			next
		}
		{ sub(/^ *(# )?/, ""); buf = buf "# " $0 "\n" }
		END { print "plan " plan + 0 }
	' "$1"
}

suites=0
for dir in /sys/kernel/debug/kunit/tcpobs_*/; do
	[ -f "$dir/results" ] || continue
	suite=$(basename "$dir")
	suites=$((suites + 1))
	cases=0 plan=0
	results "$dir/results" > "/tmp/kunit.$suite"
	# debugfs keeps 512 bytes of each case's log: a case with many
	# failed expectations loses its result line there, never in the
	# kernel log, where the suite's last run is its last "# Subtest:"
	# block (the log lines without their timestamps).
	if [ "$(grep -cE '^(ok|not ok|skip) ' "/tmp/kunit.$suite")" != "$(sed -n 's/^plan //p' "/tmp/kunit.$suite")" ]; then
		diag "$suite: its debugfs results are cut short; read from the kernel log"
		dmesg | sed 's/^\[[^]]*\] //' |
			awk -v s="$suite" '$0 == "    # Subtest: " s { b = "" } { b = b $0 "\n" } END { printf "%s", b }' |
			sed "/^\(not \)\{0,1\}ok [0-9]* $suite\$/q" > /tmp/kunit.dmesg
		results /tmp/kunit.dmesg > "/tmp/kunit.$suite"
	fi
	while IFS= read -r line; do
		case "$line" in
		"ok "*) tap_result 1 "kunit: $suite.${line#ok }"; cases=$((cases + 1)) ;;
		"skip "*) tap_skip "kunit: $suite.${line#skip }" "skipped by the suite"; cases=$((cases + 1)) ;;
		"not ok "*)
			name=${line#not ok }
			cases=$((cases + 1))
			# (no process substitution: the VM has no /dev/fd)
			awk -v n="$name" '/^not ok / { on = substr($0, 8) == n; next }
				/^(ok|skip|plan) / { on = 0 } on { print substr($0, 3) }' \
				"/tmp/kunit.$suite" > /tmp/kunit.diag
			mapfile -t diags < /tmp/kunit.diag
			tap_result 0 "kunit: $suite.$name" "${diags[@]}" ;;
		"plan "*) plan=${line#plan } ;;
		esac
	done < "/tmp/kunit.$suite"
	if [ "$cases" != "$plan" ] || [ "$plan" = 0 ]; then
		dmesg | grep -A 40 "# Subtest: $suite\$" | head -n 60 > /tmp/kunit.diag
		mapfile -t diags < /tmp/kunit.diag
		tap_result 0 "kunit: $suite reported all its cases ($cases of $plan)" "${diags[@]}"
	fi
done
check_eq "kunit: the four tcpobs suites ran" "$suites" 4
check "kunit: tcpobs_kunit.ko unloads" rmmod tcpobs_kunit
