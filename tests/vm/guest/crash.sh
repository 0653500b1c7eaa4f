#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a guest with 4 blank disks: power cuts replayed from a
# dm-log-writes log. A single-voter node runs on a 768 KiB device (a 380
# KiB ring, so the workload wraps it and snapshots compact it) through
# log-writes on /dev/vdb, logging every write to /dev/vdc. One client
# writes values that name their put, marks the log after each put is
# acknowledged, snapshots once and restarts the node half-way. Then
# tests/fault/kraft-replay rebuilds on /dev/vdd the device as of seeded
# points of the log (every prefix is a state a cut can leave), some with
# the last write torn (a prefix of its sectors, or any of them), and each
# state, copied to /dev/vde, must start a node whose data is exactly the
# first M puts, M no fewer than the puts acknowledged before the cut.
# Prints TAP.
. "$(dirname "$0")/tap.sh"
export KRAFTCTL_TIMEOUT_MS=10000 DM_DISABLE_UDEV=1
dm="/usr/sbin/dmsetup --noudevsync"
replay=$KRAFT_REPO/build/user/kraft-replay
load=$KRAFT_REPO/build/user/kraft-crashload
PUTS=${CRASH_PUTS:-240}
POINTS=${CRASH_POINTS:-24}
SEED=${CRASH_SEED:-1}
KEYS=12
SECTORS=1536

# tests/fault/kraft-crashload writes put I as key k(I mod KEYS), value "I:"
# and vlen(I) x's, and marks the log with put-I once the put is
# acknowledged; vlen for the awk programs below, as kraft-crashload.c has it
VLEN='function vlen(i) { return 1000 + i * 53 % 3000 }'
workload() {
	$load lw 1 $((PUTS / 3)) $KEYS &&
	kraftctl snapshot >/dev/null &&
	$load lw $((PUTS / 3 + 1)) $((PUTS / 2)) $KEYS &&
	kraftctl down kraft0 && kraftctl up /dev/mapper/lw >/dev/null &&
	$load lw $((PUTS / 2 + 1)) $PUTS $KEYS
}

check "modprobe kraft with a snapshot every 32 KiB" modprobe kraft snapshot_log_kb=32
check "log-writes over the first 768 KiB of vdb, logging to vdc" sh -c \
	"$dm create lw --table '0 $SECTORS log-writes /dev/vdb /dev/vdc' &&
	 $dm create chk --table '0 $SECTORS linear /dev/vde 0'"
check "init and up on the logged device" sh -c \
	"kraftctl init /dev/mapper/lw --cluster cut --node 1 --peers 1=127.0.0.1:7001 &&
	 $dm message lw 0 mark init && kraftctl up /dev/mapper/lw >/dev/null"
