package db

import "testing"

func TestText(t *testing.T) {
	for _, tc := range []struct {
		in   Value
		want string
	}{{"a", "a"}, {[]byte("b"), "b"}, {nil, ""}, {int64(3), ""}} {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("Text(%#v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
