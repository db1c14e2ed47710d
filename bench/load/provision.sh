# Sourced by run.sh and profile.sh: provision writes, once per OUT, the
# 20,000 users of the register-auth workload into a subscriber table for
# each server (HA1 = MD5(user:127.0.0.1:pw<i>)), and the configs with its
# path. Needs HERE, ROOT and OUT.
provision() {
	local sb=$OUT/sb-subscriber.db kam=$OUT/kamailio-subscriber.db ha1 want
	[ -e "$sb" ] && return
	(cd "$ROOT" && go build -o "$OUT/switchboard-cli" ./cmd/switchboard-cli)
	"$OUT/switchboard-cli" db create "sqlite://$sb" subscriber >/dev/null
	# user0 through the admin tool; the rest in bulk with the same HA1.
	"$OUT/switchboard-cli" user add "sqlite://$sb" user0@127.0.0.1 pw0 >/dev/null
	ha1=$(sqlite3 "$sb" "SELECT ha1 FROM subscriber WHERE username='user0'")
	want=$(perl -MDigest::MD5=md5_hex -e 'print md5_hex("user0:127.0.0.1:pw0")')
	[ "$ha1" = "$want" ] || { echo "switchboard-cli wrote HA1 $ha1, want $want" >&2; exit 1; }
	perl -MDigest::MD5=md5_hex -e 'print "BEGIN;\n";
		for my $i (1..19999) { printf "INSERT INTO subscriber (username, domain, ha1) VALUES (%s, %s, %s);\n",
			"\x27user$i\x27", "\x27127.0.0.1\x27", "\x27" . md5_hex("user$i:127.0.0.1:pw$i") . "\x27" }
		print "COMMIT;\n"' > "$OUT/subscribers.sql"
	sqlite3 "$sb" < "$OUT/subscribers.sql"
	local k=/usr/share/kamailio/db_sqlite
	cat "$k/standard-create.sql" "$k/auth_db-create.sql" | sqlite3 "$kam"
	sqlite3 "$kam" "INSERT INTO subscriber (username, domain, ha1) VALUES ('user0', '127.0.0.1', '$want')"
	sqlite3 "$kam" < "$OUT/subscribers.sql"
	sed "s|@DB@|$sb|" "$HERE/sb-register-auth.cfg" > "$OUT/sb-register-auth.cfg"
	sed "s|@DB@|$kam|" "$HERE/kamailio-register-auth.cfg" > "$OUT/kamailio-register-auth.cfg"
}
