package event_rabbitmq

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Socket is a parsed event subscriber address, the part after
// "rabbitmq:" (OpenSIPS 3.6 event_rabbitmq socket syntax):
//
//	[user[:password]@]host[:port]/[params?]routing_key
//
// params are key[=value] separated by ';': exchange=name, persistent,
// tls_domain=name (refused: switchboard has no tls_mgm) and, as a
// switchboard extension, vhost=name. User, password, host, the exchange
// and the routing key may hold %XX escapes, as OpenSIPS un-escapes them.
// An IPv6 host is written in brackets: [::1]:5672.
type Socket struct {
	User, Password string
	Host           string
	Port           int
	VHost          string
	Exchange       string
	RoutingKey     string
	Persistent     bool
}

// Defaults of the socket syntax.
const (
	defaultUser = "guest"
	defaultPort = 5672
)

// ParseSocket parses the address of a rabbitmq: subscriber.
func ParseSocket(s string) (Socket, error) {
	sock := Socket{User: defaultUser, Password: defaultUser, Port: defaultPort, VHost: "/"}
	if s == "" {
		return sock, errors.New("empty rabbitmq socket")
	}
	// The broker part ends at the first '/' that is not inside a user or
	// password; OpenSIPS stops at the first '/', so do we.
	slash := strings.IndexByte(s, '/')
	if slash < 0 {
		return sock, fmt.Errorf("rabbitmq socket %q: no '/' before the routing key", s)
	}
	authority, rest := s[:slash], s[slash+1:]
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		userinfo := authority[:at]
		authority = authority[at+1:]
		user, pass, hasPass := strings.Cut(userinfo, ":")
		var err error
		if sock.User, err = unescape("user", user); err != nil {
			return sock, err
		}
		if sock.User == "" {
			return sock, fmt.Errorf("rabbitmq socket %q: empty user before '@'", s)
		}
		// A user without a password keeps OpenSIPS's default one.
		if hasPass {
			if sock.Password, err = unescape("password", pass); err != nil {
				return sock, err
			}
		}
	}
	if err := sock.parseHostPort(authority); err != nil {
		return sock, fmt.Errorf("rabbitmq socket %q: %w", s, err)
	}
	if rest == "" {
		return sock, fmt.Errorf("rabbitmq socket %q: no routing key after '/'", s)
	}
	key := rest
	if q := strings.IndexByte(rest, '?'); q >= 0 {
		if err := sock.parseParams(rest[:q]); err != nil {
			return sock, fmt.Errorf("rabbitmq socket %q: %w", s, err)
		}
		key = rest[q+1:]
	}
	var err error
	if sock.RoutingKey, err = unescape("routing key", key); err != nil {
		return sock, err
	}
	if len(sock.RoutingKey) > 255 || len(sock.Exchange) > 255 {
		return sock, fmt.Errorf("rabbitmq socket %q: AMQP limits the exchange and the routing key to 255 bytes", s)
	}
	return sock, nil
}

func (sock *Socket) parseHostPort(s string) error {
	host, port := s, ""
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return errors.New("no ']' after the IPv6 address")
		}
		host, port = s[1:end], s[end+1:]
		if port != "" {
			if port[0] != ':' {
				return fmt.Errorf("%q after the IPv6 address", port)
			}
			port = port[1:]
			if port == "" {
				return errors.New("empty port")
			}
		}
	} else if i := strings.IndexByte(s, ':'); i >= 0 {
		host, port = s[:i], s[i+1:]
		if port == "" {
			return errors.New("empty port")
		}
	}
	var err error
	if sock.Host, err = unescape("host", host); err != nil {
		return err
	}
	if sock.Host == "" {
		return errors.New("no host")
	}
	if strings.ContainsAny(sock.Host, " \t\r\n/?#@") {
		return fmt.Errorf("bad host %q", sock.Host)
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || port[0] == '+' {
			return fmt.Errorf("bad port %q", port)
		}
		sock.Port = n
	}
	return nil
}

func (sock *Socket) parseParams(s string) error {
	for _, item := range strings.Split(s, ";") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, value, hasValue := strings.Cut(item, "=")
		name = strings.TrimSpace(name)
		var err error
		switch name {
		case "exchange":
			if !hasValue {
				return errors.New("exchange needs a value: exchange=name")
			}
			if sock.Exchange, err = unescape("exchange", strings.TrimSpace(value)); err != nil {
				return err
			}
		case "vhost":
			if !hasValue || strings.TrimSpace(value) == "" {
				return errors.New("vhost needs a value: vhost=name")
			}
			if sock.VHost, err = unescape("vhost", strings.TrimSpace(value)); err != nil {
				return err
			}
		case "persistent":
			if hasValue {
				return errors.New("persistent takes no value")
			}
			sock.Persistent = true
		case "tls_domain":
			return errors.New("not supported: tls_domain (TLS to the broker needs tls_mgm, which switchboard does not have)")
		default:
			return fmt.Errorf("unknown parameter %q (known: exchange, persistent, vhost)", name)
		}
	}
	return nil
}

// unescape decodes %XX escapes, as OpenSIPS's un_escape does.
func unescape(what, s string) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	out, err := url.PathUnescape(s)
	if err != nil {
		return "", fmt.Errorf("bad %%-escape in the %s %q", what, s)
	}
	return out, nil
}

// escape is the inverse of unescape for the characters the syntax uses.
func escape(s string) string {
	if !strings.ContainsAny(s, "%:@/?;= []\t\r\n") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if strings.IndexByte("%:@/?;= []\t\r\n", c) >= 0 || c < 0x20 || c >= 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// String writes the socket back in the syntax ParseSocket reads, with
// every default spelled out (as subscribers_list shows it, password
// hidden).
func (sock Socket) String() string { return sock.format(false) }

// format writes the socket; withPassword includes the password.
func (sock Socket) format(withPassword bool) string {
	var b strings.Builder
	b.WriteString(escape(sock.User))
	if withPassword {
		b.WriteByte(':')
		b.WriteString(escape(sock.Password))
	}
	b.WriteByte('@')
	if strings.Contains(sock.Host, ":") {
		b.WriteString("[" + sock.Host + "]")
	} else {
		b.WriteString(escape(sock.Host))
	}
	b.WriteString(":" + strconv.Itoa(sock.Port) + "/")
	var params []string
	if sock.Exchange != "" {
		params = append(params, "exchange="+escape(sock.Exchange))
	}
	if sock.VHost != "/" {
		params = append(params, "vhost="+escape(sock.VHost))
	}
	if sock.Persistent {
		params = append(params, "persistent")
	}
	if len(params) > 0 || sock.RoutingKey == "" {
		// An empty key is only written after a (maybe empty) '?'.
		b.WriteString(strings.Join(params, ";") + "?")
	}
	b.WriteString(escape(sock.RoutingKey))
	return b.String()
}

// broker is the connection the socket publishes on.
func (sock Socket) broker() brokerKey {
	return brokerKey{Host: sock.Host, Port: sock.Port, User: sock.User, Password: sock.Password, VHost: sock.VHost}
}