check "$PUTS puts acknowledged, each marked in the log" workload
check "down" kraftctl down kraft0
# every put's record went to the ring: a write position below their sum
# means the ring wrapped
check "the ring wrapped; a snapshot compacted it" sh -c \
	"kraftctl dump /dev/mapper/lw >/tmp/dump; head -8 /tmp/dump
	 w=\$(sed -n 's/.*next write at ring offset \([0-9]*\).*/\\1/p' /tmp/dump)
	 sum=\$(awk -v n=$PUTS '$VLEN BEGIN { for (i = 1; i <= n; i++) s += vlen(i); print s }')
	 echo \"next write at \$w, \$sum bytes of values\"
	 [ -n \"\$w\" ] && [ \$w -lt \$sum ] && grep -q '^snapshot .* index [1-9]' /tmp/dump"
check "the log-writes target removed" $dm remove lw
check "the log lists its entries" sh -c \
	"$replay list /dev/vdc >/tmp/lw && grep -c . /tmp/lw && grep -q ' put-$PUTS\$' /tmp/lw"
check "replaying all of it rebuilds the device" sh -c \
	"n=\$(sed -n 's/^# \([0-9]*\) entries.*/\1/p' /tmp/lw) &&
	 $replay apply /dev/vdc /dev/vdd 0 \$n &&
	 a=\$(head -c $((SECTORS * 512)) /dev/vdb | md5sum) &&
	 b=\$(head -c $((SECTORS * 512)) /dev/vdd | md5sum) && echo \"\$a \$b\" &&
	 if [ \"\$a\" != \"\$b\" ]; then
		head -c $((SECTORS * 512)) /dev/vdb | od -A d -t x1 >/tmp/b.od
		head -c $((SECTORS * 512)) /dev/vdd | od -A d -t x1 >/tmp/d.od
		diff /tmp/b.od /tmp/d.od | head -20; false; fi &&
	 dd if=/dev/zero of=/dev/vdd bs=64k count=$((SECTORS / 128)) conv=fsync 2>/dev/null"

# Crash points: POINTS distinct entries after init's mark (so the count
# of checks is fixed), seeded, ascending; a third of those that land on a
# write of several sectors tear it: half of these after a prefix of its
# sectors, half with its sectors landed at random (in flight in any order).
awk -v seed=$SEED -v points=$POINTS '
	/^#/ { next }
	$5 == "init" { start = $1 + 1 }
	{ n = $1 + 1; flags[$1] = $2; nr[$1] = $4 }
	END {
		srand(seed)
		if (points > n - start)
			points = n - start
		for (p = 0; p < points; p++) {
			k = start + int(rand() * (n - start))
			while (k in pick)
				k = start + int(rand() * (n - start))
			tear = -1
			if (flags[k] !~ /[MD]/ && nr[k] > 1 && rand() < 0.34)
				tear = rand() < 0.5 ? 1 + int(rand() * (nr[k] - 1)) :
				       "r" (1 + int(rand() * 1000000))
			pick[k] = tear
		}
		pick[n] = -1
		for (k in pick)
			print k, pick[k]
	}' /tmp/lw | sort -n >/tmp/points
# acknowledged puts before each entry: the last put-I mark above it
awk '$5 ~ /^put-/ { sub(/^put-/, "", $5); print $1, $5 }' /tmp/lw >/tmp/marks

# state_ok ACKED: /tmp/state (KEY<TAB>VALUE) is exactly the first M puts,
# ACKED <= M <= PUTS, each value whole
state_ok() {
	awk -F '\t' -v acked=$1 -v puts=$PUTS -v keys=$KEYS "$VLEN"'
		$1 == "probe" { next }
		{
			split($2, v, ":"); i = v[1] + 0
			if ($1 != "k" (i % keys) || length(v[2]) != vlen(i) ||
			    v[2] !~ /^x*$/) { print "bad value for " $1 ": " substr($2, 1, 20); bad = 1 }
			got[$1] = i
			if (i > m) m = i
		}
		END {
			if (bad) exit 1
			if (m < acked || m > puts) { print "holds puts up to " m ", " acked " acknowledged"; exit 1 }
			for (j = 0; j < keys; j++) {
				e = m - (m - j + keys) % keys
				want = e >= 1 ? e : 0
				if (got["k" j] + 0 != want) {
					print "k" j " holds put " got["k" j] + 0 ", the first " m " puts end with " want
					exit 1
				}
			}
			print "the first " m " puts, " acked " acknowledged"
		}' /tmp/state
}

crash_point() {
	k=$1 tear=$2
	acked=$(awk -v k=$k '$1 < k { a = $2 } END { print a + 0 }' /tmp/marks)
	if [ "$tear" != -1 ]; then
		$replay apply /dev/vdc /dev/vdd $prev $k $tear || return 1
	else
		$replay apply /dev/vdc /dev/vdd $prev $k || return 1
	fi
	dd if=/dev/vdd of=/dev/mapper/chk bs=64k count=$((SECTORS / 128)) conv=fsync 2>/dev/null &&
	kraftctl up /dev/mapper/chk >/dev/null || { dmesg | tail -5; return 1; }
	j=0
	until kraftctl put probe 1 >/dev/null 2>&1; do
		j=$((j + 1)); [ $j -lt 50 ] || { kraftctl status; kraftctl down kraft0; return 1; }
		sleep 0.2
	done
	kraftctl list >/tmp/state
	kraftctl down kraft0 || return 1
	state_ok $acked
}

prev=0
while read -r k tear; do
	desc="a cut after entry $k"
	case $tear in
	-1) ;;
	r*) desc="$desc, the next write's sectors landed at random (seed ${tear#r})" ;;
	*) desc="$desc, the next write torn after $tear sectors" ;;
	esac
	check "$desc: the node starts and holds a prefix of the puts" crash_point $k $tear
	prev=$k
done </tmp/points
# Refused devices (the harness checks kmemleak: a refusal frees what
# recovery had read). The last state, less its end; then with its first
# live record's data corrupt (a 0-byte record: the next one's header) and
# later ones intact. Ring offsets in the hard state grow past the ring's
# size: the device offset is taken modulo it.
check "a device cut short is refused" sh -c \
	"$dm create short --table '0 $((SECTORS / 2)) linear /dev/vde 0' &&
	 { kraftctl up /dev/mapper/short; rc=\$?; $dm remove short; [ \$rc != 0 ]; }"
check "a corrupt record followed by valid ones is refused, and says so" sh -c \
	"kraftctl up /dev/mapper/chk >/dev/null &&
	 for i in 1 2 3 4; do kraftctl put tail\$i \$i >/dev/null || exit 1; done &&
	 kraftctl down kraft0 && kraftctl dump /dev/mapper/chk >/tmp/dump &&
	 ring=\$(sed -n 's/.* ring [0-9]* blocks at \([0-9]*\),.*/\\1/p' /tmp/dump) &&
	 size=\$(sed -n 's/.* ring \([0-9]*\) blocks at .*/\\1/p' /tmp/dump) &&
	 first=\$(awk '/^hard state .* seq / && \$5 + 0 >= seq { seq = \$5 + 0; off = \$NF }
		END { print off }' /tmp/dump) &&
	 grep '^log: ' /tmp/dump && ! grep -q '^log: [01] records' /tmp/dump &&
	 printf Z | dd of=/dev/mapper/chk bs=1 seek=\$((ring * 4096 + (first + 40) % (size * 4096))) \
		conv=notrunc,fsync 2>/dev/null &&
	 { kraftctl up /dev/mapper/chk 2>/tmp/err; [ \$? != 0 ]; } && cat /tmp/err &&
	 grep -Eq 'in the middle of the log is corrupt|committed entries are missing' /tmp/err"
check "rmmod; the device-mapper targets removed" sh -c "rmmod kraft && $dm remove chk"
tap_done
