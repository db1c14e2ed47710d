package httpd

import (
	"fmt"
	"net/netip"
	"sync"

	"switchboard/core"
	"switchboard/engine"
)

func init() {
	core.Register(&engine.Module{
		Name: "httpd",
		Params: []engine.Param{
			{Name: "ip", Kind: engine.ParamStr, Set: func(v engine.Value) error {
				ip := v.String()
				if ip != "" {
					if _, err := netip.ParseAddr(ip); err != nil {
						return fmt.Errorf("ip must be an IP address, not %q", ip)
					}
				}
				pending.IP = ip
				return nil
			}},
			engine.IntParam("port", func(n int) error {
				if n < 0 || n > 65535 {
					return fmt.Errorf("port must be 0..65535, not %d", n)
				}
				pending.Port = n
				return nil
			}),
			engine.IntParam("post_buf_size", func(n int) error {
				if n < 256 {
					return fmt.Errorf("post_buf_size must be at least 256 bytes, not %d", n)
				}
				pending.PostBufSize = int64(n)
				return nil
			}),
			// buf_size sizes OpenSIPS's reply buffer; Go streams the
			// replies, so the value is checked and otherwise unused.
			engine.IntParam("buf_size", func(n int) error {
				if n < 0 {
					return fmt.Errorf("buf_size must not be negative, not %d", n)
				}
				return nil
			}),
		},
		Init:     start,
		Shutdown: stop,
	})
}

var (
	// pending collects the modparams of the script being loaded; start
	// consumes and resets it, so one test's parameters never leak.
	pending = DefaultConfig()

	mu      sync.Mutex
	running *Server
)
