package usrloc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"switchboard/db"
	"switchboard/db/schema"
	"switchboard/engine"
)

// locationVersion is the location table layout of OpenSIPS 3.6.
const locationVersion = 1013

// prepareTable checks the domain's table: "location" is created when
// missing (the embedded SQLite starts empty); any table must carry the
// 3.6 version, or its columns are not the ones written here.
func (d *Domain) prepareTable() error {
	ctx, cancel := dbContext()
	defer cancel()
	if d.name == "location" {
		if _, err := schema.Migrate(ctx, d.u.conn, []string{"location"}); err != nil {
			return fmt.Errorf("usrloc: table location: %w", err)
		}
	}
	v, err := d.u.conn.TableVersion(ctx, d.name)
	if err != nil {
		return fmt.Errorf("usrloc: table %s: %w", d.name, err)
	}
	if v != locationVersion {
		return fmt.Errorf("usrloc: table %s has version %d, want %d", d.name, v, locationVersion)
	}
	return nil
}

// loadPage is how many rows load reads per query. Each page is one
// query under its own timeout (db.DefaultTimeout), so a table of any
// size loads (a single query for a million rows outlasts the timeout)
// and only one page of rows is decoded in memory at a time.
const loadPage = 5000

// load reads every live row of the table into memory, a page at a time
// in contact_id order (keyset pagination: each page starts after the
// last id of the one before, so no row is read twice or skipped).
func (d *Domain) load() error {
	now := d.u.cfg.Now()
	var last int64
	for first := true; ; first = false {
		var where []db.Cond
		if !first {
			where = []db.Cond{{Col: "contact_id", Op: ">", Val: last}}
		}
		rows, err := d.loadPage(where)
		if err != nil {
			return fmt.Errorf("usrloc: load %s: %w", d.name, err)
		}
		for _, r := range rows {
			aor, c := d.fromRow(r)
			last = c.ID
			if c.Expired(now) || aor == "" {
				continue
			}
			s := d.shardOf(aor)
			s.mu.Lock()
			var cur []Contact
			if rec, ok := s.records[aor]; ok {
				cur = unpackRecord(nil, rec, false, now)
			}
			d.store(s, aor, append(cur, c))
			s.mu.Unlock()
		}
		if len(rows) < loadPage {
			return nil
		}
	}
}

// loadAttempts is how often a page that timed out is read again: a
// page takes milliseconds, but a start-up on a starved machine (or
// behind a database busy with something else) can stall one query past
// the timeout, and one slow page must not stop the server from starting.
const loadAttempts = 3

// loadPage reads one page of the table for load.
func (d *Domain) loadPage(where []db.Cond) ([]db.Row, error) {
	for attempt := 1; ; attempt++ {
		ctx, cancel := dbContext()
		rows, err := d.u.conn.Query(ctx, d.name, nil, where, "contact_id", loadPage)
		cancel()
		if err == nil || attempt == loadAttempts || !errors.Is(err, context.DeadlineExceeded) {
			return rows, err
		}
		d.u.cfg.Log.Warn("loading a page of the location table timed out, reading it again",
			"table", d.name, "attempt", attempt, "err", err)
	}
}

// keyConds selects an AOR's rows: username alone, or username and domain
// with use_domain.
func (d *Domain) keyConds(aor string) []db.Cond {
	user, domain := d.splitAOR(aor)
	if !d.u.cfg.UseDomain {
		return []db.Cond{{Col: "username", Val: user}}
	}
	return []db.Cond{{Col: "username", Val: user}, {Col: "domain", Val: domain}}
}

func (d *Domain) splitAOR(aor string) (user, domain string) {
	if !d.u.cfg.UseDomain {
		return aor, ""
	}
	if i := strings.LastIndexByte(aor, '@'); i >= 0 {
		return aor[:i], aor[i+1:]
	}
	return aor, ""
}

