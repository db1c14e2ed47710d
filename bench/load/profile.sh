#!/usr/bin/env bash
# Where switchboard's time goes under load: runs switchboard (pinned to
# CPU 0, one worker) with one workload of run.sh at a fixed rate and
# records it with perf (call graphs from Go's frame pointers).
#
#   bench/load/profile.sh stateless|stateful|register   (RATE, DUR as run.sh)
#
# Writes perf.data and report.txt (flat, by symbol) into OUT.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
W=${1:-stateful}
RATE=${RATE:-2000}
DUR=${DUR:-10}
OUT=${OUT:-$HERE/results/profile-$W}
mkdir -p "$OUT"
command -v perf >/dev/null || apt-get install -y --no-install-recommends linux-perf
(cd "$ROOT" && go build -o "$OUT/switchboard" ./cmd/switchboard)
for i in $(seq 0 19999); do echo "user$i"; done | sed '1i SEQUENTIAL' > "$OUT/users.csv"

taskset -c 0 "$OUT/switchboard" -f "$HERE/sb-$W.cfg" -E >"$OUT/server.log" 2>&1 & SB=$!
UAS=""
trap 'kill $SB ${UAS} 2>/dev/null || true' EXIT
sleep 1
case $W in
stateless) taskset -c 1 sipp -sn uas -i 127.0.0.2 -p 5090 -nostdin >/dev/null 2>&1 & UAS=$!; sc=(-sn uac) ;;
stateful)  taskset -c 1 sipp -sf "$ROOT/test/e2e/testdata/uas_rr.xml" -i 127.0.0.2 -p 5090 -nostdin >/dev/null 2>&1 & UAS=$!
	sc=(-sf "$ROOT/test/e2e/testdata/uac_rr.xml" -s bob -key uas 127.0.0.2:5090) ;;
register)  sc=(-sf "$HERE/register.xml" -inf "$OUT/users.csv") ;;
esac
sleep 0.3
taskset -c 1 sipp "${sc[@]}" -i 127.0.0.1 -p 5061 -r "$RATE" -m $((RATE * DUR)) -nostdin -timeout 60s \
	"127.0.0.1:5070" >/dev/null 2>&1 & UAC=$!
sleep 1
perf record -F 1999 -g -o "$OUT/perf.data" -p "$SB" -- sleep $((DUR - 2)) 2>"$OUT/perf.log"
wait $UAC || true
perf report -i "$OUT/perf.data" --no-children --sort symbol --stdio 2>/dev/null | grep -v '^$' | head -120 > "$OUT/report.txt"
perf report -i "$OUT/perf.data" --children --sort symbol --stdio -g none 2>/dev/null | grep -v '^$' | head -80 > "$OUT/report-children.txt"
echo "profile in $OUT"
