#!/bin/sh
# make fuzz: run every libFuzzer target for SECONDS on its corpus.
# Usage: run.sh SECONDS SRCDIR/fuzz BUILDDIR/fuzz FUZZER...
# The corpus grows in BUILDDIR/fuzz/corpus/<target> (seeded from the
# checked-in one), findings land in BUILDDIR/fuzz/findings/; a finding
# is copied to SRCDIR/fuzz/regress/<target>/ by hand once it is fixed,
# and the suite replays it from then on.  Prints one line per target:
# executions, coverage (edges), features, corpus size, findings.
set -u
secs=$1 src=$2 out=$3
shift 3
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
	"$fz" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$out/findings/$t-" -timeout=10 \
		-rss_limit_mb=2048 "$out/corpus/$t" $seeds >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
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
