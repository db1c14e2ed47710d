package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"switchboard/internal/hep"
)

// traceRun is "trace": like opensips-cli's, it listens for HEPv3 over
// TCP, asks the server's tracer module to send the traffic that matches
// the filters there (MI trace_start), and prints each message until
// interrupted, then stops the trace (trace_stop).
func traceRun(args []string, out io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runTrace(ctx, args, out)
}

// traceRequest is what the trace command line asks for.
type traceRequest struct {
	filters []string
	scope   string
	listen  string
}

func parseTraceArgs(args []string) (traceRequest, error) {
	r := traceRequest{filters: []string{}, scope: "t", listen: "127.0.0.1:0"}
	for _, a := range args {
		name, value, ok := strings.Cut(a, "=")
		if !ok || value == "" {
			return r, usageError("usage: switchboard-cli trace " + commands["trace"].usage)
		}
		switch name {
		case "caller", "callee", "ip":
			r.filters = append(r.filters, a)
		case "scope":
			if value != "t" && value != "d" && value != "m" {
				return r, fmt.Errorf("trace: scope must be t (transactions), d (dialogs) or m, not %q", value)
			}
			r.scope = value
		case "listen":
			if _, err := netip.ParseAddrPort(value); err != nil {
				return r, fmt.Errorf("trace: listen must be IP:PORT: %w", err)
			}
			r.listen = value
		default:
			return r, usageError("usage: switchboard-cli trace " + commands["trace"].usage)
		}
	}
	return r, nil
}

// runTrace is trace until ctx ends or the server closes the stream.
func runTrace(ctx context.Context, args []string, out io.Writer) error {
	req, err := parseTraceArgs(args)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", req.listen)
	if err != nil {
		return fmt.Errorf("trace: %w", err)
	}
	defer l.Close()
	var rnd [2]byte
	rand.Read(rnd[:])
	id := fmt.Sprintf("switchboard-cli.%d", binary.BigEndian.Uint16(rnd[:]))
	uri := "hep:" + l.Addr().String() + ";transport=tcp;version=3"
	if _, err := miCall("trace_start", map[string]any{"id": id, "uri": uri, "filter": req.filters,
		"scope": req.scope, "type": "sip"}); err != nil {
		if strings.Contains(err.Error(), "-32601") {
			return fmt.Errorf("trace: %w (the server's script must load the tracer module)", err)
		}
		return fmt.Errorf("trace: %w", err)
	}
	defer miCall("trace_stop", map[string]any{"id": id})
	if len(req.filters) == 0 {
		// opensips-cli asks before tracing without a filter; say it at least.
		fmt.Fprintln(os.Stderr, "switchboard-cli: no caller=, callee= or ip= filter: tracing every call")
	}

	// The server connects with its first packet.
	go func() {
		<-ctx.Done()
		l.Close()
	}()
	conn, err := l.Accept()
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("trace: %w", err)
	}
	defer conn.Close()
	go func() {
		<-ctx.Done()
		conn.Close()
	}()
	p := &tracePrinter{out: out, json: opts.json, ours: map[netip.AddrPort]bool{}}
	var buf []byte
	chunk := make([]byte, 1<<16)
	for {
		n, rerr := conn.Read(chunk)
		buf = append(buf, chunk[:n]...)
		for {
			pkt, used, derr := hep.Decode(buf)
			if errors.Is(derr, hep.ErrShort) {
				break
			}
			if derr != nil {
				return fmt.Errorf("trace: %w", derr)
			}
			if err := p.print(&pkt); err != nil {
				return err
			}
			buf = buf[used:]
		}
		if rerr != nil {
			if ctx.Err() != nil || errors.Is(rerr, io.EOF) {
				return nil // interrupted, or the trace was stopped
			}
			return fmt.Errorf("trace: %w", rerr)
		}
	}
}

// tracePrinter writes each message with its time, direction, transport
// and addresses, then its text. HEP does not say which side is the
// server: the first message of a traced call is always one it received,
// so its destination is a server address, and later messages from or to
// known server addresses are "sent" or "recv".
type tracePrinter struct {
	out  io.Writer
	json bool // -j: one JSON object per line
	ours map[netip.AddrPort]bool
}

// tracedJSON is one message in -j output.
type tracedJSON struct {
	Time      string `json:"time"`
	Direction string `json:"direction,omitempty"` // "recv", "sent", or unknown
	Proto     string `json:"proto"`
	Src       string `json:"src"`
	Dst       string `json:"dst"`
	CallID    string `json:"call_id"`
	Message   string `json:"message"`
}

func (p *tracePrinter) print(pkt *hep.Packet) error {
	direction := "    "
	switch {
	case p.ours[pkt.Src]:
		direction = "sent"
	case p.ours[pkt.Dst] || len(p.ours) == 0:
		direction = "recv"
		p.ours[pkt.Dst] = true
	}
	proto := "udp"
	if pkt.Proto == hep.ProtoTCP {
		proto = "tcp"
	}
	if p.json {
		line, _ := json.Marshal(tracedJSON{Time: pkt.Time.UTC().Format(time.RFC3339Nano), Direction: strings.TrimSpace(direction),
			Proto: proto, Src: pkt.Src.String(), Dst: pkt.Dst.String(), CallID: pkt.Correlation, Message: string(pkt.Payload)})
		_, err := fmt.Fprintf(p.out, "%s\n", line)
		return err
	}
	text := strings.ReplaceAll(string(pkt.Payload), "\r\n", "\n")
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	_, err := fmt.Fprintf(p.out, "%s %s %s %s -> %s\n%s\n", pkt.Time.Local().Format("2006-01-02 15:04:05.000000"),
		direction, proto, pkt.Src, pkt.Dst, text)
	return err
}
