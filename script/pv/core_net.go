package pv

import (
	"fmt"
	"strconv"

	"switchboard/engine"
)

// netPVs read where the message came from (engine.Received) and the
// forced send socket.
func netPVs() []engine.PVClass {
	si := func(ctx *engine.Context) engine.Value {
		if !ctx.Received.Src.IsValid() {
			return engine.Null
		}
		return engine.Str(ctx.Received.Src.Addr().String())
	}
	return []engine.PVClass{
		roPV("si", si),
		roPV("src_ip", si),
		roPV("sp", func(ctx *engine.Context) engine.Value {
			if !ctx.Received.Src.IsValid() {
				return engine.Null
			}
			p := int(ctx.Received.Src.Port())
			return engine.StrInt(strconv.Itoa(p), p)
		}),
		{Name: "socket_in", Key: engine.KeyOptional, ParseKey: parseSocketField, Get: getSocketIn},
		{Name: "socket_out", Get: func(ctx *engine.Context, _ *engine.PVKey) engine.Value { return strOrNull(ctx.Socket) },
			Set: func(ctx *engine.Context, _ *engine.PVKey, v engine.Value, _ bool) error {
				ctx.Socket = v.String()
				return nil
			}},
	}
}

// socketField is a field of $socket_in(...).
type socketField uint8

const (
	socketWhole socketField = iota
	socketIP
	socketPort
	socketProto
	socketAF
	socketAdvIP
	socketAdvPort
)

func parseSocketField(name string) (any, error) {
	switch name {
	case "":
		return socketWhole, nil
	case "ip":
		return socketIP, nil
	case "port":
		return socketPort, nil
	case "proto":
		return socketProto, nil
	case "af":
		return socketAF, nil
	case "advertised_ip":
		return socketAdvIP, nil
	case "advertised_port":
		return socketAdvPort, nil
	case "tag", "anycast", "forced":
		return nil, fmt.Errorf("not supported: $socket_in(%s)", name)
	}
	return nil, fmt.Errorf("unknown $socket_in field %q (want ip, port, proto, af, advertised_ip or advertised_port)", name)
}

func getSocketIn(ctx *engine.Context, k *engine.PVKey) engine.Value {
	r := &ctx.Received
	if !r.Local.IsValid() {
		return engine.Null
	}
	field, _ := k.Data.(socketField)
	switch field {
	case socketIP:
		return engine.Str(r.Local.Addr().String())
	case socketPort:
		p := int(r.Local.Port())
		return engine.StrInt(strconv.Itoa(p), p)
	case socketProto:
		return engine.Str(r.Proto)
	case socketAF:
		if r.Local.Addr().Is4() {
			return engine.Str("INET")
		}
		return engine.Str("INET6")
	case socketAdvIP, socketAdvPort:
		// The socket's own "as" address; null without one, as in OpenSIPS.
		a, ok := r.Handle.(engine.AdvertisedSocket)
		if !ok {
			return engine.Null
		}
		host, port, ok := a.AsAddress()
		switch {
		case !ok:
			return engine.Null
		case field == socketAdvIP:
			return engine.Str(host)
		}
		return engine.StrInt(strconv.Itoa(port), port)
	}
	return strOrNull(r.Socket)
}
