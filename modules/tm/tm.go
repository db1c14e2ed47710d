// Package tm is OpenSIPS's tm module: the SIP transaction layer (RFC 3261
// §17) and the stateful proxy core built on it (§16): server and client
// transactions, retransmissions and timeouts, parallel and serial forking,
// best reply selection, CANCEL, and the t_* script functions (see
// README.md and LOCKING.md).
package tm

import (
	"sync"
	"sync/atomic"
	"time"

	"switchboard/internal/timewheel"
)

// settings are the modparams. The script loader sets them before any
// message runs, but a reload sets them again while transactions run, so
// they are atomics.
type settings struct {
	frTimeout       atomic.Int64 // fr_timeout, seconds
	frInvTimeout    atomic.Int64 // fr_inv_timeout, seconds
	t1, t2          atomic.Int64 // T1_timer, T2_timer, milliseconds
	waitTimer       atomic.Int64 // wt_timer, seconds
	restartFR       atomic.Bool  // restart_fr_on_each_reply
	onreplyAVPs     atomic.Bool  // onreply_avp_mode
	disable6xxBlock atomic.Bool  // disable_6xx_block
	auto100         atomic.Bool  // auto_100trying
	statsEnabled    atomic.Bool  // enable_stats
	passProvisional atomic.Bool  // pass_provisional_replies: relay 100 too
}

var config = func() *settings {
	s := &settings{}
	s.defaults()
	return s
}()

// defaults sets OpenSIPS's default values.
func (s *settings) defaults() {
	s.frTimeout.Store(30)
	s.frInvTimeout.Store(120)
	s.t1.Store(500)
	s.t2.Store(4000)
	s.waitTimer.Store(5)
	s.restartFR.Store(true)
	s.auto100.Store(true)
	s.statsEnabled.Store(true)
	s.onreplyAVPs.Store(false)
	s.disable6xxBlock.Store(false)
	s.passProvisional.Store(false)
}

// t4 is RFC 3261's T4: how long a message may stay in the network.
const t4 = 5 * time.Second

func t1() time.Duration { return time.Duration(config.t1.Load()) * time.Millisecond }
func t2() time.Duration { return time.Duration(config.t2.Load()) * time.Millisecond }
func waitTime() time.Duration {
	return time.Duration(config.waitTimer.Load()) * time.Second
}

// Counters are the module's statistics, with OpenSIPS's names.
type Counters struct {
	ReceivedReplies atomic.Int64    // received_replies
	RelayedReplies  atomic.Int64    // relayed_replies
	LocalReplies    atomic.Int64    // local_replies
	UAS             atomic.Int64    // UAS_transactions
	UAC             atomic.Int64    // UAC_transactions
	Final           [7]atomic.Int64 // Final[2] is 2xx_transactions ... Final[6] 6xx
	Inuse           atomic.Int64    // inuse_transactions

	// RetransReq counts request (and CANCEL) retransmissions by stage:
	// [0] the first (after T1), [1] the second, [2] the third, [3] every
	// later one (the interval capped at T2): retransmission_req_T1_1,
	// _T1_2, _T1_3 and retransmission_req_T2.
	RetransReq [4]atomic.Int64
	RetransRpl atomic.Int64 // retransmission_rpl_T2: final replies resent by Timer G
	TimeoutFR  atomic.Int64 // timeout_finalresponse: fr_timeout expired
	// TimeoutFRInv is timeout_finalresponse_inv: fr_inv_timeout expired
	// on an INVITE branch that had a provisional reply.
	TimeoutFRInv atomic.Int64
}

// Stats holds the module's counters.
var Stats Counters

func count(c *atomic.Int64, n int64) {
	if config.statsEnabled.Load() {
		c.Add(n)
	}
}

// The timers of every transaction run on one wheel with a 10 ms tick:
// fine enough for T1 (500 ms), and one turn of 1024 slots covers ten
// seconds, so most timers need no extra turn.
var (
	wheel      = timewheel.New(10*time.Millisecond, 1024)
	wheelStart sync.Once
	// manualClock is set by tests, which turn the wheel themselves.
	manualClock bool
)

// startWheel starts the wheel's goroutine the first time a transaction
// needs a timer. It runs for the life of the process, like OpenSIPS's
// timer process.
func startWheel() {
	if manualClock {
		return
	}
	wheelStart.Do(func() { go wheel.Run(nil) })
}

// arm starts t (a timer field, Init-ed when its owner was made) to fire
// after d, cancelling a run still waiting. Embedded timers cost no
// allocation per start.
func arm(t *timewheel.Timer, d time.Duration) {
	startWheel()
	wheel.Reset(t, d)
}

// stopTimer cancels t.
func stopTimer(t *timewheel.Timer) { wheel.Stop(t) }

// pending reports whether t waits to fire.
func pending(t *timewheel.Timer) bool { return wheel.Pending(t) }
