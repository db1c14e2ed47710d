package registrar

import (
	"testing"
	"time"
)

func TestHTTPDate(t *testing.T) {
	base := time.Date(2026, 11, 26, 20, 4, 5, 0, time.FixedZone("CET", 3600))
	for _, tc := range []struct {
		name string
		at   time.Time
		want string
	}{
		{"GMT whatever the zone", base, "Thu, 26 Nov 2026 19:04:05 GMT"},
		{"same second, later", base.Add(900 * time.Millisecond), "Thu, 26 Nov 2026 19:04:05 GMT"},
		{"next second", base.Add(time.Second), "Thu, 26 Nov 2026 19:04:06 GMT"},
		{"back in time", base.Add(-time.Hour), "Thu, 26 Nov 2026 18:04:05 GMT"},
	} {
		if got := httpDate(tc.at); got != tc.want {
			t.Errorf("%s: httpDate = %q, want %q", tc.name, got, tc.want)
		}
	}
}
