package stats

import (
	"runtime"
	"sync"
	"syscall"
	"time"
)

// OpenSIPS's shmem and load groups describe its shared-memory allocator
// and its worker processes. switchboard has one Go heap and goroutines,
// so the same names report their nearest Go equivalents:
//
//	shmem:total_size      runtime.MemStats.Sys: all memory obtained from the OS
//	shmem:used_size       HeapAlloc: bytes of live and not yet swept heap objects
//	shmem:real_used_size  HeapInuse: bytes in in-use heap spans (with their overhead)
//	shmem:max_used_size   the largest real_used_size seen by a read
//	shmem:free_size       Sys - HeapInuse
//	shmem:fragments       HeapObjects: allocated heap objects
//	load:load, load-all   CPU used by the process over the last second, in
//	                      percent of GOMAXPROCS CPUs (OpenSIPS: busy time of the workers)
//	load:load1m, load10m  the same over the last minute, ten minutes
//	load:processes_number goroutines
//
// All are computed when read and unaffected by reset_statistics.

// memCache limits runtime.ReadMemStats, which stops the world, to once
// per second however often the statistics are read.
type memCache struct {
	mu      sync.Mutex
	at      time.Time
	ms      runtime.MemStats
	maxUsed uint64
}

func (c *memCache) read(pick func(*runtime.MemStats, uint64) uint64) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.at) > time.Second {
		runtime.ReadMemStats(&c.ms)
		c.at = time.Now()
		c.maxUsed = max(c.maxUsed, c.ms.HeapInuse)
	}
	return int64(pick(&c.ms, c.maxUsed))
}

func registerRuntime(r *Registry) {
	mem := &memCache{}
	shm := func(name string, pick func(*runtime.MemStats, uint64) uint64) {
		r.Computed("shmem", name, NoReset, func() int64 { return mem.read(pick) }, nil)
	}
	shm("total_size", func(m *runtime.MemStats, _ uint64) uint64 { return m.Sys })
	shm("used_size", func(m *runtime.MemStats, _ uint64) uint64 { return m.HeapAlloc })
	shm("real_used_size", func(m *runtime.MemStats, _ uint64) uint64 { return m.HeapInuse })
	shm("max_used_size", func(_ *runtime.MemStats, peak uint64) uint64 { return peak })
	shm("free_size", func(m *runtime.MemStats, _ uint64) uint64 { return m.Sys - m.HeapInuse })
	shm("fragments", func(m *runtime.MemStats, _ uint64) uint64 { return m.HeapObjects })

	cpu := &cpuSampler{}
	for _, l := range []struct {
		names  []string
		window int
	}{{[]string{"load", "load-all"}, 1}, {[]string{"load1m", "load1m-all"}, 60}, {[]string{"load10m", "load10m-all"}, 600}} {
		window := l.window
		for _, name := range l.names {
			r.Computed("load", name, NoReset, func() int64 { return cpu.load(window) }, nil)
		}
	}
	r.Computed("load", "processes_number", NoReset, func() int64 { return int64(runtime.NumGoroutine()) }, nil)
}

// cpuSampler records the process's CPU time once a second, from the
// first read on, so that a load over the last n seconds is one
// subtraction. getrusage is used rather than runtime/metrics because the
// runtime's CPU classes are only updated at garbage collections.
type cpuSampler struct {
	once    sync.Once
	mu      sync.Mutex
	samples [601]cpuSample // a ring: one per second, ten minutes
	next    int
	count   int
}

type cpuSample struct {
	wall time.Time
	cpu  time.Duration
}

func (c *cpuSampler) load(seconds int) int64 {
	c.once.Do(func() {
		c.record()
		go func() {
			for range time.Tick(time.Second) {
				c.record()
			}
		}()
	})
	now := sample()
	c.mu.Lock()
	back := min(seconds, c.count)
	old := c.samples[(c.next-back+len(c.samples))%len(c.samples)]
	c.mu.Unlock()
	wall := now.wall.Sub(old.wall)
	if wall <= 0 {
		return 0
	}
	pct := 100 * float64(now.cpu-old.cpu) / (float64(wall) * float64(runtime.GOMAXPROCS(0)))
	return int64(min(max(pct, 0), 100))
}

func (c *cpuSampler) record() {
	s := sample()
	c.mu.Lock()
	c.samples[c.next] = s
	c.next = (c.next + 1) % len(c.samples)
	c.count = min(c.count+1, len(c.samples))
	c.mu.Unlock()
}

func sample() cpuSample {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru) // cannot fail for RUSAGE_SELF
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return cpuSample{wall: time.Now(), cpu: cpu}
}
