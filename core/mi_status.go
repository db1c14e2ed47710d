package core

import (
	"context"
	"strings"

	"switchboard/engine"
	"switchboard/status"
)

// statusMICommands are the status/report MI commands (OpenSIPS
// status_report.c), answered in its JSON shapes.
func statusMICommands() []engine.MICommand {
	return []engine.MICommand{
		{Name: "sr_get_status", Help: "gets the status of an identifier of a group",
			Params: [][]string{{"group"}, {"group", "identifier"}}, Run: srGetStatus},
		{Name: "sr_list_status", Help: "lists the status of all identifiers of a group (or of all groups)",
			Params: [][]string{nil, {"group"}}, Run: srListStatus},
		{Name: "sr_list_reports", Help: "lists the reports of the identifiers of a group (or of all groups)",
			Params: [][]string{nil, {"group"}, {"group", "identifier"}}, Run: srListReports},
		{Name: "sr_list_identifiers", Help: "lists the identifiers of a group (or of all groups)",
			Params: [][]string{nil, {"group"}}, Run: srListIdentifiers},
	}
}

var groupNotFound = &engine.MIError{Code: 404, Message: "Group not found"}

func srGroupArg(p engine.MIParams) (*status.Group, error) {
	name, err := p.Get("group")
	if err != nil {
		return nil, err
	}
	g, found := status.Default.Group(name)
	if !found {
		return nil, groupNotFound
	}
	return g, nil
}

// identifierStatus is an identifier's status as OpenSIPS prints it.
type identifierStatus struct {
	Name      string `json:"Name,omitempty"`
	Readiness bool   `json:"Readiness"`
	Status    int    `json:"Status"`
	Details   string `json:"Details,omitempty"`
}

func statusOf(id *status.Identifier, withName bool) identifierStatus {
	st, details := id.Status()
	out := identifierStatus{Readiness: st >= 0, Status: st, Details: details}
	if withName {
		out.Name = id.Name()
	}
	return out
}

// srGetStatus answers the status of one identifier ("main" by default),
// or with "all" the group's aggregate.
func srGetStatus(_ context.Context, p engine.MIParams) (any, error) {
	g, err := srGroupArg(p)
	if err != nil {
		return nil, err
	}
	name := status.MainIdentifier
	if p.Has("identifier") {
		if name, err = p.Get("identifier"); err != nil {
			return nil, err
		}
	}
	if strings.EqualFold(name, "all") {
		st := g.Aggregate()
		return identifierStatus{Readiness: st >= 0, Status: st, Details: "aggregated"}, nil
	}
	id, found := g.Identifier(name)
	if !found {
		return nil, &engine.MIError{Code: 404, Message: "Identity not found"}
	}
	return statusOf(id, false), nil
}

type groupStatus struct {
	Name        string             `json:"Name"`
	Identifiers []identifierStatus `json:"Identifiers"`
}

func groupStatuses(g *status.Group) []identifierStatus {
	out := []identifierStatus{}
	for _, id := range g.Identifiers() {
		out = append(out, statusOf(id, true))
	}
	return out
}

func srListStatus(_ context.Context, p engine.MIParams) (any, error) {
	if p.Has("group") {
		g, err := srGroupArg(p)
		if err != nil {
			return nil, err
		}
		return groupStatuses(g), nil
	}
	out := []groupStatus{}
	for _, g := range status.Default.Groups() {
		out = append(out, groupStatus{Name: g.Name(), Identifiers: groupStatuses(g)})
	}
	return out, nil
}

type report struct {
	Timestamp int64  `json:"Timestamp"`
	Date      string `json:"Date"`
	Log       string `json:"Log"`
}

type identifierReports struct {
	Name    string   `json:"Name"`
	Reports []report `json:"Reports"`
}

type groupReports struct {
	Name        string              `json:"Name"`
	Identifiers []identifierReports `json:"Identifiers"`
}

func reportsOf(id *status.Identifier) []report {
	out := []report{}
	for _, r := range id.Reports() {
		out = append(out, report{Timestamp: r.Time.Unix(), Date: r.Time.Format(ctimeLayout), Log: r.Log})
	}
	return out
}

func groupReportList(g *status.Group) []identifierReports {
	out := []identifierReports{}
	for _, id := range g.Identifiers() {
		out = append(out, identifierReports{Name: id.Name(), Reports: reportsOf(id)})
	}
	return out
}

func srListReports(_ context.Context, p engine.MIParams) (any, error) {
	if !p.Has("group") {
		out := []groupReports{}
		for _, g := range status.Default.Groups() {
			out = append(out, groupReports{Name: g.Name(), Identifiers: groupReportList(g)})
		}
		return out, nil
	}
	g, err := srGroupArg(p)
	if err != nil {
		return nil, err
	}
	if !p.Has("identifier") {
		return groupReportList(g), nil
	}
	name, err := p.Get("identifier")
	if err != nil {
		return nil, err
	}
	id, found := g.Identifier(name)
	if !found {
		return nil, &engine.MIError{Code: 404, Message: "Identifier not found"}
	}
	return reportsOf(id), nil
}

type groupIdentifiers struct {
	Group       string   `json:"Group"`
	Identifiers []string `json:"Identifiers"`
}

func identifiersOf(g *status.Group) groupIdentifiers {
	out := groupIdentifiers{Group: g.Name(), Identifiers: []string{}}
	for _, id := range g.Identifiers() {
		out.Identifiers = append(out.Identifiers, id.Name())
	}
	return out
}

func srListIdentifiers(_ context.Context, p engine.MIParams) (any, error) {
	if p.Has("group") {
		g, err := srGroupArg(p)
		if err != nil {
			return nil, err
		}
		return identifiersOf(g), nil
	}
	out := []groupIdentifiers{}
	for _, g := range status.Default.Groups() {
		out = append(out, identifiersOf(g))
	}
	return out, nil
}
