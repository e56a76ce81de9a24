#!/bin/sh
# Run the call benchmark for the figures quoted in notes and README:
# N = 100, 1000 and 2000 concurrent calls, 10 s windows, 3 runs each,
# reporting every run (take the median yourself, or pass RUNS=1).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${BENCH_BIN:-$here/bench_calls}
[ -x "$bin" ] || bin=./bench/bench_calls
runs=${RUNS:-3}
for n in ${CALLS:-100 1000 2000}; do
	i=1
	while [ "$i" -le "$runs" ]; do
		echo "--- N=$n run $i"
		"$bin" -n "$n" -t "${SECONDS_WINDOW:-10}" -p $((15060 + 10 * i))
		i=$((i + 1))
	done
done

# The console's redraw with 50 instances and 500 calls (bench_ui.c).
ui=${BENCH_UI:-$here/bench_ui}
[ -x "$ui" ] || ui=./bench/bench_ui
"$ui"
