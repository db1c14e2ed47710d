package resolver

import (
	"context"
	"errors"
	"testing"
)

func TestENUM(t *testing.T) {
	r, _, _ := newTestResolver(t, Config{})
	tests := []struct {
		name, number, suffix string
		want                 string
		wantErr              error
	}{
		{name: "RFC 6116 e164.arpa with back-reference", number: "+441234", want: "sip:234@example.test"},
		{name: "visual separators are dropped", number: "+44 (1) 2-3.4", want: "sip:234@example.test"},
		{name: "broken and non-sip records are skipped, i flag", number: "+441999", want: "sip:441999@alt.test;user=phone"},
		{name: "custom suffix and old sip+E2U service", number: "+1234", suffix: "my.enum.", want: "sip:old@style.test"},
		{name: "suffix without trailing dot", number: "+1234", suffix: "my.enum", want: "sip:old@style.test"},
		{name: "no NAPTR", number: "+4400", wantErr: ErrNotFound},
		{name: "no leading plus", number: "441234", wantErr: ErrNotFound},
		{name: "letters", number: "+44abc", wantErr: ErrNotFound},
		{name: "more than 15 digits", number: "+1234567890123456", wantErr: ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.ENUM(context.Background(), tt.number, tt.suffix)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ENUM(%q) error = %v, want %v", tt.number, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ENUM(%q) = %q, want %q", tt.number, got, tt.want)
			}
		})
	}
}

func TestENUMName(t *testing.T) {
	aus, name, err := enumName("+1-555-0100", "")
	if err != nil || aus != "+15550100" || name != "0.0.1.0.5.5.5.1.e164.arpa." {
		t.Errorf("enumName = %q, %q, %v", aus, name, err)
	}
}
