package event_rabbitmq

import (
	"strings"
	"testing"
)

func TestParseSocket(t *testing.T) {
	def := func(f func(*Socket)) Socket {
		s := Socket{User: "guest", Password: "guest", Host: "127.0.0.1", Port: 5672, VHost: "/"}
		f(&s)
		return s
	}
	tests := []struct {
		name, in string
		want     Socket
	}{
		{"host and key", "127.0.0.1/pike", def(func(s *Socket) { s.RoutingKey = "pike" })},
		{"full", "guest:guest@127.0.0.1:5672/pike", def(func(s *Socket) { s.RoutingKey = "pike" })},
		{"user only keeps the default password", "bob@127.0.0.1/q", def(func(s *Socket) { s.User = "bob"; s.RoutingKey = "q" })},
		{"user and password", "bob:s3cr@t@127.0.0.1:5673/q", def(func(s *Socket) {
			s.User, s.Password, s.Port, s.RoutingKey = "bob", "s3cr@t", 5673, "q"
		})},
		{"empty password", "bob:@127.0.0.1/q", def(func(s *Socket) { s.User, s.Password, s.RoutingKey = "bob", "", "q" })},
		{"exchange", "127.0.0.1/exchange=ev?sip.calls", def(func(s *Socket) { s.Exchange, s.RoutingKey = "ev", "sip.calls" })},
		{"exchange and persistent", "127.0.0.1/exchange=ev;persistent?k", def(func(s *Socket) {
			s.Exchange, s.Persistent, s.RoutingKey = "ev", true, "k"
		})},
		{"vhost extension", "127.0.0.1/vhost=prod?k", def(func(s *Socket) { s.VHost, s.RoutingKey = "prod", "k" })},
		{"empty key after params", "127.0.0.1/exchange=fan?", def(func(s *Socket) { s.Exchange = "fan" })},
		{"escaped key", "127.0.0.1/a%2Fb", def(func(s *Socket) { s.RoutingKey = "a/b" })},
		{"hostname", "rabbit.example.com/q", def(func(s *Socket) { s.Host, s.RoutingKey = "rabbit.example.com", "q" })},
		{"ipv6", "[::1]:5673/q", def(func(s *Socket) { s.Host, s.Port, s.RoutingKey = "::1", 5673, "q" })},
		{"key with dots and slashes after the first", "127.0.0.1/a.b/c", def(func(s *Socket) { s.RoutingKey = "a.b/c" })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSocket(tt.in)
			if err != nil {
				t.Fatalf("ParseSocket(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Fatalf("ParseSocket(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			again, err := ParseSocket(got.format(true))
			if err != nil || again != got {
				t.Fatalf("round trip through %q: %+v, %v", got.format(true), again, err)
			}
		})
	}
}

func TestParseSocketErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", "empty"},
		{"no slash", "127.0.0.1", "no '/'"},
		{"no key", "127.0.0.1/", "no routing key"},
		{"no host", "/q", "no host"},
		{"no host after user", "bob@/q", "no host"},
		{"bad port", "127.0.0.1:abc/q", "bad port"},
		{"port zero", "127.0.0.1:0/q", "bad port"},
		{"port too big", "127.0.0.1:70000/q", "bad port"},
		{"empty port", "127.0.0.1:/q", "empty port"},
		{"empty user", "@127.0.0.1/q", "empty user"},
		{"unknown param", "127.0.0.1/color=red?q", "unknown parameter"},
		{"exchange without value", "127.0.0.1/exchange?q", "needs a value"},
		{"persistent with value", "127.0.0.1/persistent=1?q", "takes no value"},
		{"tls refused", "127.0.0.1/tls_domain=rmq?q", "not supported: tls_domain"},
		{"bad escape", "127.0.0.1/a%zz", "bad %-escape"},
		{"unclosed ipv6", "[::1/q", "no ']'"},
		{"junk after ipv6", "[::1]x/q", "after the IPv6"},
		{"long key", "127.0.0.1/" + strings.Repeat("k", 256), "255 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSocket(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseSocket(%q) = %v, want an error with %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestSocketString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"127.0.0.1/pike", "guest@127.0.0.1:5672/pike"},
		{"bob:pw@127.0.0.1:5673/exchange=ev;persistent?k", "bob@127.0.0.1:5673/exchange=ev;persistent?k"},
		{"[::1]/q", "guest@[::1]:5672/q"},
	}
	for _, tt := range tests {
		s, err := ParseSocket(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.String(); got != tt.want {
			t.Errorf("String of %q = %q, want %q (no password)", tt.in, got, tt.want)
		}
	}
}

func TestParseServer(t *testing.T) {
	tests := []struct {
		name, in string
		want     Server
	}{
		{"uri only", "[ID1] uri = amqp://127.0.0.1", Server{ID: "ID1", Persistent: true,
			Broker: brokerKey{Host: "127.0.0.1", Port: 5672, User: "guest", Password: "guest", VHost: "/"}}},
		{"everything", "[ID2] uri = amqp://u:p@127.0.0.1:5673/vh; heartbeat = 5; frames=8192; retries=3; exchange=ev; mandatory; non-persistent",
			Server{ID: "ID2", Heartbeat: 5, FrameSize: 8192, Retries: 3, Exchange: "ev", Mandatory: true,
				Broker: brokerKey{Host: "127.0.0.1", Port: 5673, User: "u", Password: "p", VHost: "vh"}}},
		{"small frames raised", "[x] uri=amqp://h; frames=10", Server{ID: "x", FrameSize: 4096, Persistent: true,
			Broker: brokerKey{Host: "h", Port: 5672, User: "guest", Password: "guest", VHost: "/"}}},
		{"case-insensitive names", "[x] URI=amqp://h; Retries=1", Server{ID: "x", Retries: 1, Persistent: true,
			Broker: brokerKey{Host: "h", Port: 5672, User: "guest", Password: "guest", VHost: "/"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseServer(tt.in)
			if err != nil {
				t.Fatalf("ParseServer(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Fatalf("ParseServer(%q) =\n%+v, want\n%+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseServerErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"no id", "uri=amqp://h", "must start with [id]"},
		{"unclosed id", "[x uri=amqp://h", "no ']'"},
		{"empty id", "[] uri=amqp://h", "empty id"},
		{"no uri", "[x] exchange=e", "uri parameter is mandatory"},
		{"unknown before uri", "[x] color=red; uri=amqp://h", "unknown parameter"},
		{"bad retries", "[x] uri=amqp://h; retries=many", "non-negative number"},
		{"negative heartbeat", "[x] uri=amqp://h; heartbeat=-1", "non-negative number"},
		{"immediate", "[x] uri=amqp://h; immediate", "not supported: immediate"},
		{"tls", "[x] uri=amqp://h; tls_domain=d", "not supported: tls_domain"},
		{"amqps", "[x] uri=amqps://h", "not supported: amqps"},
		{"bad scheme", "[x] uri=http://h", "uri"},
		{"uri twice", "[x] uri=amqp://h; uri=amqp://g", "twice"},
		{"flag with value", "[x] uri=amqp://h; mandatory=1", "takes no value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseServer(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseServer(%q) = %v, want an error with %q", tt.in, err, tt.want)
			}
		})
	}
}

// FuzzParseSocket: any input parses or fails cleanly, and what parses
// survives a print and parse again unchanged.
func FuzzParseSocket(f *testing.F) {
	for _, s := range []string{"127.0.0.1/pike", "guest:guest@127.0.0.1:5672/pike", "127.0.0.1/exchange=ev;persistent?k",
		"[::1]:5673/q", "bob@h/vhost=v?k%2F", "h/?", "a:b:c@d/e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseSocket(in)
		if err != nil {
			return
		}
		printed := s.format(true)
		again, err := ParseSocket(printed)
		if err != nil {
			t.Fatalf("%q parsed to %+v, printed as %q which fails: %v", in, s, printed, err)
		}
		if again != s {
			t.Fatalf("%q: %+v, printed %q, parsed again %+v", in, s, printed, again)
		}
	})
}

// FuzzParseServer: any server_id value parses or fails cleanly; what
// parses names a broker.
func FuzzParseServer(f *testing.F) {
	for _, s := range []string{"[ID1] uri = amqp://127.0.0.1", "[x] uri=amqp://u:p@h:1/v; heartbeat=5; mandatory",
		"[x] uri=amqp://h?a=b;c=d; retries=2", "[ x ] exchange=e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		srv, err := ParseServer(in)
		if err != nil {
			return
		}
		if srv.ID == "" || srv.Broker.Host == "" || srv.Broker.Port < 1 || srv.Broker.Port > 65535 {
			t.Fatalf("%q parsed to an unusable server %+v", in, srv)
		}
	})
}
