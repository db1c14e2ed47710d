package sip

import (
	"fmt"
	"strings"
)

// HeaderLines checks header lines a script hands over to be added to a
// message (send()'s headers, tm's t_add_hdrs): "Name: value" lines, each
// ended by CRLF, the CRLF added to the last when missing. An empty line
// would end the header section and smuggle a body in, so it is refused,
// as is a bare CR or LF inside a line.
func HeaderLines(s string) (string, error) {
	if !strings.HasSuffix(s, "\r\n") {
		s += "\r\n"
	}
	for _, line := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		name, _, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) == "" || strings.ContainsAny(line, "\r\n") {
			return "", fmt.Errorf("%q is not a header line", line)
		}
	}
	return s, nil
}
