# Shared helpers for sipflow's shell tests (sourced, not run).
#
# Every test gets its own scratch directory and its own port block, so tests
# can run in parallel under `make check -j`.  A test names its block with
# `ports_for N` (N unique per test file, 0..199); the block is 40 ports wide:
#   SIP_BASE  = 6000 + 40*N      (sipflow instances: SIP_BASE, SIP_BASE+1, ...)
#   PEER_PORT = SIP_BASE + 20     (sipp / baresip SIP port)
#   RTP_LO    = 30000 + 200*N     (sipflow rtp_ports = RTP_LO-RTP_HI)
#   PEER_RTP  = RTP_LO + 180      (peer media port)

set -eu

: "${SIPFLOW:=${top_builddir:-.}/sipflow}"
: "${srcdir:=.}"
TESTS_DIR="${srcdir}/tests"

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/sipflow-test.XXXXXX")
BG_PIDS=""

cleanup() {
	for p in $BG_PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $BG_PIDS; do wait "$p" 2>/dev/null || true; done
	if [ "${KEEP_SCRATCH:-0}" = 1 ]; then
		echo "scratch kept in $SCRATCH" >&2
	else
		rm -rf "$SCRATCH"
	fi
}
trap cleanup EXIT

ports_for() {
	SIP_BASE=$((6000 + 40 * $1))
	PEER_PORT=$((SIP_BASE + 20))
	RTP_LO=$((30000 + 200 * $1))
	RTP_HI=$((RTP_LO + 179))
	PEER_RTP=$((RTP_LO + 180))
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# bg CMD...: start a background process that cleanup() will stop.
bg() {
	"$@" &
	BG_PIDS="$BG_PIDS $!"
}

# count_ev FILE FILTER: how many event lines match the jq FILTER.
count_ev() {
	jq -c "select($2)" "$1" | wc -l
}

# expect_count FILE FILTER N WHAT: exactly N matching events.
expect_count() {
	n=$(count_ev "$1" "$2")
	[ "$n" -eq "$3" ] || fail "$4: expected $3 events matching '$2', got $n"
}

# expect_min FILE FILTER N WHAT: at least N matching events.
expect_min() {
	n=$(count_ev "$1" "$2")
	[ "$n" -ge "$3" ] || fail "$4: expected >= $3 events matching '$2', got $n"
}

# last_field FILE FILTER FIELD: FIELD of the last event matching FILTER.
last_field() {
	jq -r "select($2) | .$3" "$1" | tail -n 1
}