// queryAOR reads aor's live bindings from the table (DB-only mode).
func (d *Domain) queryAOR(aor string, now time.Time) ([]Contact, error) {
	ctx, cancel := dbContext()
	defer cancel()
	rows, err := d.u.conn.Query(ctx, d.name, nil, d.keyConds(aor), "", 0)
	if err != nil {
		return nil, fmt.Errorf("usrloc: query %s: %w", d.name, err)
	}
	var out []Contact
	for _, r := range rows {
		if _, c := d.fromRow(r); !c.Expired(now) {
			out = append(out, c)
		}
	}
	return out, nil
}

// queryAORs lists the table's AORs (DB-only mode).
func (d *Domain) queryAORs() ([]string, error) {
	ctx, cancel := dbContext()
	defer cancel()
	rows, err := d.u.conn.Query(ctx, d.name, []string{"username", "domain"}, nil, "", 0)
	if err != nil {
		return nil, fmt.Errorf("usrloc: query %s: %w", d.name, err)
	}
	var out []string
	for _, r := range rows {
		aor := db.Text(r["username"])
		if dom := db.Text(r["domain"]); d.u.cfg.UseDomain && dom != "" {
			aor += "@" + dom
		}
		if !slices.Contains(out, aor) {
			out = append(out, aor)
		}
	}
	slices.Sort(out)
	return out, nil
}

// write applies one Update to the table: removed rows deleted, changed
// and new ones upserted by contact_id.
func (d *Domain) write(aor string, old, next []Contact, removed []int64) error {
	if err := d.deleteIDs(removed); err != nil {
		return err
	}
	for _, c := range next {
		if i := slices.IndexFunc(old, func(o Contact) bool { return o.ID == c.ID }); i >= 0 && sameContact(old[i], c) {
			continue
		}
		if err := d.upsert(aor, c); err != nil {
			return err
		}
	}
	return nil
}

func (d *Domain) upsert(aor string, c Contact) error {
	if c.Flags&FlagMemOnly != 0 {
		return nil
	}
	ctx, cancel := dbContext()
	defer cancel()
	if err := d.u.conn.Upsert(ctx, d.name, d.toRow(aor, c), []string{"contact_id"}); err != nil {
		return fmt.Errorf("usrloc: write %s: %w", aor, err)
	}
	return nil
}

func (d *Domain) deleteIDs(ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	ctx, cancel := dbContext()
	defer cancel()
	for _, id := range ids {
		if _, err := d.u.conn.Delete(ctx, d.name, []db.Cond{{Col: "contact_id", Val: id}}); err != nil {
			return fmt.Errorf("usrloc: delete from %s: %w", d.name, err)
		}
	}
	return nil
}

func (d *Domain) deleteExpiredRows(now time.Time) error {
	ctx, cancel := dbContext()
	defer cancel()
	_, err := d.u.conn.Delete(ctx, d.name, []db.Cond{{Col: "expires", Op: ">", Val: int64(0)}, {Col: "expires", Op: "<=", Val: now.Unix()}})
	if err != nil {
		return fmt.Errorf("usrloc: expire %s: %w", d.name, err)
	}
	return nil
}

// flush writes what write-back mode owes the database. The shard lock is
// held only to take a snapshot: SIP traffic never waits on the database.
// A failed write is marked dirty again and retried at the next flush.
func (d *Domain) flush() error {
	var errs []error
	for i := range d.shards {
		s := &d.shards[i]
		s.mu.Lock()
		deleted := s.deleted
		s.deleted = nil
		snapshot := make(map[string][]Contact, len(s.dirty))
		for aor := range s.dirty {
			if rec, ok := s.records[aor]; ok {
				snapshot[aor] = unpackRecord(nil, rec, false, time.Time{})
			} else {
				snapshot[aor] = nil
			}
		}
		clear(s.dirty)
		s.mu.Unlock()
		if err := d.deleteIDs(deleted); err != nil {
			errs = append(errs, err)
			s.mu.Lock()
			s.deleted = append(s.deleted, deleted...)
			s.mu.Unlock()
		}
		for aor, cs := range snapshot {
			for _, c := range cs {
				if err := d.upsert(aor, c); err != nil {
					errs = append(errs, err)
					s.mu.Lock()
					s.dirty[aor] = struct{}{}
					s.mu.Unlock()
					break
				}
			}
		}
	}
	return errors.Join(errs...)
}

