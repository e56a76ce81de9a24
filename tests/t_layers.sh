#!/bin/sh
# The include check (scripts/check-layers) passes on our tree, and fails,
# naming file and line, on a copy with each kind of violation in it.
. "$srcdir/tests/lib.sh"

check="$srcdir/scripts/check-layers"

"$check" "$srcdir" > "$SCRATCH/ours.out" 2>&1 ||
	fail "the tree breaks its layers: $(cat "$SCRATCH/ours.out")"

# A copy to break on purpose.
copy() {
	rm -rf "$SCRATCH/tree"
	mkdir -p "$SCRATCH/tree"
	cp -R "$srcdir/src" "$srcdir/ui" "$srcdir/modules" "$SCRATCH/tree/"
	chmod -R u+w "$SCRATCH/tree"   # a distcheck source is read-only
}

# expect_violation WHAT PATTERN: the check fails and says PATTERN.
expect_violation() {
	if "$check" "$SCRATCH/tree" > "$SCRATCH/out" 2>&1; then
		fail "$1 passed the check"
	fi
	grep -q "$2" "$SCRATCH/out" ||
		fail "$1: the check did not say '$2': $(cat "$SCRATCH/out")"
	echo "$1: $(head -n 1 "$SCRATCH/out")"
}

# media reaching up into sip
copy
printf '#include "sip/app.h"\n' >> "$SCRATCH/tree/src/media/stream.c"
expect_violation "media including sip" \
	'src/media/stream.c:[0-9]*: media/ may not include src/sip/app.h'

# the console reaching into an instance
copy
printf '#include "sip/instance.h"\n' >> "$SCRATCH/tree/ui/tui_keys.c"
expect_violation "ui including instance.h" \
	'ui/tui_keys.c:[0-9]*: ui/ may not include src/sip/instance.h'

# a private header used from another folder
copy
printf '#include "sip/call_int.h"\n' >> "$SCRATCH/tree/src/ctl/cmd.c"
expect_violation "ctl including call_int.h" 'call_int.h is private'

# a circle inside one folder
copy
printf '#include "instance.h"\n' >> "$SCRATCH/tree/src/sip/call.c"
expect_violation "call.c including instance.h" 'include circle'

echo "ok: every layer and circle rule holds, and each can fail"
