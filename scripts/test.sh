#!/usr/bin/env bash
# Runs every check and test of switchboard. It installs what the tests need,
# so it works on a fresh Debian machine with Go: this is the command the
# README names and .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$PATH:$(go env GOPATH)/bin"

step() { printf '\n== %s\n' "$*"; }

step "tools"
# Debian packages the tests use: m4 renders the stock OpenSIPS .m4
# configs; sipp (sip-tester) and sipsak drive the end-to-end tests.
need=()
command -v m4 >/dev/null 2>&1 || need+=(m4)
command -v sipp >/dev/null 2>&1 || need+=(sip-tester)
command -v sipsak >/dev/null 2>&1 || need+=(sipsak)
# The database tests start their own PostgreSQL and MariaDB on loopback.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v mariadb-install-db >/dev/null 2>&1 || need+=(mariadb-server)
# The event_rabbitmq tests start their own broker (internal/rabbittest):
# private node name, ports, epmd port and directories on 127.0.0.1, so
# the rabbit@host service the package may start on 5672/4369 does not
# get in their way and is left alone.
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need+=(rabbitmq-server)
if [ ${#need[@]} -gt 0 ]; then
	apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi
if ! command -v staticcheck >/dev/null 2>&1; then
	go install honnef.co/go/tools/cmd/staticcheck@v0.8.2
fi

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

step "go vet"
go vet ./...
(cd bench && go vet ./...)

step "staticcheck"
staticcheck ./...
(cd bench && staticcheck ./...)

step "go test"
go test -race -count=1 ./...
# Benchmarks run once each so they cannot rot; numbers come from bench/README.md.
go test -count=1 -run '^$' -bench . -benchtime 1x ./sip/... >/dev/null
(cd bench && go test -count=1 ./... && go test -count=1 -run '^$' -bench . -benchtime 1x ./... >/dev/null)
