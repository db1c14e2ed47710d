package mi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"switchboard/engine"
)

// JSON-RPC 2.0 error codes, and OpenSIPS's -32000 for a command that
// failed without a code of its own.
const (
	CodeParseError     = -32700
	CodeInvalidRequest = -32600
	CodeMethodNotFound = -32601
	CodeInvalidParams  = -32602
	CodeInternalError  = -32603
	CodeServerError    = -32000
)

// MaxRequestSize bounds a request: larger ones are refused before they
// are parsed, so a client cannot make the server hold or walk megabytes.
// It is the largest UDP datagram rounded up; real MI requests are a few
// hundred bytes.
const MaxRequestSize = 64 << 10

// request is a JSON-RPC request whose members are checked one by one,
// so each problem gets OpenSIPS's answer.
type request struct {
	id     json.RawMessage // nil: a notification
	method string
	params json.RawMessage // nil: none given
}

// Dispatch runs one JSON-RPC request against reg and returns the reply
// to send, or nil when none is due (a notification, as JSON-RPC says,
// unless the request could not even be read). Batches (a JSON array) are
// refused as OpenSIPS refuses them. Dispatch never panics: a command
// that does is answered with -32603 Internal error.
func Dispatch(ctx context.Context, reg *Registry, raw []byte) []byte {
	if len(raw) > MaxRequestSize {
		return ErrorReply(nil, &engine.MIError{Code: CodeInvalidRequest, Message: "Invalid Request",
			Data: fmt.Sprintf("Request larger than %d bytes", MaxRequestSize)})
	}
	req, rerr := parseRequest(raw)
	if rerr != nil {
		return ErrorReply(req.id, rerr)
	}
	cmd, ok := reg.Lookup(req.method)
	if !ok {
		return reply(req.id, nil, &engine.MIError{Code: CodeMethodNotFound, Message: "Method not found"})
	}
	named, positional, isPositional, perr := decodeParams(req.params)
	if perr != nil {
		return reply(req.id, nil, perr)
	}
	params, merr := matchRecipe(cmd, named, positional, isPositional)
	if merr != nil {
		return reply(req.id, nil, merr)
	}
	result, err := run(ctx, cmd, params)
	return reply(req.id, result, err)
}

// parseRequest checks the request object as OpenSIPS's parse_mi_request
// does. On an error, the returned request carries the id when it was
// readable, for the reply.
func parseRequest(raw []byte) (request, *engine.MIError) {
	if !json.Valid(raw) {
		return request{}, &engine.MIError{Code: CodeParseError, Message: "Parse error"}
	}
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		return request{}, invalidRequest("Batch requests are not supported")
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil || members == nil {
		return request{}, invalidRequest("The request must be an object")
	}
	var req request
	if id, ok := members["id"]; ok {
		switch kindOf(id) {
		case '"', 'n', '0':
			req.id = id
		default:
			return request{}, invalidRequest("id must be a string, a number or null")
		}
	}
	var version string
	if json.Unmarshal(members["jsonrpc"], &version) != nil || version != "2.0" {
		return req, invalidRequest(`jsonrpc must be "2.0"`)
	}
	if json.Unmarshal(members["method"], &req.method) != nil || kindOf(members["method"]) != '"' {
		return req, invalidRequest("method must be a string")
	}
	if p, ok := members["params"]; ok {
		if k := kindOf(p); k != '[' && k != '{' {
			return req, invalidRequest("params must be an array or an object")
		}
		req.params = p
	}
	return req, nil
}

// kindOf classifies a JSON value by its first byte: '"', '[', '{', 'n'
// (null), '0' (number), 't'/'f' (booleans), 0 (missing).
func kindOf(v json.RawMessage) byte {
	v = bytes.TrimLeft(v, " \t\r\n")
	if len(v) == 0 {
		return 0
	}
	switch c := v[0]; {
	case c == '-' || (c >= '0' && c <= '9'):
		return '0'
	default:
		return c
	}
}

func invalidRequest(detail string) *engine.MIError {
	return &engine.MIError{Code: CodeInvalidRequest, Message: "Invalid Request", Data: detail}
}

// decodeParams decodes params keeping numbers as json.Number, so an
// integer parameter never passes through a float.
func decodeParams(raw json.RawMessage) (map[string]any, []any, bool, *engine.MIError) {
	if raw == nil {
		return nil, nil, false, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if kindOf(raw) == '[' {
		var list []any
		if err := dec.Decode(&list); err != nil {
			return nil, nil, false, invalidParams(err.Error())
		}
		return nil, list, true, nil
	}
	var named map[string]any
	if err := dec.Decode(&named); err != nil {
		return nil, nil, false, invalidParams(err.Error())
	}
	return named, nil, false, nil
}

// run calls the command, turning a panic into an internal error: a bug
// in one command must not take the MI transport (or the server) down.
func run(ctx context.Context, cmd *Command, params engine.MIParams) (result any, err error) {
	defer func() {
		if p := recover(); p != nil {
			slog.Error("mi: command panicked", "command", cmd.Name, "panic", p)
			result, err = nil, &engine.MIError{Code: CodeInternalError, Message: "Internal error"}
		}
	}()
	return cmd.Run(ctx, params)
}

// reply builds the reply to a request that was read: nothing for a
// notification, else the result or the error.
func reply(id json.RawMessage, result any, err error) []byte {
	if id == nil {
		return nil
	}
	if err != nil {
		var merr *engine.MIError
		if !errors.As(err, &merr) {
			merr = &engine.MIError{Code: CodeServerError, Message: "Server error", Data: err.Error()}
		}
		return ErrorReply(id, merr)
	}
	body, mErr := marshal(result)
	if mErr != nil {
		return ErrorReply(id, &engine.MIError{Code: CodeInternalError, Message: "Internal error", Data: mErr.Error()})
	}
	return envelope("result", body, id)
}

// ErrorReply builds an error reply. It is sent even to a notification
// when the request could not be read: the client must hear about it
// (OpenSIPS replies to parse errors and invalid requests whatever the
// id). Transports use it for their own failures (a reply too large).
func ErrorReply(id json.RawMessage, e *engine.MIError) []byte {
	obj := struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Data    string `json:"data,omitempty"`
	}{e.Code, e.Message, e.Data}
	body, _ := marshal(obj) // a struct of ints and strings always encodes
	return envelope("error", body, id)
}

func envelope(member string, body, id json.RawMessage) []byte {
	if id == nil {
		id = json.RawMessage("null")
	}
	out := make([]byte, 0, len(body)+len(id)+40)
	out = append(out, `{"jsonrpc":"2.0","`...)
	out = append(out, member...)
	out = append(out, `":`...)
	out = append(out, body...)
	out = append(out, `,"id":`...)
	out = append(out, id...)
	return append(out, '}')
}

// marshal encodes without HTML escaping: replies go to tools, not pages,
// and "<sip:a@b>" reads better than "\u003csip:a@b\u003e".
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
