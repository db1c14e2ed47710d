package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// miTimeout bounds one MI exchange; a server that does not answer in it is
// down or not listening on that socket.
const miTimeout = 5 * time.Second

// miRun runs one MI command on a running server and prints the
// result, as "opensips-cli -x mi CMD ..." does:
//
//	switchboard-cli [options] mi [--fifo PATH|--datagram ADDR|--http URL] CMD [name=value ...|value ...]
//
// The transport comes from the options or the script (see
// resolveTarget). Arguments with '=' are named parameters, the others
// positional; mixing the two is refused, as the JSON-RPC request can
// carry only one.
func miRun(args []string, out io.Writer) error {
	args, err := parseOptions(args)
	if err != nil {
		return err
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usageError("usage: switchboard-cli mi [--fifo PATH|--datagram ADDR|--http URL] CMD [name=value ...|value ...]")
	}
	req, err := miRequest(args[0], args[1:])
	if err != nil {
		return err
	}
	t, err := resolveTarget()
	if err != nil {
		return err
	}
	resp, err := miSend(t, req)
	if err != nil {
		return err
	}
	result, err := miResult(resp)
	if err != nil {
		return err
	}
	return printResult(result, out)
}

// miRequest builds the JSON-RPC request for method and its arguments.
func miRequest(method string, args []string) ([]byte, error) {
	req := map[string]any{"jsonrpc": "2.0", "id": 1, "method": method}
	named := map[string]string{}
	var positional []string
	for _, a := range args {
		if name, value, ok := strings.Cut(a, "="); ok && name != "" {
			named[name] = value
		} else {
			positional = append(positional, a)
		}
	}
	switch {
	case len(named) > 0 && len(positional) > 0:
		return nil, errors.New("mi: give either name=value parameters or positional ones, not both")
	case len(named) > 0:
		req["params"] = named
	case len(positional) > 0:
		req["params"] = positional
	}
	return json.Marshal(req)
}

// miExchange sends req to mi_datagram's socket addr ("udp:IP:PORT" or
// a unix socket path) and returns the one datagram that answers.
func miExchange(addr string, req []byte) ([]byte, error) {
	var conn net.Conn
	var err error
	if host, ok := strings.CutPrefix(addr, "udp:"); ok {
		conn, err = net.Dial("udp", host)
	} else {
		// A unix datagram socket needs a bound address of its own for the
		// server to answer to.
		dir, derr := os.MkdirTemp("", "switchboard-cli-")
		if derr != nil {
			return nil, derr
		}
		defer os.RemoveAll(dir)
		local := &net.UnixAddr{Name: filepath.Join(dir, "reply"), Net: "unixgram"}
		conn, err = net.DialUnix("unixgram", local, &net.UnixAddr{Name: addr, Net: "unixgram"})
	}
	if err != nil {
		return nil, fmt.Errorf("mi: %w", err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(miTimeout))
	if _, err := conn.Write(req); err != nil {
		return nil, fmt.Errorf("mi: %w", err)
	}
	buf := make([]byte, 1<<16)
	n, err := conn.Read(buf)
	if err != nil {
		return nil, fmt.Errorf("mi: no answer from %s: %w", addr, err)
	}
	return buf[:n], nil
}
