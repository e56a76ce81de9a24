#!/bin/sh
# The bundled sounds (sounds/*.wav, made by scripts/mksounds): every file is
# there and is 8000 Hz mono 16-bit PCM of the right length; the tones, the
# tone sequence, the DTMF digits, ringback and busy have the right
# frequencies, levels and timing (measured with a Goertzel filter in awk);
# count.wav has ten spoken words, one per second; and a fresh run of
# scripts/mksounds reproduces the committed files byte for byte.
#
# Needs sox, soxi and awk (exit 77 without them); the regeneration of
# count.wav also needs espeak-ng and is left out without it.
# POSIX sh: under `make check` this runs with $(SHELL).
: "${srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$srcdir/tests/lib.sh"

for t in sox soxi awk cmp; do
	command -v "$t" >/dev/null 2>&1 || skip "$t not installed"
done

LC_ALL=C
export LC_ALL

SOUNDS="$srcdir/sounds"
ERRORS=0

# bad MSG: note a failure and go on (all failures are listed, then exit 1).
bad() {
	echo "FAIL: $*" >&2
	ERRORS=$((ERRORS + 1))
}

# name:samples (8000 per second) of every bundled file.
DTMF_KEYS="0 1 2 3 4 5 6 7 8 9 star hash a b c d"
FILES="tone-440:24000 tone-1000:24000 sequence:24000 dtmf-1234hash:8000"
FILES="$FILES count:80000 ringback:48000 busy:24000 silence-1s:8000"
for k in $DTMF_KEYS; do FILES="$FILES dtmf-$k:1600"; done
NFILES=0
for e in $FILES; do NFILES=$((NFILES + 1)); done

DTMF_ALL="697 770 852 941 1209 1336 1477 1633"
DTMF_PEAK=0.3162 # -10 dBFS per component

dtmf_freqs() {
	case $1 in
	1) echo "697 1209" ;;   2) echo "697 1336" ;;    3) echo "697 1477" ;;
	a) echo "697 1633" ;;   4) echo "770 1209" ;;    5) echo "770 1336" ;;
	6) echo "770 1477" ;;   b) echo "770 1633" ;;    7) echo "852 1209" ;;
	8) echo "852 1336" ;;   9) echo "852 1477" ;;    c) echo "852 1633" ;;
	star) echo "941 1209" ;; 0) echo "941 1336" ;;   hash) echo "941 1477" ;;
	d) echo "941 1633" ;;
	esac
}

