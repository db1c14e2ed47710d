package pv

import (
	"strings"
	"testing"
)

// testSDP has two audio streams and a video one, like the bodies the
// Script-Tran {sdp.*} examples read from $rb.
var testSDP = strings.ReplaceAll(`v=0
o=- 1 1 IN IP4 192.0.2.1
s=-
c=IN IP4 192.0.2.1
t=0 0
a=ptime:20
m=audio 27290 RTP/AVP 0 8
a=rtpmap:0 PCMU/8000
a=sendrecv
m=video 27300 RTP/AVP 115
a=fmtp:115 profile-level-id=42e01f;packetization-mode=1
m=audio 27292 RTP/AVP 9 8 0 2 102 100 99 101
a=ptime:30
`, "\n", "\r\n")

// Each case follows an example of Script-Tran "SDP Transformations".
func TestSDPTransformations(t *testing.T) {
	audio0 := "m=audio 27290 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n"
	video := "m=video 27300 RTP/AVP 115\r\na=fmtp:115 profile-level-id=42e01f;packetization-mode=1\r\n"
	audio1 := "m=audio 27292 RTP/AVP 9 8 0 2 102 100 99 101\r\na=ptime:30\r\n"
	session := strings.TrimSuffix(testSDP, audio0+video+audio1)
	runTransCases(t, []transCase{
		// $(rb{sdp.line,a,1}): "the second a line"
		{"sdp.line second a line", "sdp.line,a,1", str(testSDP), str("a=rtpmap:0 PCMU/8000"), false},
		// $(rb{sdp.line,m}): "the first m line", the index defaults to 0
		{"sdp.line first m line", "sdp.line,m", str(testSDP), str("m=audio 27290 RTP/AVP 0 8"), false},
		{"sdp.line index from a variable", "sdp.line,m,$var(n)", str(testSDP), str("m=audio 27292 RTP/AVP 9 8 0 2 102 100 99 101"), false},
		{"sdp.line LF-only body", "sdp.line,c", str("v=0\nc=IN IP4 192.0.2.9\n"), str("c=IN IP4 192.0.2.9"), false},
		{"sdp.line past the last is null", "sdp.line,a,100", str(testSDP), null, false},
		{"sdp.line on an integer fails", "sdp.line,a", num(3), null, true},
		// $(rb{sdp.stream,0}): "first stream"
		{"sdp.stream by index", "sdp.stream,0", str(testSDP), str(audio0), false},
		{"sdp.stream -1 is the last", "sdp.stream,-1", str(testSDP), str(audio1), false},
		// $(rb{sdp.stream,audio}): only the first stream of the type
		{"sdp.stream by media type", "sdp.stream,audio", str(testSDP), str(audio0), false},
		{"sdp.stream media type without case", "sdp.stream,VIDEO", str(testSDP), str(video), false},
		{"sdp.stream index from a variable", "sdp.stream,$var(n)", str(testSDP), str(audio1), false},
		{"sdp.stream missing index is null", "sdp.stream,3", str(testSDP), null, false},
		{"sdp.stream missing type is null", "sdp.stream,image", str(testSDP), null, false},
		{"sdp.stream of a non-SDP body fails", "sdp.stream,0", str("hello"), null, true},
		// $(rb{sdp.stream-delete,0}): "SDP body without first stream"
		{"sdp.stream-delete by index", "sdp.stream-delete,0", str(testSDP), str(session + video + audio1), false},
		// $(rb{sdp.stream-delete,video}): every matching stream goes
		{"sdp.stream-delete by type", "sdp.stream-delete,video", str(testSDP), str(session + audio0 + audio1), false},
		{"sdp.stream-delete all audio", "sdp.stream-delete,audio", str(testSDP), str(session + video), false},
		{"sdp.stream-delete missing is null", "sdp.stream-delete,-4", str(testSDP), null, false},
	})
}

func TestSDPTransformationErrors(t *testing.T) {
	p := newTransParser()
	for _, tc := range []struct{ body, want string }{
		{"sdp.line", "takes 1 to 2 arguments"},
		{"sdp.line,ab", "one letter"},
		{"sdp.line,a,-1", "must not be negative"},
		{"sdp.line,a,x", "must be an integer"},
		{"sdp.stream", "takes 1 argument"},
		{"sdp.stream-delete,1,2", "takes 1 argument"},
	} {
		_, err := p.parseTransformation(tc.body)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("{%s}: err = %v, want %q", tc.body, err, tc.want)
		}
	}
}
