package usrloc

import (
	"context"
	"strings"
	"time"

	"switchboard/engine"
)

// miCommands are usrloc's MI commands, in OpenSIPS's names and reply
// shapes (ul_dump: {"Domains": [{"name", "AORs": [{"AOR", "Contacts":
// [...]}]}]}).
func miCommands() []engine.MICommand {
	return []engine.MICommand{
		{Name: "ul_dump", Help: "list every AOR with its contacts", Params: [][]string{nil, {"brief"}},
			Run: func(context.Context, engine.MIParams) (any, error) { return miDump() }},
		{Name: "ul_show_contact", Help: "list the contacts of an AOR", Params: [][]string{{"table_name", "aor"}},
			Run: func(_ context.Context, p engine.MIParams) (any, error) {
				u, err := Load()
				if err != nil {
					return nil, err
				}
				cs, err := u.ShowContact(miString(p, "table_name"), miString(p, "aor"))
				if err != nil {
					return nil, miNotFound(err)
				}
				return map[string]any{"Contacts": miContacts(cs, time.Now())}, nil
			}},
		{Name: "ul_rm", Help: "delete an AOR and its contacts", Params: [][]string{{"table_name", "aor"}},
			Run: func(_ context.Context, p engine.MIParams) (any, error) {
				return miOK(func(u *Usrloc) error { return u.Rm(miString(p, "table_name"), miString(p, "aor")) })
			}},
		{Name: "ul_rm_contact", Help: "delete one contact of an AOR", Params: [][]string{{"table_name", "aor", "contact"}},
			Run: func(_ context.Context, p engine.MIParams) (any, error) {
				return miOK(func(u *Usrloc) error {
					return u.RmContact(miString(p, "table_name"), miString(p, "aor"), miString(p, "contact"))
				})
			}},
		{Name: "ul_flush", Help: "write the dirty contacts to the database now",
			Run: func(context.Context, engine.MIParams) (any, error) {
				return miOK(func(u *Usrloc) error { return u.Flush() })
			}},
		{Name: "ul_sync", Help: "write an AOR (or a table) from memory to the database",
			Params: [][]string{{"table_name"}, {"table_name", "aor"}},
			Run: func(_ context.Context, p engine.MIParams) (any, error) {
				return miOK(func(u *Usrloc) error { return u.Sync(miString(p, "table_name"), miString(p, "aor")) })
			}},
	}
}

func miOK(f func(u *Usrloc) error) (any, error) {
	u, err := Load()
	if err != nil {
		return nil, err
	}
	if err := f(u); err != nil {
		return nil, miNotFound(err)
	}
	return "OK", nil
}

// miNotFound turns a lookup failure into OpenSIPS's 404 error.
func miNotFound(err error) error {
	if strings.Contains(err.Error(), "not found") || strings.Contains(err.Error(), "no such") {
		return &engine.MIError{Code: 404, Message: err.Error()}
	}
	return err
}

func miDump() (any, error) {
	u, err := Load()
	if err != nil {
		return nil, err
	}
	domains, err := u.Dump()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	out := make([]map[string]any, 0, len(domains))
	for _, d := range domains {
		aors := make([]map[string]any, 0, len(d.Records))
		for _, r := range d.Records {
			aors = append(aors, map[string]any{"AOR": r.AOR, "Contacts": miContacts(r.Contacts, now)})
		}
		out = append(out, map[string]any{"name": d.Name, "AORs": aors})
	}
	return map[string]any{"Domains": out}, nil
}

func miContacts(cs []Contact, now time.Time) []map[string]any {
	out := make([]map[string]any, 0, len(cs))
	for _, c := range cs {
		m := map[string]any{
			"Contact":    c.URI,
			"ContactID":  c.ID,
			"Expires":    c.ExpiresIn(now),
			"Callid":     c.CallID,
			"Cseq":       c.CSeq,
			"User-agent": c.UserAgent,
			"Flags":      c.Flags,
			"Cflags":     c.CFlags,
			"Methods":    c.Methods,
		}
		if c.Q != QUnspecified {
			m["Q"] = float64(c.Q) / 1000
		}
		for k, v := range map[string]string{"Received": c.Received, "Path": c.Path, "Socket": c.Socket, "SIP_instance": c.Instance} {
			if v != "" {
				m[k] = v
			}
		}
		out = append(out, m)
	}
	return out
}

// miString reads an optional string parameter; a missing one is "".
func miString(p engine.MIParams, name string) string {
	v, _ := p.Get(name)
	return v
}
