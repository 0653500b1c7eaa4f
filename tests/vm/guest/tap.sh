# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the guest scripts: check DESC COMMAND... runs COMMAND and
# prints one TAP line; its output is shown only when it fails. End with
# tap_done, which prints the plan and returns non-zero after a failure.
n=0
fails=0
check() {
	desc=$1
	shift
	n=$((n + 1))
	if "$@" >/tmp/check.out 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		sed 's/^/# /' /tmp/check.out
		fails=$((fails + 1))
	fi
}
tap_done() {
	echo "1..$n"
	[ $fails = 0 ]
}
