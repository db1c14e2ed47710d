package mi_fifo

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// A request on the FIFO is ":reply_fifo_name:" followed by one JSON-RPC
// request, with no separator after it: what opensips-cli writes. An
// empty reply name asks for no reply. Requests can follow each other in
// the stream, and a FIFO has no message boundaries, so the reader keeps
// what it read and cuts one frame at a time.

// maxReplyName bounds the reply FIFO name (a file name, NAME_MAX).
const maxReplyName = 255

var (
	errIncomplete = errors.New("incomplete request")
	errFraming    = errors.New("request does not start with ':'")
	errReplyName  = errors.New("forbidden reply FIFO name")
)

// frame is one request cut from the stream.
type frame struct {
	reply string // the reply FIFO's name in reply_dir; "" for none
	body  []byte // the JSON-RPC request, possibly malformed
}

// cutFrame reads one frame at the start of buf (leading whitespace
// skipped) and returns it with the bytes after it. errIncomplete asks for
// more bytes; with final set (no more are coming) an incomplete body is
// returned as it is, for the MI to answer with a parse error. A body that
// is not JSON takes the rest of buf: after a syntax error nothing in the
// stream can be trusted to start a request.
func cutFrame(buf []byte, final bool) (frame, []byte, error) {
	buf = bytes.TrimLeft(buf, " \t\r\n")
	if len(buf) == 0 {
		return frame{}, nil, errIncomplete
	}
	if buf[0] != ':' {
		return frame{}, nil, errFraming
	}
	end := bytes.IndexByte(buf[1:], ':')
	if end < 0 {
		if len(buf) > maxReplyName+1 {
			return frame{}, nil, errReplyName
		}
		return frame{}, buf, errIncomplete
	}
	name := string(buf[1 : 1+end])
	if !validReplyName(name) {
		return frame{}, nil, errReplyName
	}
	f := frame{reply: name}
	body := buf[2+end:]
	dec := json.NewDecoder(bytes.NewReader(body))
	var value json.RawMessage
	switch err := dec.Decode(&value); {
	case err == nil:
		n := dec.InputOffset()
		f.body = body[:n]
		return f, body[n:], nil
	case (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)) && !final:
		return frame{}, buf, errIncomplete
	default:
		f.body = body
		return f, nil, nil
	}
}

// validReplyName refuses names that would leave reply_dir, as OpenSIPS
// refuses '.', '/' and '\\' in them.
func validReplyName(name string) bool {
	return len(name) <= maxReplyName && !bytes.ContainsAny([]byte(name), "./\\\x00")
}
