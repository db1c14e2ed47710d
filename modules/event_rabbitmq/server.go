package event_rabbitmq

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	amqp "github.com/rabbitmq/amqp091-go"
)

// Server is a server_id modparam: a named broker connection that
// rabbitmq_publish() sends on.
//
//	[id] uri = amqp://user:pass@host:port/vhost; exchange = x; heartbeat = 5;
//	     frames = 131072; retries = 2; mandatory; non-persistent
type Server struct {
	ID         string
	Broker     brokerKey
	Exchange   string
	FrameSize  int // 0: the library's default (131072, as OpenSIPS)
	Heartbeat  int // seconds; 0: the broker's
	Retries    int // extra attempts after a connection failure
	Mandatory  bool
	Persistent bool // delivery_mode 2; non-persistent clears it
}

// minFrames is AMQP's smallest frame_max (4096); OpenSIPS raises a
// smaller frames value to it.
const minFrames = 4096

// ParseServer parses the value of a server_id modparam.
func ParseServer(s string) (Server, error) {
	srv := Server{Persistent: true}
	rest := strings.TrimLeft(s, " \t\r\n")
	if !strings.HasPrefix(rest, "[") {
		return srv, fmt.Errorf("server_id %q: must start with [id]", s)
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return srv, fmt.Errorf("server_id %q: no ']' after the id", s)
	}
	srv.ID = strings.TrimSpace(rest[1:end])
	if srv.ID == "" {
		return srv, fmt.Errorf("server_id %q: empty id", s)
	}
	var uri string
	haveURI := false
	for _, item := range strings.Split(rest[end+1:], ";") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, value, hasValue := strings.Cut(item, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		value = strings.TrimSpace(value)
		needValue := func() error {
			if !hasValue || value == "" {
				return fmt.Errorf("server_id [%s]: %s needs a value", srv.ID, name)
			}
			return nil
		}
		number := func() (int, error) {
			if err := needValue(); err != nil {
				return 0, err
			}
			n, err := strconv.Atoi(value)
			if err != nil || n < 0 {
				return 0, fmt.Errorf("server_id [%s]: %s must be a non-negative number, not %q", srv.ID, name, value)
			}
			return n, nil
		}
		var err error
		switch name {
		case "uri":
			if err := needValue(); err != nil {
				return srv, err
			}
			if haveURI {
				return srv, fmt.Errorf("server_id [%s]: uri given twice", srv.ID)
			}
			uri, haveURI = value, true
		case "exchange":
			if err := needValue(); err != nil {
				return srv, err
			}
			srv.Exchange = value
		case "frames":
			if srv.FrameSize, err = number(); err != nil {
				return srv, err
			}
			if srv.FrameSize < minFrames {
				srv.FrameSize = minFrames
			}
		case "heartbeat":
			if srv.Heartbeat, err = number(); err != nil {
				return srv, err
			}
		case "retries":
			if srv.Retries, err = number(); err != nil {
				return srv, err
			}
		case "mandatory", "non-persistent", "immediate":
			if hasValue {
				return srv, fmt.Errorf("server_id [%s]: %s takes no value", srv.ID, name)
			}
			switch name {
			case "mandatory":
				srv.Mandatory = true
			case "non-persistent":
				srv.Persistent = false
			default:
				return srv, fmt.Errorf("server_id [%s]: not supported: immediate (RabbitMQ 3.0 and later close the channel on it)", srv.ID)
			}
		case "tls_domain":
			return srv, fmt.Errorf("server_id [%s]: not supported: tls_domain (TLS to the broker needs tls_mgm, which switchboard does not have)", srv.ID)
		default:
			// OpenSIPS reads an unknown item after the uri as part of
			// it (an amqp URI may hold ';' in its query).
			if haveURI {
				uri += ";" + item
				continue
			}
			return srv, fmt.Errorf("server_id [%s]: unknown parameter %q (known: uri, exchange, frames, heartbeat, retries, mandatory, non-persistent)", srv.ID, name)
		}
	}
	if !haveURI {
		return srv, fmt.Errorf("server_id [%s]: the uri parameter is mandatory", srv.ID)
	}
	if len(srv.Exchange) > 255 {
		return srv, fmt.Errorf("server_id [%s]: AMQP limits the exchange to 255 bytes", srv.ID)
	}
	if strings.HasPrefix(strings.ToLower(uri), "amqps:") {
		return srv, fmt.Errorf("server_id [%s]: not supported: amqps (TLS to the broker needs tls_mgm, which switchboard does not have)", srv.ID)
	}
	u, err := amqp.ParseURI(uri)
	if err != nil {
		return srv, fmt.Errorf("server_id [%s]: uri %q: %w", srv.ID, uri, err)
	}
	if u.Host == "" {
		return srv, fmt.Errorf("server_id [%s]: uri %q: no host", srv.ID, uri)
	}
	if u.Port < 1 || u.Port > 65535 {
		return srv, fmt.Errorf("server_id [%s]: uri %q: bad port", srv.ID, uri)
	}
	if u.Vhost == "" {
		u.Vhost = "/"
	}
	srv.Broker = brokerKey{Host: u.Host, Port: u.Port, User: u.Username, Password: u.Password, VHost: u.Vhost}
	return srv, nil
}

// errNoTLS refuses use_tls: TLS client domains come from tls_mgm.
var errNoTLS = errors.New("not supported: use_tls (TLS to the broker needs tls_mgm, which switchboard does not have)")

// errNoServers is the rabbitmq_publish error before Init ran.
var errNoServers = errors.New("event_rabbitmq is not running")
