#!/usr/bin/env bash
# Load benchmark: switchboard vs Kamailio 5.6 (-x fm -X fm), driven by sipp
# on loopback. See ../README.md ("Load benchmark") for what it measures.
#
#   bench/load/run.sh [workload...]     workloads: stateless stateful register
#                                       register-auth
#
# Environment: SERVERS (default "switchboard kamailio"), RATE (calls or registrations/s, default 2000), DUR (seconds
# per fixed-rate run, default 10), REPS (interleaved repetitions, default 3),
# LADDER=1 to also search the highest rate with <= 0.1% failed calls
# (5 s steps from 2000/s, doubling then bisection
# to 5%), OUT (results directory), PORT (the server's port, default 5070;
# sipp's UAC uses PORT-9: another port lets two runs on one machine avoid
# each other's sockets, though not each other's CPU).
# Every address used is on 127.0.0.0/8. Needs 2 CPUs: the server is pinned
# to CPU 0, sipp (UAC and UAS) to CPU 1.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RATE=${RATE:-2000}
DUR=${DUR:-10}
REPS=${REPS:-3}
LADDER=${LADDER:-0}
OUT=${OUT:-$HERE/results/$(date +%Y%m%dT%H%M%S)}
WORKLOADS=${*:-stateless stateful register}
SERVERS=${SERVERS:-switchboard kamailio}
PORT=${PORT:-5070}   # the server, on 127.0.0.1
UAS=127.0.0.2:5090   # sipp's UAS
TCK=$(getconf CLK_TCK)

need() { command -v "$1" >/dev/null || { echo "installing $2" >&2; sudo_ apt-get install -y --no-install-recommends "$2" >&2; }; }
sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
need sipp sip-tester
need kamailio kamailio
need taskset util-linux
need sqlite3 sqlite3
perl -MDigest::MD5 -e 1 2>/dev/null || { echo "installing perl" >&2; sudo_ apt-get install -y --no-install-recommends perl >&2; }
# Kamailio's SQLite driver, for register-auth's subscriber table.
[ -e /usr/lib/x86_64-linux-gnu/kamailio/modules/db_sqlite.so ] || [ -n "$(ls /usr/lib/*/kamailio/modules/db_sqlite.so 2>/dev/null)" ] ||
	{ echo "installing kamailio-sqlite-modules" >&2; sudo_ apt-get install -y --no-install-recommends kamailio-sqlite-modules >&2; }
[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs" >&2; exit 1; }

mkdir -p "$OUT"
(cd "$ROOT" && go build -o "$OUT/switchboard" ./cmd/switchboard)
for i in $(seq 0 19999); do echo "user$i"; done | sed '1i SEQUENTIAL' > "$OUT/users.csv"
for i in $(seq 0 19999); do echo "user$i;[authentication username=user$i password=pw$i]"; done |
	sed '1i SEQUENTIAL' > "$OUT/users-auth.csv"

# register-auth: the subscriber tables and configs (provision.sh).
. "$HERE/provision.sh"
case " $WORKLOADS " in *" register-auth "*) provision ;; esac
# cfg $1 server prefix (sb, kamailio) $2 workload: the config file.
# Written to OUT with the port replaced when PORT is not the configs' 5070.
cfg() {
	local f=$HERE/$1-$2.cfg
	[ -e "$OUT/$1-$2.cfg" ] && f=$OUT/$1-$2.cfg
	[ "$PORT" = 5070 ] && { echo "$f"; return; }
	sed "s/127.0.0.1:5070\b/127.0.0.1:$PORT/" "$f" > "$OUT/$1-$2-$PORT.cfg"
	echo "$OUT/$1-$2-$PORT.cfg"
}

# pids: the server's process and all its descendants (Kamailio forks).
pids() { local p=$1; echo "$p"; for c in $(pgrep -P "$p" || true); do pids "$c"; done; }
# cpu: utime+stime of all of them, in clock ticks (fields 14, 15 of stat).
cpu() { local t=0 p; for p in $(pids "$1"); do
	t=$((t + $(sed 's/.*) //' /proc/$p/stat 2>/dev/null | awk '{print $12+$13}' || echo 0) + 0)); done; echo $t; }
