#!/bin/sh
# make fuzz: run every libFuzzer target for SECONDS on its corpus.
# Usage: run.sh SECONDS SRCDIR/fuzz BUILDDIR/fuzz FUZZER...
# The corpus grows in BUILDDIR/fuzz/work/corpus/<target> (seeded from
# the checked-in one, never written to: an in-tree build has BUILDDIR =
# SRCDIR), findings land in BUILDDIR/fuzz/work/findings/.  Every target
# runs in a network namespace of its own with only loopback up: a
# mutated Via or Contact can name any address, and the fuzzer's replies
# must never leave the machine.  A finding
# is copied to SRCDIR/fuzz/regress/<target>/ by hand once it is fixed,
# and the suite replays it from then on.  Prints one line per target:
# executions, coverage (edges), features, corpus size, findings.
set -u
secs=$1 src=$2 out=$3/work
shift 3
# A user and network namespace with loopback up, if the system allows.
jailed() {
	if [ "$jail" = yes ]; then
		unshare -rn sh -c 'ip link set lo up && exec "$@"' sh "$@"
	else
		"$@"
	fi
}
if unshare -rn sh -c 'ip link set lo up' 2>/dev/null; then
	jail=yes
else
	echo "run.sh: no network namespace here: sip fuzzing may answer" \
		"any address a mutation names" >&2
	jail=no
fi
found=0
mkdir -p "$out/findings" "$out/logs"
for fz in "$@"; do
	t=${fz##*/fuzz_}
	mkdir -p "$out/corpus/$t"
	log="$out/logs/$t.log"
	# new inputs go to the first directory: the build's, never ours
	seeds="$src/corpus/$t"
	[ -d "$src/regress/$t" ] && seeds="$seeds $src/regress/$t"
	# shellcheck disable=SC2086  # one or two directories
	jailed "$fz" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$out/findings/$t-" -timeout=10 \
		-rss_limit_mb=2048 "$out/corpus/$t" $seeds >"$log" 2>&1
	rc=$?
	execs=$(grep -a '^stat::number_of_executed_units:' "$log" |
		sed 's/.*: *//')
	last=$(grep -aE '^#[0-9]+' "$log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	n=$(ls "$out/corpus/$t" | wc -l)
	f=$(ls "$out/findings" | grep -c "^$t-" || true)
	printf '%-10s execs %-10s cov %-6s ft %-6s corpus %-6s findings %s%s\n' \
		"$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$n" "$f" \
		"$([ "$rc" -ne 0 ] && echo " (exit $rc, see $log)")"
	[ "$f" -eq 0 ] && [ "$rc" -eq 0 ] || found=1
done
exit $found
