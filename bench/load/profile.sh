#!/usr/bin/env bash
# Where switchboard's time goes under load: runs switchboard (pinned to
# CPU 0, one worker) with one workload of run.sh at a fixed rate and
# records it with perf (call graphs from Go's frame pointers).
#
#   bench/load/profile.sh stateless|stateful|register|register-auth   (RATE, DUR as run.sh)
#   PPROF=1 bench/load/profile.sh stateful              Go's profiler instead
#
# Writes perf.data and report.txt (flat, by symbol) into OUT. With PPROF=1
# the server is the pprof build (go build -tags pprof, serving
# net/http/pprof and expvar on 127.0.0.1:6061) and OUT gets cpu.pb.gz,
# allocs.pb.gz (the run's allocations), heap.pb.gz (live heap after it),
# their top tables (pprof-*.txt) and mallocs.txt: the runtime's count of
# allocations, bytes and collections over the profiled seconds.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
W=${1:-stateful}
RATE=${RATE:-2000}
DUR=${DUR:-10}
OUT=${OUT:-$HERE/results/profile-$W}
mkdir -p "$OUT"
command -v perf >/dev/null || apt-get install -y --no-install-recommends linux-perf
PPROF=${PPROF:-0}
TAGS=""; [ "$PPROF" = 1 ] && TAGS="-tags pprof"
(cd "$ROOT" && go build $TAGS -o "$OUT/switchboard" ./cmd/switchboard)
for i in $(seq 0 19999); do echo "user$i"; done | sed '1i SEQUENTIAL' > "$OUT/users.csv"
CFG=$HERE/sb-$W.cfg
if [ "$W" = register-auth ]; then
	for i in $(seq 0 19999); do echo "user$i;[authentication username=user$i password=pw$i]"; done |
		sed '1i SEQUENTIAL' > "$OUT/users-auth.csv"
	. "$HERE/provision.sh"
	provision
	CFG=$OUT/sb-register-auth.cfg
fi

SWITCHBOARD_PPROF=127.0.0.1:6061 taskset -c 0 "$OUT/switchboard" -f "$CFG" -E >"$OUT/server.log" 2>&1 & SB=$!
UAS=""
trap 'kill $SB ${UAS} 2>/dev/null || true' EXIT
sleep 1
case $W in
stateless) taskset -c 1 sipp -sn uas -i 127.0.0.2 -p 5090 -nostdin >/dev/null 2>&1 & UAS=$!; sc=(-sn uac) ;;
stateful)  taskset -c 1 sipp -sf "$ROOT/test/e2e/testdata/uas_rr.xml" -i 127.0.0.2 -p 5090 -nostdin >/dev/null 2>&1 & UAS=$!
	sc=(-sf "$ROOT/test/e2e/testdata/uac_rr.xml" -s bob -key uas 127.0.0.2:5090) ;;
register)  sc=(-sf "$HERE/register.xml" -inf "$OUT/users.csv") ;;
register-auth) sc=(-sf "$HERE/register-auth.xml" -inf "$OUT/users-auth.csv") ;;
esac
sleep 0.3
taskset -c 1 sipp "${sc[@]}" -i 127.0.0.1 -p 5061 -r "$RATE" -m $((RATE * DUR)) -nostdin -timeout 60s \
	"127.0.0.1:5070" >/dev/null 2>&1 & UAC=$!
sleep 1
if [ "$PPROF" = 1 ]; then
	P=http://127.0.0.1:6061/debug
	memstats() { curl -s "$P/vars" | python3 -c 'import json,sys; m=json.load(sys.stdin)["memstats"]; print(m["Mallocs"], m["TotalAlloc"], m["NumGC"])'; }
	read -r m0 b0 g0 < <(memstats)
	curl -s -o "$OUT/allocs.pb.gz" "$P/pprof/allocs?seconds=$((DUR - 3))" & CA=$!
	curl -s -o "$OUT/cpu.pb.gz" "$P/pprof/profile?seconds=$((DUR - 3))"
	wait $CA || true
	read -r m1 b1 g1 < <(memstats)
	echo "over $((DUR - 3)) s at $RATE/s: mallocs $((m1 - m0)) bytes $((b1 - b0)) gcs $((g1 - g0))" > "$OUT/mallocs.txt"
	wait $UAC || true
	curl -s -o "$OUT/heap.pb.gz" "$P/pprof/heap"
	go tool pprof -top -nodecount=40 "$OUT/switchboard" "$OUT/cpu.pb.gz" > "$OUT/pprof-cpu.txt" 2>/dev/null
	go tool pprof -top -cum -nodecount=60 "$OUT/switchboard" "$OUT/cpu.pb.gz" > "$OUT/pprof-cpu-cum.txt" 2>/dev/null
	go tool pprof -top -sample_index=alloc_objects -nodecount=40 "$OUT/switchboard" "$OUT/allocs.pb.gz" > "$OUT/pprof-alloc-objects.txt" 2>/dev/null
	go tool pprof -top -sample_index=alloc_space -nodecount=40 "$OUT/switchboard" "$OUT/allocs.pb.gz" > "$OUT/pprof-alloc-space.txt" 2>/dev/null
	go tool pprof -top -sample_index=inuse_space -nodecount=30 "$OUT/switchboard" "$OUT/heap.pb.gz" > "$OUT/pprof-inuse.txt" 2>/dev/null
	echo "profile in $OUT"
	exit 0
fi
perf record -F 1999 -g -o "$OUT/perf.data" -p "$SB" -- sleep $((DUR - 2)) 2>"$OUT/perf.log"
wait $UAC || true
perf report -i "$OUT/perf.data" --no-children --sort symbol --stdio 2>/dev/null | grep -v '^$' | head -120 > "$OUT/report.txt"
perf report -i "$OUT/perf.data" --children --sort symbol --stdio -g none 2>/dev/null | grep -v '^$' | head -80 > "$OUT/report-children.txt"
echo "profile in $OUT"
