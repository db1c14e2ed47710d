package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// miSend sends one JSON-RPC request over t and returns the raw answer.
func miSend(t miTarget, req []byte) ([]byte, error) {
	switch t.kind {
	case "fifo":
		return fifoExchange(t.addr, t.replyDir, req)
	case "http":
		return httpExchange(t.addr, req)
	default:
		return miExchange(t.addr, req)
	}
}

// fifoExchange speaks mi_fifo's framing, as opensips-cli does: make a
// reply FIFO in replyDir, write ":reply_name:" and the request into the
// server's FIFO, read one JSON value back from the reply FIFO.
func fifoExchange(fifo, replyDir string, req []byte) ([]byte, error) {
	var rnd [6]byte
	rand.Read(rnd[:])
	name := fmt.Sprintf("switchboard_cli_reply_%d_%s", os.Getpid(), hex.EncodeToString(rnd[:]))
	replyPath := filepath.Join(replyDir, name)
	if err := syscall.Mkfifo(replyPath, 0o600); err != nil {
		return nil, fmt.Errorf("mi: reply FIFO: %w", err)
	}
	defer os.Remove(replyPath)
	// The server may run as another user: let it open the reply FIFO, as
	// opensips-cli does (the name is not guessable).
	if err := os.Chmod(replyPath, 0o666); err != nil {
		return nil, fmt.Errorf("mi: reply FIFO: %w", err)
	}
	// Read and write: the FIFO then has a writer (us) from the start, so
	// reads wait for the server's reply instead of seeing end-of-file,
	// and the server's non-blocking open finds a reader.
	rfd, err := syscall.Open(replyPath, syscall.O_RDWR|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("mi: reply FIFO: %w", err)
	}
	reply := os.NewFile(uintptr(rfd), replyPath)
	defer reply.Close()

	wfd, err := syscall.Open(fifo, syscall.O_WRONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	switch {
	case errors.Is(err, syscall.ENXIO):
		return nil, fmt.Errorf("mi: nobody reads the FIFO %s: is the server running?", fifo)
	case err != nil:
		return nil, fmt.Errorf("mi: %w", err)
	}
	w := os.NewFile(uintptr(wfd), fifo)
	defer w.Close()
	if fi, err := w.Stat(); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		return nil, fmt.Errorf("mi: %s is not a FIFO", fifo)
	}
	deadline := time.Now().Add(miTimeout)
	w.SetWriteDeadline(deadline)
	if _, err := w.Write(append([]byte(":"+name+":"), req...)); err != nil {
		return nil, fmt.Errorf("mi: writing to %s: %w", fifo, err)
	}
	reply.SetReadDeadline(deadline)
	var raw json.RawMessage
	if err := json.NewDecoder(reply).Decode(&raw); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, fmt.Errorf("mi: no answer on %s within %s", fifo, miTimeout)
		}
		return nil, fmt.Errorf("mi: bad answer on %s: %w", fifo, err)
	}
	return raw, nil
}

// httpExchange POSTs the request to mi_http's URL.
func httpExchange(url string, req []byte) ([]byte, error) {
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return nil, fmt.Errorf("mi: %q is not an http:// URL", url)
	}
	client := http.Client{Timeout: miTimeout}
	resp, err := client.Post(url, "application/json", bytes.NewReader(req))
	if err != nil {
		return nil, fmt.Errorf("mi: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("mi: reading the answer from %s: %w", url, err)
	}
	if !json.Valid(body) {
		return nil, fmt.Errorf("mi: %s answered %s, not JSON-RPC", url, resp.Status)
	}
	return body, nil
}

// miCall runs method on the server and returns its result, or the
// JSON-RPC error as an error.
func miCall(method string, params any) (json.RawMessage, error) {
	t, err := resolveTarget()
	if err != nil {
		return nil, err
	}
	req := map[string]any{"jsonrpc": "2.0", "id": 1, "method": method}
	if params != nil {
		req["params"] = params
	}
	raw, _ := json.Marshal(req)
	resp, err := miSend(t, raw)
	if err != nil {
		return nil, err
	}
	return miResult(resp)
}

// miResult takes the result out of a JSON-RPC answer.
func miResult(resp []byte) (json.RawMessage, error) {
	var r struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Code    int             `json:"code"`
			Message string          `json:"message"`
			Data    json.RawMessage `json:"data"`
		} `json:"error"`
	}
	if err := json.Unmarshal(resp, &r); err != nil {
		return nil, fmt.Errorf("mi: bad answer: %w", err)
	}
	if r.Error != nil {
		msg := fmt.Sprintf("mi: %d %s", r.Error.Code, r.Error.Message)
		if len(r.Error.Data) > 0 {
			var s string
			if json.Unmarshal(r.Error.Data, &s) == nil {
				msg += ": " + s
			} else {
				msg += ": " + string(r.Error.Data)
			}
		}
		return nil, errors.New(msg)
	}
	if r.Result == nil {
		return nil, errors.New("mi: bad answer: neither result nor error")
	}
	return r.Result, nil
}

// printResult writes a result indented, or as it came with -j.
func printResult(result json.RawMessage, out io.Writer) error {
	var b bytes.Buffer
	var err error
	if opts.json {
		err = json.Compact(&b, result)
	} else {
		err = json.Indent(&b, result, "", "  ")
	}
	if err != nil {
		return fmt.Errorf("mi: bad answer: %w", err)
	}
	b.WriteByte('\n')
	_, err = out.Write(b.Bytes())
	return err
}

// writeJSON prints v as one line of JSON: -j for the commands whose
// data is not an MI result.
func writeJSON(out io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = out.Write(append(b, '\n'))
	return err
}
