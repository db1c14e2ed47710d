package sip

import (
	"strings"
	"testing"
)

func TestFrameLen(t *testing.T) {
	one := msg(basicRequest)
	withBody := msg("MESSAGE sip:a@b SIP/2.0\nl: 5\n\nhello")
	tests := []struct {
		name    string
		buf     string
		want    int
		wantErr error
		errText string
	}{
		{name: "one message", buf: one, want: len(one)},
		{name: "two messages", buf: one + one, want: len(one)},
		{name: "body", buf: withBody + "OPTIONS", want: len(withBody)},
		{name: "keep-alive then message", buf: "\r\n\r\n" + one, want: 4 + len(one)},
		{name: "only keep-alive", buf: "\r\n\r\n", wantErr: ErrIncomplete},
		{name: "headers still arriving", buf: one[:40], wantErr: ErrIncomplete},
		{name: "body still arriving", buf: withBody[:len(withBody)-2], wantErr: ErrIncomplete},
		{name: "bare LF", buf: "OPTIONS sip:a@b SIP/2.0\nl: 2\n\nhi", want: len("OPTIONS sip:a@b SIP/2.0\nl: 2\n\nhi")},
		{name: "no Content-Length means no body", buf: "OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n\r\nXYZ", want: len("OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n\r\n")},
		{name: "negative length", buf: "OPTIONS sip:a@b SIP/2.0\r\nContent-Length: -1\r\n\r\n", errText: "non-negative"},
		{name: "lengths disagree", buf: "OPTIONS sip:a@b SIP/2.0\r\nl: 1\r\ncontent-length : 2\r\n\r\nab", errText: "disagree"},
		{name: "body over the limit", buf: "OPTIONS sip:a@b SIP/2.0\r\nl: 999999\r\n\r\n", errText: "larger than the limit"},
		{name: "headers over the limit", buf: "OPTIONS sip:a@b SIP/2.0\r\nX: " + strings.Repeat("a", MaxMessageSize), errText: "larger than the limit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := FrameLen([]byte(tc.buf), MaxMessageSize)
			switch {
			case tc.errText != "":
				errContains(t, err, tc.errText)
			case tc.wantErr != nil:
				equal(t, "error", err, tc.wantErr)
			default:
				equal(t, "error", err, nil)
				equal(t, "length", n, tc.want)
			}
		})
	}
}

// TestStreamByteByByte feeds a stream one byte at a time, as a slow TCP
// peer would: every message comes out whole, exactly once.
func TestStreamByteByByte(t *testing.T) {
	withBody := msg("MESSAGE sip:a@b SIP/2.0\nVia: SIP/2.0/TCP h;branch=z9hG4bK2\nFrom: <sip:a@b>;tag=1\nTo: <sip:a@b>\nCall-ID: m\nCSeq: 1 MESSAGE\nl: 5\n\nhello")
	stream := msg(basicRequest) + "\r\n\r\n" + withBody + msg(basicRequest)
	var buf []byte
	var got []string
	for i := 0; i < len(stream); i++ {
		buf = append(buf, stream[i])
		for {
			n, err := FrameLen(buf, MaxMessageSize)
			if err == ErrIncomplete {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			m, err := ParseStream(buf[:n])
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, m.MethodName()+":"+m.Body())
			buf = buf[n:]
		}
	}
	equal(t, "messages", strings.Join(got, ","), "OPTIONS:,MESSAGE:hello,OPTIONS:")
	equal(t, "left over", len(buf), 0)
}
