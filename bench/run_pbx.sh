#!/bin/sh
# The PBX's figures: N calls direct between two phones (bench_calls, 2
# legs per call) against N calls bridged by a PBX instance (bench_pbx, 4
# legs per call: the phones' and the PBX's two), relayed and transcoded
# (-x), RUNS runs each; the medians, and the PBX's own share per bridged
# call (bridged minus direct).
#   bench/run_pbx.sh            (N=100, RUNS=3, 10 s windows)
#   CALLS="100 500" RUNS=5 bench/run_pbx.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=${BENCH_DIR:-$here}
[ -x "$dir/bench_pbx" ] || dir=./bench
runs=${RUNS:-3}
win=${SECONDS_WINDOW:-10}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
field() { awk -v k="$1" 'index($0, k) == 1 { sub(k, ""); print $1 + 0 }' "$2"; }

for n in ${CALLS:-100}; do
	for kind in direct relay transcode; do
		: >"$tmp/$kind.cpu"; : >"$tmp/$kind.rss"; : >"$tmp/$kind.p99"; : >"$tmp/$kind.lost"
		i=1
		while [ "$i" -le "$runs" ]; do
			out="$tmp/$kind.$i"
			case $kind in
			direct)    "$dir/bench_calls" -n "$n" -t "$win" -p $((15060 + 10 * i)) >"$out" ;;
			relay)     "$dir/bench_pbx" -n "$n" -t "$win" -p $((16060 + 10 * i)) >"$out" ;;
			transcode) "$dir/bench_pbx" -x -n "$n" -t "$win" -p $((17060 + 10 * i)) >"$out" ;;
			esac
			echo "--- N=$n $kind run $i"; cat "$out"
			field "cpu  " "$out" >>"$tmp/$kind.cpu"
			field "rss per call" "$out" >>"$tmp/$kind.rss"
			sed -n 's/.* p99 \([0-9]*\) us.*/\1/p' "$out" >>"$tmp/$kind.p99"
			awk '/^packets/ { for (k = 1; k < NF; k++) if ($k == "lost") s += $(k + 1) }
			     END { print s + 0 }' "$out" >>"$tmp/$kind.lost"
			i=$((i + 1))
		done
	done
	d_cpu=$(median <"$tmp/direct.cpu"); d_rss=$(median <"$tmp/direct.rss")
	echo
	echo "=== N=$n, medians of $runs runs, ${win} s windows"
	printf '%-10s %10s %14s %14s %10s %8s\n' kind "cpu %" "cpu %/call" "rss KiB/call" "p99 us" lost
	for kind in direct relay transcode; do
		cpu=$(median <"$tmp/$kind.cpu"); rss=$(median <"$tmp/$kind.rss")
		printf '%-10s %10.1f %14.4f %14.1f %10s %8s\n' "$kind" "$cpu" \
			"$(echo "$cpu / $n" | bc -l)" "$rss" \
			"$(median <"$tmp/$kind.p99")" "$(sort -n "$tmp/$kind.lost" | tail -n 1)"
	done
	for kind in relay transcode; do
		cpu=$(median <"$tmp/$kind.cpu"); rss=$(median <"$tmp/$kind.rss")
		printf 'PBX share per bridged call (%s - direct): cpu %.4f %% of a core, rss %.1f KiB; ratio to the direct call: cpu %.2fx, rss %.2fx\n' \
			"$kind" "$(echo "($cpu - $d_cpu) / $n" | bc -l)" "$(echo "$rss - $d_rss" | bc -l)" \
			"$(echo "$cpu / $d_cpu" | bc -l)" "$(echo "$rss / $d_rss" | bc -l)"
	done
done
