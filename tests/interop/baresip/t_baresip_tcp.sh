#!/bin/sh
# SIP over TCP with baresip 1.0.0, both ways (tests/interop/baresip/
# both_ways.sh): sipflow calls baresip at ;transport=tcp and baresip
# calls sipflow; Via, Contact and BYE over TCP, audio both ways.
[ -n "${BASH_VERSION:-}" ] || { command -v bash >/dev/null 2>&1 || exit 77; exec bash "$0" "$@"; }
. "${srcdir:-.}/tests/lib.sh"
ports_for 43
TP=tcp
. "$TESTS_DIR/interop/baresip/both_ways.sh"
