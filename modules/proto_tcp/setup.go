// Package proto_tcp is OpenSIPS's proto_tcp module: loading it enables
// TCP sockets (socket=tcp:...). The transport itself lives in
// switchboard/transport; a socket of a protocol whose module the script
// does not load is refused at start-up, as in OpenSIPS.
package proto_tcp

import (
	"switchboard/core"
	"switchboard/engine"
)

func init() {
	core.Register(&engine.Module{Name: "proto_tcp"})
}