# analyse FILE START LEN PEAK "WANT" ["OTHERS"]: look at LEN samples from
# sample START.  With WANT frequencies (Hz): each must have a sine of peak
# PEAK (+-5%), together they must hold >= 98% of the segment's energy, each
# OTHERS frequency must stay below 10% of PEAK, and a single WANT frequency
# must also match the zero-crossing rate (+-1%).  With WANT empty the
# segment must be digital silence.  Prints "ok DETAILS" or "bad DETAILS".
analyse() {
	sox "$1" -t dat - trim "${2}s" "${3}s" 2>/dev/null | awk \
		-v len="$3" -v peak="$4" -v want="$5" -v others="${6:-}" '
	function amp(f,   i, w, c, s0, s1, s2, p) {
		# Goertzel at f: the amplitude of the sine at f in x[0..n-1].
		w = 2 * 3.14159265358979 * f / 8000; c = 2 * cos(w); s1 = s2 = 0
		for (i = 0; i < n; i++) { s0 = x[i] + c * s1 - s2; s2 = s1; s1 = s0 }
		p = s1 * s1 + s2 * s2 - c * s1 * s2
		return 2 * sqrt(p > 0 ? p : 0) / n
	}
	function abs(v) { return v < 0 ? -v : v }
	!/^;/ { x[n] = $2 + 0; e += x[n] * x[n]; if (abs(x[n]) > mx) mx = abs(x[n]); n++ }
	END {
		if (n != len) { printf "bad got %d samples, wanted %d\n", n, len; exit }
		ms = e / n
		nw = split(want, W, " ")
		if (nw == 0) {
			if (mx > 0) printf "bad not silent (peak %.4f)\n", mx
			else print "ok silent"
			exit
		}
		msg = ""; ok = 1; sum = 0
		for (j = 1; j <= nw; j++) {
			a = amp(W[j]); sum += a * a / 2
			msg = msg sprintf(" %sHz=%.3f", W[j], a)
			if (abs(a - peak) > 0.05 * peak) ok = 0
		}
		frac = ms > 0 ? sum / ms : 0
		msg = msg sprintf(" share=%.3f", frac)
		if (frac < 0.98) ok = 0
		no = split(others, O, " ")
		for (j = 1; j <= no; j++) {
			a = amp(O[j])
			if (a >= 0.1 * peak) { ok = 0; msg = msg sprintf(" %sHz=%.3f!", O[j], a) }
		}
		if (nw == 1) {
			# zero-crossing frequency: upward crossings, interpolated
			k = 0
			for (i = 1; i < n; i++)
				if (x[i-1] < 0 && x[i] >= 0) {
					t = i - 1 + (-x[i-1]) / (x[i] - x[i-1])
					if (k == 0) t0 = t; t1 = t; k++
				}
			zf = k > 1 ? (k - 1) * 8000 / (t1 - t0) : 0
			msg = msg sprintf(" zc=%.1fHz", zf)
			if (abs(zf - W[1]) > 0.01 * W[1]) ok = 0
		}
		print (ok ? "ok" : "bad") msg
	}'
}

# expect FILE START LEN PEAK "WANT" ["OTHERS"] WHAT
expect() {
	_r=$(analyse "$1" "$2" "$3" "$4" "$5" "${6:-}")
	case $_r in
	ok*) echo "  $(basename "$1") $7: ${_r#ok }" ;;
	*) bad "$(basename "$1") $7 (samples $2+$3): ${_r#bad }" ;;
	esac
	return 0
}

# expect_dtmf FILE START KEY: a 100 ms key at sample START, 100 ms silence.
expect_dtmf() {
	_want=$(dtmf_freqs "$3")
	_others=""
	for _f in $DTMF_ALL; do
		case " $_want " in *" $_f "*) ;; *) _others="$_others $_f" ;; esac
	done
	expect "$1" "$2" 800 "$DTMF_PEAK" "$_want" "$_others" "key $3"
	expect "$1" $(($2 + 800)) 800 0 "" "" "gap after $3"
}

# expect_words FILE: ten words, word N starting in second N-1 (20 ms frames
# above -40 dBFS RMS; a word ends after 200 ms below), peak about -3 dBFS.
expect_words() {
	_r=$(sox "$1" -t dat - 2>/dev/null | awk '
	!/^;/ {
		v = $2 + 0; s += v * v; n++
		if (v > mx) mx = v; if (-v > mx) mx = -v
		if (n % 160 == 0) {
			loud = sqrt(s / 160) > 0.01; s = 0
			if (loud && !on) { on = 1; w++; st[w] = int((n - 160) / 8000); q = 0 }
			else if (loud) q = 0
			else if (on && ++q >= 10) on = 0
		}
	}
	END {
		msg = sprintf("%d words, peak %.3f, starts:", w, mx); ok = (w == 10)
		for (i = 1; i <= w; i++) { msg = msg " " st[i]; if (st[i] != i - 1) ok = 0 }
		if (mx < 0.65 || mx > 0.75) ok = 0
		print (ok ? "ok " : "bad ") msg
	}')
	case $_r in
	ok*) echo "  count.wav: ${_r#ok }" ;;
	*) bad "$(basename "$1"): ${_r#bad }" ;;
	esac
	return 0
}

