// Package proto_udp is OpenSIPS's proto_udp module: loading it enables
// UDP sockets (socket=udp:...). The transport itself lives in
// switchboard/transport; a socket of a protocol whose module the script
// does not load is refused at start-up, as in OpenSIPS.
package proto_udp

import (
	"switchboard/core"
	"switchboard/engine"
)

func init() {
	core.Register(&engine.Module{Name: "proto_udp"})
}
