#!/bin/sh
# The instances pane's REG column follows registration: alice registers
# at sipp (401, then 200) and shows "registered"; the `u` key
# de-registers her (sipp sees Expires: 0) and the column says
# "unregistered"; bob, without an account, shows "-".
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/tui/tmux.sh"
ports_for 42
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require
tui_init reg

ALICE_EXTRA="registrar = sip:127.0.0.1:$PEER_PORT
auth_user = alice
password = secret"
write_conf "$SCRATCH/conf"
sipp_start registrar uas_register_auth.xml -key contact_user 1001 \
	-key contact_port "$SIP_BASE"
tui_start reg 100 30 -- -c "$SCRATCH/conf"

wait_screen '^alice +127\.0\.0\.1:[0-9]+/UDP +registered ' ||
	tfail "alice's REG is not 'registered'"
wait_screen '^bob +127\.0\.0\.1:[0-9]+/UDP +- ' || tfail "bob's REG is not '-'"
send u
wait_screen '^alice +127\.0\.0\.1:[0-9]+/UDP +unregistered ' ||
	tfail "u did not unregister alice"
sipp_wait 10
[ "$SIPP_RC" -eq 0 ] || { sipp_dump; tfail "sipp: $(rc_sipp "$SIPP_RC")"; }
send q
wait_exit 10
[ "$RC" -eq 0 ] || tfail "sipflow exit status $RC"
check_log
echo "PASS: the REG column shows registration, and u unregisters"