# ---- 1. every file present, in the right format and length ----
for e in $FILES; do
	name=${e%%:*}
	want=${e#*:}
	f="$SOUNDS/$name.wav"
	if [ ! -f "$f" ]; then
		bad "$name.wav missing"
		continue
	fi
	fmt="$(soxi -t "$f" 2>/dev/null) $(soxi -r "$f" 2>/dev/null) $(soxi -c "$f" 2>/dev/null) $(soxi -b "$f" 2>/dev/null) $(soxi -e "$f" 2>/dev/null)" || true
	[ "$fmt" = "wav 8000 1 16 Signed Integer PCM" ] ||
		bad "$name.wav: format '$fmt', want 'wav 8000 1 16 Signed Integer PCM'"
	got=$(soxi -s "$f" 2>/dev/null) || got=0
	# +-10 ms
	if [ "$got" -lt $((want - 80)) ] || [ "$got" -gt $((want + 80)) ]; then
		bad "$name.wav: $got samples, want $want (+-80)"
	fi
done

# Every WAV in sounds/ is one this test knows (and the Makefile installs).
for f in "$SOUNDS"/*.wav; do
	[ -e "$f" ] || continue
	n=$(basename "$f" .wav)
	case " $FILES " in
	*" $n:"*) ;;
	*) bad "unexpected file $n.wav (add it to this test and Makefile.am)" ;;
	esac
done

if [ "$ERRORS" -eq 0 ]; then
	# ---- 2. content ----
	S=$SOUNDS
	expect "$S/tone-440.wav" 0 24000 0.5 440 "430 450 880" "tone"
	expect "$S/tone-1000.wav" 0 24000 0.5 1000 "990 1010 2000" "tone"

	expect "$S/sequence.wav" 0 8000 0.5 500 "1000 1500" "second 1"
	expect "$S/sequence.wav" 8000 8000 0.5 1000 "500 1500" "second 2"
	expect "$S/sequence.wav" 16000 8000 0.5 1500 "500 1000" "second 3"

	for k in $DTMF_KEYS; do expect_dtmf "$S/dtmf-$k.wav" 0 "$k"; done
	i=0
	for k in 1 2 3 4 hash; do
		expect_dtmf "$S/dtmf-1234hash.wav" $((i * 1600)) "$k"
		i=$((i + 1))
	done

	expect "$S/ringback.wav" 0 16000 0.25 "440 480" "350 620" "2 s on"
	expect "$S/ringback.wav" 16000 32000 0 "" "" "4 s off"
	for i in 0 1 2; do
		expect "$S/busy.wav" $((i * 8000)) 4000 0.25 "480 620" "440 350" "burst $((i + 1))"
		expect "$S/busy.wav" $((i * 8000 + 4000)) 4000 0 "" "" "gap $((i + 1))"
	done

	expect "$S/silence-1s.wav" 0 8000 0 "" "" "silence"
	expect_words "$S/count.wav"
fi

# ---- 3. scripts/mksounds reproduces the committed files ----
if [ "$ERRORS" -eq 0 ]; then
	voice=yes
	if ! command -v espeak-ng >/dev/null 2>&1; then
		echo "note: espeak-ng not installed, count.wav not regenerated" >&2
		voice=no
	fi
	names=""
	for e in $FILES; do
		[ "${e%%:*}" = count ] && [ "$voice" = no ] && continue
		names="$names ${e%%:*}"
	done
	# shellcheck disable=SC2086
	if sh "$srcdir/scripts/mksounds" "$SCRATCH/regen" $names >"$SCRATCH/mksounds.log" 2>&1; then
		for n in $names; do
			cmp -s "$SOUNDS/$n.wav" "$SCRATCH/regen/$n.wav" ||
				bad "$n.wav differs from a fresh scripts/mksounds run (regenerate and commit)"
		done
	else
		cat "$SCRATCH/mksounds.log" >&2
		bad "scripts/mksounds failed"
	fi
fi

[ "$ERRORS" -eq 0 ] || fail "$ERRORS problem(s) with the bundled sounds"
echo "sounds: all $NFILES files ok"