// assignIDs gives new bindings their contact_id: a hash of the AOR and
// the binding's identity, so the same binding keeps its row across
// re-registrations and restarts, and upserts need no read first.
func assignIDs(aor string, cs []Contact) {
	for i := range cs {
		if cs[i].ID != 0 {
			continue
		}
		h := fnv.New64a()
		h.Write([]byte(aor + "\x00" + cs[i].URI + "\x00" + cs[i].Instance + "\x00" + cs[i].RegID))
		id := int64(h.Sum64() &^ (1 << 63))
		for id == 0 || slices.ContainsFunc(cs[:i], func(c Contact) bool { return c.ID == id }) {
			id++
		}
		cs[i].ID = id
	}
}

func sameContact(a, b Contact) bool {
	return a.URI == b.URI && a.Expires == b.Expires && a.Q == b.Q && a.CallID == b.CallID && a.CSeq == b.CSeq &&
		a.Flags == b.Flags && a.CFlags == b.CFlags && a.UserAgent == b.UserAgent && a.Received == b.Received &&
		a.Path == b.Path && a.Socket == b.Socket && a.Methods == b.Methods && a.Instance == b.Instance &&
		a.RegID == b.RegID && a.Attr == b.Attr && a.LastModified.Equal(b.LastModified)
}

// kvStore is what the kv_store column holds: fields the 3.6 layout has
// no column for.
type kvStore struct {
	RegID string `json:"reg_id,omitempty"`
}

func (d *Domain) toRow(aor string, c Contact) db.Row {
	user, domain := d.splitAOR(aor)
	r := db.Row{
		"contact_id": c.ID, "username": user, "contact": c.URI, "expires": c.Expires,
		"q": float64(c.Q) / 1000, "callid": c.CallID, "cseq": int64(c.CSeq), "last_modified": c.LastModified,
		"flags": int64(c.Flags), "user_agent": c.UserAgent,
		"domain": nullable(domain), "received": nullable(c.Received), "path": nullable(c.Path),
		"socket": nullable(c.Socket), "sip_instance": nullable(c.Instance), "attr": nullable(c.Attr),
		"cflags":  nullable(engine.BranchFlags.List(c.CFlags)),
		"methods": int64(int32(c.Methods)), // -1 is "all", as OpenSIPS's 0xFFFFFFFF
	}
	if c.RegID != "" {
		kv, _ := json.Marshal(kvStore{RegID: c.RegID})
		r["kv_store"] = string(kv)
	}
	return r
}

func (d *Domain) fromRow(r db.Row) (string, Contact) {
	aor := db.Text(r["username"])
	if dom := db.Text(r["domain"]); d.u.cfg.UseDomain && dom != "" {
		aor += "@" + dom
	}
	c := Contact{
		ID: num(r["contact_id"]), URI: db.Text(r["contact"]), Expires: num(r["expires"]),
		CallID: db.Text(r["callid"]), CSeq: uint32(num(r["cseq"])), Flags: int(num(r["flags"])),
		UserAgent: db.Text(r["user_agent"]), Received: db.Text(r["received"]), Path: db.Text(r["path"]),
		Socket: db.Text(r["socket"]), Methods: uint32(int32(num(r["methods"]))), Instance: db.Text(r["sip_instance"]),
		Attr: db.Text(r["attr"]), Q: QUnspecified,
	}
	if r["methods"] == nil {
		c.Methods = AllMethods
	}
	if q, ok := r["q"].(float64); ok && q >= 0 {
		c.Q = int(q*1000 + 0.5)
	}
	if t, ok := r["last_modified"].(time.Time); ok {
		c.LastModified = t
	}
	for _, name := range strings.Fields(db.Text(r["cflags"])) {
		if bit, err := engine.BranchFlags.Bit(name); err == nil {
			c.CFlags |= bit
		}
	}
	var kv kvStore
	if s := db.Text(r["kv_store"]); s != "" && json.Unmarshal([]byte(s), &kv) == nil {
		c.RegID = kv.RegID
	}
	return aor, c
}

func nullable(s string) db.Value {
	if s == "" {
		return nil
	}
	return s
}

func num(v db.Value) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	}
	return 0
}
