package script

import (
	"errors"
	"io/fs"
	"strings"
	"testing"

	"switchboard/script/ast"
)

func fakeFS(files map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		if src, ok := files[name]; ok {
			return []byte(src), nil
		}
		return nil, fs.ErrNotExist
	}
}

func TestLoadIncludes(t *testing.T) {
	files := map[string]string{
		"/etc/os/main.cfg":        "log_level=3\ninclude_file \"mods.cfg\"\nroute{\n\tinclude_file \"parts/body.cfg\"\n\texit;\n}\n",
		"/etc/os/mods.cfg":        "loadmodule \"tm.so\"\n",
		"/etc/os/parts/body.cfg":  "if (f()) {\n\timport_file \"inner.cfg\"\n}\n",
		"/etc/os/parts/inner.cfg": "t_relay();\n",
	}
	s, err := LoadWith("/etc/os/main.cfg", fakeFS(files))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Modules) != 1 || s.Modules[0].Pos.File != "/etc/os/mods.cfg" {
		t.Fatalf("modules %+v", s.Modules)
	}
	body := s.Routes[0].Body.Stmts
	if len(body) != 2 {
		t.Fatalf("route body has %d statements:\n%s", len(body), s)
	}
	ifs := body[0].(*ast.IfStmt)
	call := ifs.Then.(*ast.Block).Stmts[0].(*ast.ExprStmt)
	if call.Pos.String() != "/etc/os/parts/inner.cfg:1:1" {
		t.Errorf("included statement at %s", call.Pos)
	}
	if ifs.Pos.String() != "/etc/os/parts/body.cfg:1:1" {
		t.Errorf("if at %s", ifs.Pos)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"cycle", map[string]string{
			"/a.cfg": "include_file \"b.cfg\"\n",
			"/b.cfg": "include_file \"a.cfg\"\n",
		}, "/b.cfg:1:1: include cycle: /a.cfg -> /b.cfg -> /a.cfg"},
		{"missing file", map[string]string{
			"/a.cfg": "route{ include_file \"nope.cfg\" }\n",
		}, "/a.cfg:1:8: include_file: cannot read /nope.cfg: file does not exist"},
		{"error in included file keeps its name", map[string]string{
			"/a.cfg": "include_file \"b.cfg\"\n",
			"/b.cfg": "route{ f() }\n",
		}, "/b.cfg:1:11: missing ';' after f(...) (found '}')"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadWith("/a.cfg", fakeFS(tc.files))
			var list ErrorList
			if !errors.As(err, &list) || strings.TrimSpace(list.Error()) != tc.want {
				t.Fatalf("error %v, want %s", err, tc.want)
			}
		})
	}
}
