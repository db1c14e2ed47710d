package usrloc

import "switchboard/engine"

// statSpecs exports registered_users, read from the running instance.
// The per-table <domain>-users/-contacts/-expires statistics are not
// exported yet: a module's statistics are fixed when it registers, and
// the tables are only known once a script names them.
func statSpecs() []engine.StatSpec {
	return []engine.StatSpec{engine.GaugeStat("registered_users", func() int64 {
		mu.Lock()
		u := current
		mu.Unlock()
		if u == nil {
			return 0
		}
		return u.RegisteredUsers()
	})}
}
