package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func TestDumpMessage(t *testing.T) {
	tests := []struct {
		file    string
		want    []string // lines of output that must appear
		errText string
	}{
		{file: "wsinv.dat", want: []string{
			"request  INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0",
			`via      SIP/2.0/UDP host="192.0.2.2" port=0 branch="390skdjuw"`,
			`from     "sip:jdrosen@example.com" tag="98asjd8"`,
			"cseq     9 INVITE",
		}},
		{file: "noreason.dat", want: []string{`response SIP/2.0 100 ""`}},
		{file: "badvers.dat", errText: "reply 505"},
		{file: "ncl.dat", want: []string{"request  INVITE"}, errText: "Content-Length"},
		{file: "lwsstart.dat", errText: "more than one SP"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile("../../sip/testdata/rfc4475/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			err = dumpMessage(&out, data)
			if tc.errText == "" && err != nil {
				t.Fatalf("error: %v", err)
			}
			if tc.errText != "" && (err == nil || !strings.Contains(err.Error(), tc.errText)) {
				t.Fatalf("error %v, want one containing %q", err, tc.errText)
			}
			for _, line := range tc.want {
				if !strings.Contains(out.String(), line) {
					t.Errorf("output lacks %q:\n%s", line, out.String())
				}
			}
		})
	}
}
