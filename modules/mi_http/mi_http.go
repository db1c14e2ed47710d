// Package mi_http is OpenSIPS's mi_http module: the MI as JSON-RPC 2.0
// over HTTP POST, on the httpd module's listener, at /<root> (/mi), as
// opensips-cli's http communication type calls it.
package mi_http

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"switchboard/engine"
	"switchboard/mi"
)

// Handler answers JSON-RPC requests with the commands registry returns
// at the time of each request (the running program's).
func Handler(registry func() *mi.Registry) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			// A browser or a probe gets a JSON-RPC answer too, so a client
			// that only knows JSON-RPC can show what went wrong.
			w.Header().Set("Allow", http.MethodPost)
			send(w, http.StatusMethodNotAllowed, mi.ErrorReply(nil, &engine.MIError{Code: mi.CodeInvalidRequest,
				Message: "Invalid Request", Data: "Only POST requests are supported"}))
			return
		}
		// One byte past the limit is enough to know a body is too large,
		// without reading the rest of it.
		body, err := io.ReadAll(io.LimitReader(r.Body, mi.MaxRequestSize+1))
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) || len(body) > mi.MaxRequestSize {
			send(w, http.StatusRequestEntityTooLarge, mi.ErrorReply(nil, &engine.MIError{Code: mi.CodeInvalidRequest,
				Message: "Invalid Request", Data: fmt.Sprintf("Request larger than %d bytes", mi.MaxRequestSize)}))
			return
		}
		if err != nil {
			send(w, http.StatusBadRequest, mi.ErrorReply(nil, &engine.MIError{Code: mi.CodeParseError,
				Message: "Parse error", Data: "could not read the request body"}))
			return
		}
		reply := mi.Dispatch(r.Context(), registry(), body)
		if reply == nil { // a notification: JSON-RPC over HTTP answers nothing
			w.WriteHeader(http.StatusNoContent)
			return
		}
		// JSON-RPC errors travel in a 200 reply, as OpenSIPS sends them:
		// the HTTP exchange itself went well.
		send(w, http.StatusOK, reply)
	})
}

func send(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client went away: nothing to do
}
