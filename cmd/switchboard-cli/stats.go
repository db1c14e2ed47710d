package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// statsRun is "stats [group|name ...]": get_statistics, printed as
// "group:name = value" lines in the server's order. A bare word asks
// for the group of that name and for the statistic of that name, so
// "stats core" and "stats rcv_requests" both do what they say; "all" or
// nothing is every statistic.
func statsRun(args []string, out io.Writer) error {
	query := []string{}
	for _, a := range args {
		switch {
		case a == "all" || strings.Contains(a, ":"):
			query = append(query, a)
		case a == "" || strings.HasPrefix(a, "-"):
			return usageError("usage: switchboard-cli stats [group|name|group:name ...]")
		default:
			query = append(query, a+":", a)
		}
	}
	if len(query) == 0 {
		query = []string{"all"}
	}
	result, err := miCall("get_statistics", map[string]any{"statistics": query})
	if err != nil {
		return err
	}
	if opts.json {
		return printResult(result, out)
	}
	pairs, err := orderedObject(result)
	if err != nil {
		return fmt.Errorf("stats: %w", err)
	}
	if len(pairs) == 0 {
		return fmt.Errorf("stats: no statistic matches %s", strings.Join(args, " "))
	}
	var b bytes.Buffer
	for _, p := range pairs {
		fmt.Fprintf(&b, "%s = %s\n", p.key, p.value)
	}
	_, err = out.Write(b.Bytes())
	return err
}

type pair struct {
	key   string
	value json.RawMessage
}

// orderedObject reads a JSON object keeping its key order, which a map
// would lose.
func orderedObject(raw json.RawMessage) ([]pair, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("bad answer: not an object: %s", raw)
	}
	var out []pair
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("bad answer: %w", err)
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("bad answer: %w", err)
		}
		out = append(out, pair{key, v})
	}
	return out, nil
}

// psRun is "ps": the MI ps command as a table.
func psRun(args []string, out io.Writer) error {
	if len(args) > 0 {
		return usageError("usage: switchboard-cli ps")
	}
	result, err := miCall("ps", nil)
	if err != nil {
		return err
	}
	if opts.json {
		return printResult(result, out)
	}
	var ps struct {
		Processes []struct {
			ID   json.Number `json:"ID"`
			PID  json.Number `json:"PID"`
			Type string      `json:"Type"`
		} `json:"Processes"`
	}
	if err := json.Unmarshal(result, &ps); err != nil {
		return fmt.Errorf("ps: bad answer: %w", err)
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tPID\tType")
	for _, p := range ps.Processes {
		fmt.Fprintf(w, "%s\t%s\t%s\n", p.ID, p.PID, p.Type)
	}
	return w.Flush()
}
