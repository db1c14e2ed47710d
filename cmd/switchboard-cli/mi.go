package main

import (
	"bytes"
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

// miRun sends one JSON-RPC request to a running server's mi_datagram socket
// and prints the result, as "opensips-cli -x mi CMD ..." does:
//
//	switchboard-cli mi [--datagram ADDR] CMD [name=value ...|value ...]
//
// ADDR is mi_datagram's socket_name: "udp:127.0.0.1:8080" or a unix socket
// path. Arguments with '=' are named parameters, the others positional;
// mixing the two is refused, as the JSON-RPC request can carry only one.
func miRun(args []string, out io.Writer) error {
	addr := "udp:127.0.0.1:8080"
	if len(args) >= 2 && args[0] == "--datagram" {
		addr, args = args[1], args[2:]
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usageError("usage: switchboard-cli mi [--datagram ADDR] CMD [name=value ...|value ...]")
	}
	req, err := miRequest(args[0], args[1:])
	if err != nil {
		return err
	}
	resp, err := miExchange(addr, req)
	if err != nil {
		return err
	}
	return miPrint(resp, out)
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

// miExchange sends req to addr and returns the one datagram that answers.
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

// miPrint writes the result indented, or returns the JSON-RPC error.
func miPrint(resp []byte, out io.Writer) error {
	var r struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Code    int             `json:"code"`
			Message string          `json:"message"`
			Data    json.RawMessage `json:"data"`
		} `json:"error"`
	}
	if err := json.Unmarshal(resp, &r); err != nil {
		return fmt.Errorf("mi: bad answer: %w", err)
	}
	if r.Error != nil {
		msg := fmt.Sprintf("mi: %d %s", r.Error.Code, r.Error.Message)
		if len(r.Error.Data) > 0 {
			msg += ": " + string(r.Error.Data)
		}
		return errors.New(msg)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, r.Result, "", "  "); err != nil {
		return fmt.Errorf("mi: bad answer: %w", err)
	}
	pretty.WriteByte('\n')
	_, err := out.Write(pretty.Bytes())
	return err
}
