package events

import (
	"bytes"
	"encoding/json"
)

// JSONRPC builds the payload event_datagram, event_stream, event_rabbitmq
// and friends send (OpenSIPS's evi_build_payload): a JSON-RPC 2.0
// notification {"jsonrpc":"2.0","method":method,"params":...} whose
// params are an object for named parameters and an array for positional
// ones, and absent (extra too) when there are none. id nil makes a notification (no "id" member); otherwise it is the
// request id. extra, when its Name is set, is put first in params (the
// event name under event_stream's event_param): as a member of the object,
// or as the first element of the array.
func JSONRPC(method string, id any, params Params, extra Param) []byte {
	var b bytes.Buffer
	b.WriteString(`{"jsonrpc":"2.0","method":`)
	writeJSON(&b, method)
	if len(params) == 0 {
		// OpenSIPS leaves "params" (and extra) out of an event raised
		// without parameters.
	} else if b.WriteString(`,"params":`); params.Named() {
		b.WriteByte('{')
		n := 0
		if extra.Name != "" {
			writeJSON(&b, extra.Name)
			b.WriteByte(':')
			writeJSON(&b, extra.Value)
			n++
		}
		for _, p := range params {
			if n > 0 {
				b.WriteByte(',')
			}
			writeJSON(&b, p.Name)
			b.WriteByte(':')
			writeJSON(&b, p.Value)
			n++
		}
		b.WriteByte('}')
	} else {
		b.WriteByte('[')
		n := 0
		if extra.Name != "" {
			writeJSON(&b, extra.Value)
			n++
		}
		for _, p := range params {
			if n > 0 {
				b.WriteByte(',')
			}
			writeJSON(&b, p.Value)
			n++
		}
		b.WriteByte(']')
	}
	if id != nil {
		b.WriteString(`,"id":`)
		writeJSON(&b, id)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// writeJSON encodes a string, a number or nil; anything else is encoded by
// encoding/json, or as null when it cannot be.
func writeJSON(b *bytes.Buffer, v any) {
	out, err := json.Marshal(v)
	if err != nil {
		b.WriteString("null")
		return
	}
	b.Write(out)
}
