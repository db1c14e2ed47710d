#!/usr/bin/env bash
# Resident memory of the real switchboard binary holding N registered
# contacts (default 1,000,000), on the bulk path an operator hits: a
# restart with N rows in the location table (usrloc db_mode 2 on SQLite),
# which Init loads before the server opens its sockets.
#
#   bench/usrloc/million.sh            (N, OUT as environment variables)
#
# Starts the server twice, on an empty table and on the full one, reads
# VmRSS once the SIP socket is open and again after SETTLE seconds (Go
# returns the loading garbage to the OS gradually), checks through MI
# (usrloc:registered_users; one binding per AOR) that
# all N contacts are there, and reports (RSS full - RSS empty) / N.
# Everything listens on 127.0.0.1. Needs sqlite3.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
N=${N:-1000000}
SETTLE=${SETTLE:-30}
OUT=${OUT:-$HERE/results/$(date +%Y%m%dT%H%M%S)}
PORT=5380
MI=127.0.0.1:5381
command -v sqlite3 >/dev/null || apt-get install -y --no-install-recommends sqlite3
mkdir -p "$OUT"
(cd "$ROOT" && go build -o "$OUT/switchboard" ./cmd/switchboard && go build -o "$OUT/switchboard-cli" ./cmd/switchboard-cli)

# table $1 file $2 rows: a location table with one binding per AOR, shaped
# as usrloc's BenchmarkMillionContacts writes them (WriteLocationRows).
table() {
	rm -f "$1"*
	"$OUT/switchboard-cli" db create "sqlite://$1" location >/dev/null
	[ "$2" -gt 0 ] || return 0
	sqlite3 "$1" <<SQL
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $2 - 1)
INSERT INTO location (contact_id, username, contact, expires, q, callid, cseq, last_modified, flags, user_agent, socket, methods)
SELECT i + 1, 'user' || i,
	'sip:user' || i || '@10.' || (i / 65536 % 256) || '.' || (i / 256 % 256) || '.' || (i % 256) || ':' || (5060 + i % 1000) || ';transport=udp',
	strftime('%s', 'now') + 7200, -0.001,
	printf('%08x%08x-%d@10.%d.%d.%d', i * 2654435761 % 4294967296, i * 40503 % 4294967296, i, i / 65536 % 256, i / 256 % 256, i % 256),
	1 + i % 100, datetime('now'), 0,
	CASE i % 4 WHEN 0 THEN 'Yealink SIP-T46S 66.86.0.15' WHEN 1 THEN 'Grandstream GXP2170 1.0.11.23'
		WHEN 2 THEN 'Linphone/5.2.5 (belle-sip/5.2.0)' ELSE 'PolycomVVX-VVX_411-UA/6.4.3.5018' END,
	'udp:127.0.0.1:5060', -1
FROM n;
SQL
}

# run $1 label $2 db file: start, wait for the socket, sample RSS, stop.
run() {
	cat > "$OUT/$1.cfg" <<CFG
log_level=2
stderror_enabled=yes
syslog_enabled=no
udp_workers=1
socket=udp:127.0.0.1:$PORT
loadmodule "proto_udp.so"
loadmodule "signaling.so"
loadmodule "sl.so"
loadmodule "sipmsgops.so"
loadmodule "db_sqlite.so"
loadmodule "usrloc.so"
modparam("usrloc", "db_mode", 2)
modparam("usrloc", "timer_interval", 3600)
modparam("usrloc", "db_url", "sqlite://$2")
loadmodule "registrar.so"
loadmodule "mi_datagram.so"
modparam("mi_datagram", "socket_name", "udp:$MI")
route {
	if (is_method("REGISTER")) { save("location"); exit; }
	send_reply(404, "Not Found");
}
CFG
	local t0 pid rss0 rss1 contacts
	t0=$(date +%s%N)
	"$OUT/switchboard" -f "$OUT/$1.cfg" -E >"$OUT/$1.log" 2>&1 & pid=$!
	trap "kill $pid 2>/dev/null || true" EXIT
	for _ in $(seq 6000); do ss -lun | grep -q "127.0.0.1:$PORT " && break; kill -0 $pid || break; sleep 0.05; done
	kill -0 $pid 2>/dev/null || { echo "switchboard did not start, see $OUT/$1.log" >&2; exit 1; }
	local start_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	rss0=$(awk '/^VmRSS:/{print $2}' /proc/$pid/status)
	sleep "$SETTLE"
	rss1=$(awk '/^VmRSS:/{print $2}' /proc/$pid/status)
	contacts=$("$OUT/switchboard-cli" mi --datagram "udp:$MI" get_statistics usrloc:registered_users |
		tr -dc '0-9\n' | awk 'NF{v=$0} END{print v+0}' || echo 0)
	kill $pid; wait $pid 2>/dev/null || true
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$contacts" "$start_ms" "$rss0" "$rss1" | tee -a "$OUT/results.tsv"
}

printf 'run\tcontacts\tstart_ms\trss_at_start_kB\trss_after_%ss_kB\n' "$SETTLE" > "$OUT/results.tsv"
table "$OUT/empty.db" 0
table "$OUT/full.db" "$N"
run empty "$OUT/empty.db"
run full "$OUT/full.db"
awk -F'\t' -v n="$N" 'NR>1{c[$1]=$2; a[$1]=$4; b[$1]=$5}
END{
	if (c["full"] != n) { printf "full run holds %d contacts, want %d\n", c["full"], n; exit 1 }
	printf "RSS per contact: %.0f bytes at start, %.0f bytes after settling\n", (a["full"]-a["empty"])*1024/n, (b["full"]-b["empty"])*1024/n
}' "$OUT/results.tsv" | tee "$OUT/summary.txt"
