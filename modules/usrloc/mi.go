package usrloc

import (
	"fmt"
	"slices"
	"time"
)

// The MI commands' logic (ul_dump, ul_show_contact, ul_rm, ul_rm_contact,
// ul_add, ul_flush, ul_sync). The MI issue wires them to the management
// interface; here they are plain functions with typed results.

// DumpDomain is one domain of ul_dump.
type DumpDomain struct {
	Name    string
	Records []Record
}

// Dump returns every domain with its AORs and live bindings (ul_dump).
func (u *Usrloc) Dump() ([]DumpDomain, error) {
	var out []DumpDomain
	for _, d := range u.Domains() {
		aors, err := d.AORs()
		if err != nil {
			return nil, err
		}
		dd := DumpDomain{Name: d.name}
		for _, aor := range aors {
			cs, err := d.Get(aor)
			if err != nil {
				return nil, err
			}
			if len(cs) > 0 {
				dd.Records = append(dd.Records, Record{AOR: aor, Contacts: cs})
			}
		}
		out = append(out, dd)
	}
	return out, nil
}

func (u *Usrloc) existing(table string) (*Domain, error) {
	u.mu.Lock()
	d, ok := u.domains[table]
	u.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNoDomain, table)
	}
	return d, nil
}

// ShowContact returns the bindings of aor (ul_show_contact); none is an
// error, as the MI command answers "AOR not found".
func (u *Usrloc) ShowContact(table, aor string) ([]Contact, error) {
	d, err := u.existing(table)
	if err != nil {
		return nil, err
	}
	cs, err := d.Get(aor)
	if err == nil && len(cs) == 0 {
		err = fmt.Errorf("usrloc: AOR %s not found", aor)
	}
	return cs, err
}

// Rm removes aor and its bindings (ul_rm).
func (u *Usrloc) Rm(table, aor string) error {
	d, err := u.existing(table)
	if err != nil {
		return err
	}
	return d.Delete(aor)
}

// RmContact removes one binding of aor (ul_rm_contact); a missing one is
// an error.
func (u *Usrloc) RmContact(table, aor, contact string) error {
	d, err := u.existing(table)
	if err != nil {
		return err
	}
	_, err = d.Update(aor, func(_ time.Time, cur []Contact) ([]Contact, error) {
		i := slices.IndexFunc(cur, func(c Contact) bool { return c.URI == contact })
		if i < 0 {
			return nil, fmt.Errorf("usrloc: contact %s of %s not found", contact, aor)
		}
		return slices.Delete(cur, i, i+1), nil
	})
	return err
}

// Add adds or replaces a binding (ul_add: table, aor, contact, expires
// in seconds, q in thousandths, flags, cflags, methods).
func (u *Usrloc) Add(table, aor, contact string, expires int64, q int, flags int, cflags uint64, methods uint32) error {
	d, err := u.Domain(table)
	if err != nil {
		return err
	}
	now := u.cfg.Now()
	c := Contact{URI: contact, Q: q, Flags: flags, CFlags: cflags, Methods: methods,
		CallID: "dfjrewr12386fd6-343@opensips.mi", CSeq: 1, LastModified: now}
	if expires > 0 {
		c.Expires = now.Unix() + expires
	}
	return d.Insert(aor, c)
}

// Sync writes every in-memory binding of table (or of one AOR of it) to
// the database (ul_sync): after a database was lost or replaced.
func (u *Usrloc) Sync(table, aor string) error {
	if u.conn == nil || u.cfg.DBMode == DBOnly {
		return fmt.Errorf("usrloc: ul_sync needs db_mode 1 or 2")
	}
	d, err := u.existing(table)
	if err != nil {
		return err
	}
	aors := []string{aor}
	if aor == "" {
		if aors, err = d.AORs(); err != nil {
			return err
		}
	}
	for _, a := range aors {
		cs, err := d.Get(a)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if err := d.upsert(a, c); err != nil {
				return err
			}
		}
	}
	return nil
}