# pss: proportional set size of all of them, in kB.
pss() { local t=0 p; for p in $(pids "$1"); do
	t=$((t + $(awk '/^Pss:/{print $2}' /proc/$p/smaps_rollup 2>/dev/null || echo 0) + 0)); done; echo $t; }

SERVER=""
start_server() { # $1 server $2 workload
	local log=$OUT/$1-$2.log
	if [ "$1" = switchboard ]; then
		taskset -c 0 "$OUT/switchboard" -f "$(cfg sb "$2")" -E >>"$log" 2>&1 &
	else
		taskset -c 0 kamailio -f "$(cfg kamailio "$2")" -DD -E -x fm -X fm -m 512 -M 16 \
			-w "$OUT" -P "$OUT/kamailio.pid" >>"$log" 2>&1 &
	fi
	SERVER=$!
	for _ in $(seq 50); do ss -lun | grep -q "127.0.0.1:$PORT " && break; sleep 0.1; done
	sleep 0.5
	kill -0 "$SERVER" 2>/dev/null || { echo "$1 did not start, see $log" >&2; exit 1; }
}
stop_server() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=""; }

UASPID=""
start_uas() { # $1 workload
	case $1 in
	stateless) taskset -c 1 sipp -sn uas -i 127.0.0.2 -p 5090 -nostdin >/dev/null 2>&1 & UASPID=$! ;;
	stateful)  taskset -c 1 sipp -sf "$ROOT/test/e2e/testdata/uas_rr.xml" -i 127.0.0.2 -p 5090 -nostdin >/dev/null 2>&1 & UASPID=$! ;;
	*) UASPID="" ;;
	esac
	sleep 0.3
}
stop_uas() { [ -n "$UASPID" ] && { kill "$UASPID" 2>/dev/null || true; wait "$UASPID" 2>/dev/null || true; }; UASPID=""; }

# uac $1 workload $2 rate $3 calls $4 stat-file: runs sipp's caller to the end.
uac() {
	local sc
	case $1 in
	stateless) sc=(-sn uac) ;;
	stateful)  sc=(-sf "$ROOT/test/e2e/testdata/uac_rr.xml" -s bob -key uas "$UAS") ;;
	register)  sc=(-sf "$HERE/register.xml" -inf "$OUT/users.csv") ;;
	register-auth) sc=(-sf "$HERE/register-auth.xml" -inf "$OUT/users-auth.csv") ;;
	esac
	rm -f "$4"
	# sipp's -timeout does not end a run whose last calls lost a message
	# (seen on a loaded machine): SIGINT makes it stop and write its
	# statistics; the calls still open count as neither ok nor failed.
	timeout -s INT $(( $3 / $2 + 40 )) taskset -c 1 sipp "${sc[@]}" -i 127.0.0.1 -p $((PORT - 9)) -r "$2" -m "$3" -nostdin \
		-timeout "${TIMEOUT:-60s}" -trace_stat -stf "$4" -fd 60 "127.0.0.1:$PORT" >/dev/null 2>&1 || true
}
# col $1 stat-file $2 column: the last value of a column of sipp's stat CSV.
col() { awk -F';' -v c="$2" 'NR==1{for(i=1;i<=NF;i++) if($i==c) k=i} END{print $k+0}' "$1"; }

# fixed $1 server $2 workload $3 rep: CPU per call at RATE for DUR seconds.
fixed() {
	local st=$OUT/stat-$1-$2-$3.csv before after ok failed mem=0 mempid
	start_server "$1" "$2"; start_uas "$2"
	case $2 in register*) # one pass over the 20,000 AORs first, unmeasured
		uac "$2" 5000 20000 "$OUT/warm.csv" ;;
	esac
	before=$(cpu "$SERVER")
	( sleep $((DUR * 8 / 10)); pss "$SERVER" > "$OUT/pss" ) & mempid=$!
	uac "$2" "$RATE" $((RATE * DUR)) "$st"
	after=$(cpu "$SERVER")
	wait $mempid || true; mem=$(cat "$OUT/pss" 2>/dev/null || echo 0)
	ok=$(col "$st" "SuccessfulCall(C)"); failed=$(col "$st" "FailedCall(C)")
	stop_uas; stop_server
	local us=$(( ok > 0 ? (after - before) * 1000000 / TCK / ok : 0 ))
	printf 'fixed\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$2" "$1" "$3" "$RATE" "$ok" "$failed" "$us" "$mem" | tee -a "$OUT/results.tsv"
}

