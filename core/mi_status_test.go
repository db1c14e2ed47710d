package core_test

import (
	"strings"
	"testing"

	"switchboard/status"
)

// The status/report MI commands on a running server: the core's "main"
// identifier is running with its start-up reports; a module's group is
// listed beside it.
func TestStatusMICommands(t *testing.T) {
	g, ok := status.Default.Group("core_mi_test")
	if !ok {
		g = status.Default.MustRegister("core_mi_test", true)
		g.MustAdd("db", status.NoData, "no data loaded", 2)
	}
	db, _ := g.Identifier("db")
	db.Report("load failed")
	startServer(t, "socket=udp:127.0.0.1:0\nloadmodule \"proto_udp.so\"\nroute { exit; }\n")
	steps := []struct{ name, req, want string }{
		{"core", `{"jsonrpc":"2.0","id":1,"method":"sr_get_status","params":["core"]}`, `"result":{"Readiness":true,"Status":1,"Details":"running"}`},
		{"identifier", `{"jsonrpc":"2.0","id":1,"method":"sr_get_status","params":["core_mi_test","db"]}`, `"result":{"Readiness":false,"Status":-2,"Details":"no data loaded"}`},
		{"aggregate", `{"jsonrpc":"2.0","id":1,"method":"sr_get_status","params":["core_mi_test","all"]}`, `"result":{"Readiness":false,"Status":-1,"Details":"aggregated"}`},
		{"unknown group", `{"jsonrpc":"2.0","id":1,"method":"sr_get_status","params":["nope"]}`, `"error":{"code":404,"message":"Group not found"}`},
		{"unknown identifier", `{"jsonrpc":"2.0","id":1,"method":"sr_get_status","params":["core","nope"]}`, `"error":{"code":404,"message":"Identity not found"}`},
		{"list group", `{"jsonrpc":"2.0","id":1,"method":"sr_list_status","params":["core_mi_test"]}`, `"result":[{"Name":"db","Readiness":false,"Status":-2,"Details":"no data loaded"}]`},
		{"list all", `{"jsonrpc":"2.0","id":1,"method":"sr_list_status"}`, `{"Name":"core","Identifiers":[{"Name":"main","Readiness":true,"Status":1,"Details":"running"}]}`},
		{"identifiers", `{"jsonrpc":"2.0","id":1,"method":"sr_list_identifiers","params":["core"]}`, `"result":{"Group":"core","Identifiers":["main"]}`},
		{"all identifiers", `{"jsonrpc":"2.0","id":1,"method":"sr_list_identifiers"}`, `{"Group":"core_mi_test","Identifiers":["db"]}`},
		{"core reports", `{"jsonrpc":"2.0","id":1,"method":"sr_list_reports","params":["core","main"]}`, `"Log":"initialization completed, ready now"`},
		{"group reports", `{"jsonrpc":"2.0","id":1,"method":"sr_list_reports","params":["core_mi_test"]}`, `"Name":"db","Reports":[{"Timestamp":`},
		{"unknown report identifier", `{"jsonrpc":"2.0","id":1,"method":"sr_list_reports","params":["core","x"]}`, `"error":{"code":404,"message":"Identifier not found"}`},
	}
	for _, s := range steps {
		if got := miCall(t, s.req); !strings.Contains(got, s.want) {
			t.Errorf("%s: reply %s\nwant it to contain %s", s.name, got, s.want)
		}
	}
}
