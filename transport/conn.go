package transport

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"switchboard/sip"
)

// Conn is one TCP connection, accepted or dialed. It is safe for
// concurrent use; the core keeps it to answer on the connection a request
// came in on.
type Conn struct {
	ID       uint64
	Socket   *Socket        // the local socket it belongs to
	Remote   netip.AddrPort // the peer
	Outgoing bool           // we dialed it

	m          *Manager
	nc         *net.TCPConn
	writeMu    sync.Mutex   // one message at a time on the stream
	lastActive atomic.Int64 // unix nanoseconds of the last read or write
	closed     atomic.Bool
	closeOnce  sync.Once
	aliases    []connKey // under m.conns.mu
}

// String names the connection for logs.
func (c *Conn) String() string {
	return fmt.Sprintf("%s conn %d %s", c.Socket, c.ID, c.Remote)
}

// AsAddress is the "as" address of the connection's socket.
func (c *Conn) AsAddress() (host string, port int, ok bool) { return c.Socket.AsAddress() }

// Closed reports whether the connection is gone.
func (c *Conn) Closed() bool { return c.closed.Load() }

// Close closes the connection and forgets it.
func (c *Conn) Close() error {
	var err error
	c.closeOnce.Do(func() {
		c.closed.Store(true)
		err = c.nc.Close()
		c.m.conns.remove(c)
		if c.m.cfg.OnClose != nil && c.m.ctx.Err() == nil { // not while Close shuts everything
			c.m.cfg.OnClose(c)
		}
	})
	return err
}

func (c *Conn) touch() { c.lastActive.Store(time.Now().UnixNano()) }

// write sends one message. A write that fails or times out leaves the
// stream in an unknown state, so it closes the connection.
func (c *Conn) write(data []byte) error {
	if c.closed.Load() {
		return fmt.Errorf("transport: send on %s: %w", c, net.ErrClosed)
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	c.nc.SetWriteDeadline(time.Now().Add(c.m.cfg.TCPSendTimeout))
	if _, err := c.nc.Write(data); err != nil {
		c.Close()
		return fmt.Errorf("transport: send on %s: %w", c, err)
	}
	c.touch()
	if t := tap.Load(); t != nil && len(data) > len(pong) {
		local := c.nc.LocalAddr().(*net.TCPAddr).AddrPort()
		traceSent(t, TCP, local, c.Remote, data)
	}
	return nil
}

// pong answers RFC 5626 §4.4.1 keep-alive pings: a single CRLF for each
// double CRLF.
var pong = []byte("\r\n")

// readLoop frames messages out of the stream and hands them to the
// handler until the peer closes, framing fails, or the connection stays
// idle for the configured lifetime.
func (c *Conn) readLoop() {
	m := c.m
	defer m.wg.Done()
	defer c.Close()
	maxMsg := m.cfg.MaxMessageSize
	// FrameLen reports an oversized message once it holds max+1 bytes, so
	// the buffer never needs to grow beyond that (plus keep-alive slack).
	limit := maxMsg + 8
	buf := make([]byte, min(4096, limit))
	start, end := 0, 0
	pkt := &Packet{Socket: c.Socket, Conn: c, Src: c.Remote}
	for {
		// Deliver every complete message in the buffer.
		for start < end {
			var pings int
			start, pings = skipKeepalives(buf, start, end)
			for ; pings > 0; pings-- {
				if err := c.write(pong); err != nil {
					return
				}
			}
			if start == end || sip.KeepaliveLen(buf[start:end]) == end-start {
				break
			}
			n, err := sip.FrameLen(buf[start:end], maxMsg)
			if errors.Is(err, sip.ErrIncomplete) {
				break
			}
			if err != nil {
				m.log.Info("tcp framing error, closing", "conn", c.String(), "err", err)
				return
			}
			pkt.Data = buf[start : start+n]
			m.handler(pkt)
			start += n
		}
		if start == end {
			start, end = 0, 0
		}
		if end == len(buf) {
			if start > 0 {
				end = copy(buf, buf[start:end])
				start = 0
			} else if len(buf) < limit {
				grown := make([]byte, min(2*len(buf), limit))
				copy(grown, buf[:end])
				buf = grown
			}
		}
		n, err := c.readSome(buf[end:])
		if err != nil {
			if !errors.Is(err, net.ErrClosed) && !c.closed.Load() {
				m.log.Debug("tcp connection ends", "conn", c.String(), "err", err)
			}
			return
		}
		end += n
	}
}

// readSome reads with a deadline at the end of the idle lifetime; sends
// count as activity too, so on time-out it waits again when a write
// happened meanwhile.
func (c *Conn) readSome(p []byte) (int, error) {
	lifetime := c.m.cfg.TCPConnectionLifetime
	for {
		deadline := time.Unix(0, c.lastActive.Load()).Add(lifetime)
		c.nc.SetReadDeadline(deadline)
		n, err := c.nc.Read(p)
		if n > 0 {
			c.touch()
			return n, nil
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			if time.Since(time.Unix(0, c.lastActive.Load())) < lifetime {
				continue
			}
			return 0, fmt.Errorf("idle for %s", lifetime)
		}
		return 0, err
	}
}

// skipKeepalives consumes the CR/LF run at buf[start:end]. Each leading
// "\r\n\r\n" is a ping to answer. When the run ends the data so far, the
// last bytes stay: they may be the first half of a ping still arriving.
func skipKeepalives(buf []byte, start, end int) (next, pings int) {
	run := sip.KeepaliveLen(buf[start:end])
	if run == 0 {
		return start, 0
	}
	i := 0
	for i+4 <= run && string(buf[start+i:start+i+4]) == "\r\n\r\n" {
		pings++
		i += 4
	}
	if run < end-start {
		return start + run, pings // a message follows: drop the whole run
	}
	keep := min(run-i, 3)
	return end - keep, pings
}