# step $1 workload $2 rate $3 stat-file: 5 s at a rate against the running
# server; passes when every call ended, <= 0.1% of them failed, and, when
# none failed, sipp took no more than 6.5 s (so it really sent at that rate;
# a failed call's retransmission timeouts lengthen the run by ~32 s).
step() {
	local t0 t1 ok failed pass=0
	t0=$(date +%s%N)
	TIMEOUT=20s uac "$1" "$2" $(( $2 * 5 )) "$3"
	t1=$(date +%s%N)
	ok=$(col "$3" "SuccessfulCall(C)"); failed=$(col "$3" "FailedCall(C)")
	awk -v o="$ok" -v f="$failed" -v r="$2" -v ms=$(( (t1 - t0) / 1000000 )) \
		'BEGIN{exit !(o > 0 && f * 1000 <= o + f && o + f >= r * 5 && (f > 0 || ms <= 6500))}' && pass=1
	printf '%s\t%s\trate %s ok %s failed %s ms %s pass %s\n' "$1" "$SNAME" "$2" "$ok" "$failed" \
		$(( (t1 - t0) / 1000000 )) "$pass" >> "$OUT/steps.txt"
	sleep 2
	[ "$pass" = 1 ]
}
ladder() { # $1 server $2 workload
	local lo=0 hi=0 r=2000 st=$OUT/ladder-$1-$2.csv
	SNAME=$1
	start_server "$1" "$2"; start_uas "$2"
	case $2 in register*) uac "$2" 5000 20000 "$OUT/warm.csv" ;; esac
	while [ "$hi" = 0 ] && [ "$r" -le 64000 ]; do
		if step "$2" "$r" "$st"; then lo=$r; r=$((r * 2)); else hi=$r; fi
	done
	while [ "$hi" -gt 0 ] && [ $((hi - lo)) -gt $((hi / 20)) ]; do
		r=$(((lo + hi) / 2))
		if step "$2" "$r" "$st"; then lo=$r; else hi=$r; fi
	done
	stop_uas; stop_server
	printf 'ladder\t%s\t%s\t-\t%s\t-\t-\t-\t-\n' "$2" "$1" "$lo" | tee -a "$OUT/results.tsv"
}

trap 'stop_uas; [ -n "$SERVER" ] && stop_server' EXIT
printf 'kind\tworkload\tserver\trep\trate\tok\tfailed\tus_per_call\tpss_kB\n' > "$OUT/results.tsv"
for w in $WORKLOADS; do
	for rep in $(seq "$REPS"); do
		for s in $SERVERS; do fixed "$s" "$w" "$rep"; done
	done
done
if [ "$LADDER" = 1 ]; then
	for w in $WORKLOADS; do for s in $SERVERS; do ladder "$s" "$w"; done; done
fi

# Medians and ratios (switchboard / kamailio).
awk -F'\t' '$1=="fixed"{k=$2 FS $3; n[k]++; us[k,n[k]]=$8; pss[k,n[k]]=$9}
END{
	for (k in n) { m=n[k]; for(i=1;i<=m;i++){a[i]=us[k,i]; b[i]=pss[k,i]}
		asort(a); asort(b); med[k]=a[int((m+1)/2)]; mp[k]=b[int((m+1)/2)]; delete a; delete b }
	print "\nworkload\tserver\tmedian_us_per_call\tmedian_pss_MB"
	for (k in n) printf "%s\t%d\t%.1f\n", k, med[k], mp[k]/1024
	for (k in n) { split(k, p, FS); if (p[2]=="switchboard") { q=p[1] FS "kamailio"
		if (q in med && med[q] > 0) printf "ratio %s switchboard/kamailio: cpu %.2f, pss %.2f\n", p[1], med[k]/med[q], (mp[q]>0 ? mp[k]/mp[q] : 0) } }
}' "$OUT/results.tsv" | tee "$OUT/summary.txt"
echo "results in $OUT"
