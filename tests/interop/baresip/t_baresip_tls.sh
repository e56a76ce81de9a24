#!/bin/sh
# SIP over TLS with baresip 1.0.0, both ways (tests/interop/baresip/
# both_ways.sh): sipflow (its self-signed 2048-bit certificate) calls
# baresip at its TLS port, and baresip calls sipflow (serving a
# tls_cert); Via, Contact and BYE over TLS, audio both ways.  Neither
# side verifies the other's certificate (libre 1.1.0 does not; a lab's
# self-signed certificates).
[ -n "${BASH_VERSION:-}" ] || { command -v bash >/dev/null 2>&1 || exit 77; exec bash "$0" "$@"; }
. "${srcdir:-.}/tests/lib.sh"
ports_for 44
TP=tls
. "$TESTS_DIR/interop/baresip/both_ways.sh"
