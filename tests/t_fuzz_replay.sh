#!/bin/sh
# Every fuzz target replays its checked-in corpus and every past finding
# (fuzz/regress/): no crash, no sanitizer report under the ASan build,
# and each input is really read (the replay says how many it ran).
. "$srcdir/tests/lib.sh"

for t in sdp conf scenario info sound recname rtp sip; do
	replay="$top_builddir/fuzz/replay_$t"
	[ -x "$replay" ] || fail "$replay was not built"
	dirs="$srcdir/fuzz/corpus/$t"
	[ -d "$srcdir/fuzz/regress/$t" ] && dirs="$dirs $srcdir/fuzz/regress/$t"
	want=$(find $dirs -type f | wc -l)
	# shellcheck disable=SC2086  # two directories
	"$replay" $dirs >"$SCRATCH/$t.log" 2>&1 ||
		fail "replay_$t: $(tail -n 20 "$SCRATCH/$t.log")"
	got=$(sed -n 's/^replayed \([0-9]*\) inputs$/\1/p' "$SCRATCH/$t.log")
	[ "$got" = "$want" ] ||
		fail "replay_$t ran ${got:-no} inputs of $want"
	[ "$want" -gt 0 ] || fail "no seed inputs for $t"
	echo "$t: $got inputs"
done
echo "ok: every corpus and finding replays cleanly"
