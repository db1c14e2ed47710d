package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"switchboard/core"
	_ "switchboard/modules/all" // the MI commands of every compiled-in module, for the static list
)

// completionRun is "completion bash": a bash completion script for the
// commands, their subcommands and the MI command names. The names come
// from the server's "which" when it answers, else from the commands
// compiled into switchboard (the core's and every module's).
func completionRun(args []string, out io.Writer) error {
	if len(args) != 1 || args[0] != "bash" {
		return usageError("usage: switchboard-cli completion bash")
	}
	names, err := serverMINames()
	if err != nil {
		names = staticMINames()
	}
	_, err = io.WriteString(out, bashCompletion(commandWords(commands), subcommandWords(commands), names))
	return err
}

// serverMINames asks the running server for its MI commands.
func serverMINames() ([]string, error) {
	result, err := miCall("which", nil)
	if err != nil {
		return nil, err
	}
	var names []string
	if err := json.Unmarshal(result, &names); err != nil {
		return nil, fmt.Errorf("which: bad answer: %w", err)
	}
	sort.Strings(names)
	return names, nil
}

// staticMINames lists the MI commands this build of switchboard has.
func staticMINames() []string {
	var names []string
	for _, c := range core.MIRegistry().Commands() {
		names = append(names, c.Name)
	}
	for _, m := range core.Modules.ModuleNames() {
		mod, _ := core.Modules.Module(m)
		for _, c := range mod.MI {
			names = append(names, c.Name)
		}
	}
	sort.Strings(names)
	return slices.Compact(names)
}

func commandWords(cmds map[string]*command) []string {
	var out []string
	for name := range cmds {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func subcommandWords(cmds map[string]*command) map[string][]string {
	out := map[string][]string{}
	for name, c := range cmds {
		if c.sub != nil {
			out[name] = commandWords(c.sub)
		}
	}
	return out
}

// bashCompletion renders the script: options and commands first, then
// subcommands, MI names after "mi", statistics groups after "stats",
// the filters after "trace".
func bashCompletion(cmds []string, subs map[string][]string, miNames []string) string {
	var cases strings.Builder
	groups := make([]string, 0, len(subs))
	for name := range subs {
		groups = append(groups, name)
	}
	sort.Strings(groups)
	for _, name := range groups {
		fmt.Fprintf(&cases, "\t%s) words=%q ;;\n", name, strings.Join(subs[name], " "))
	}
	return fmt.Sprintf(`# bash completion for switchboard-cli; load it with
#   source <(switchboard-cli completion bash)
_switchboard_cli() {
	local cur prev words cmd i
	cur="${COMP_WORDS[COMP_CWORD]}"
	prev="${COMP_WORDS[COMP_CWORD-1]}"
	case "$prev" in
	-f|--config|--fifo|--reply-dir) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--datagram|--http) return ;;
	esac
	cmd=""
	for ((i = 1; i < COMP_CWORD; i++)); do
		case "${COMP_WORDS[i]}" in
		-f|--config|--fifo|--reply-dir|--datagram|--http) ((i++)) ;;
		-*) ;;
		*) cmd="${COMP_WORDS[i]}"; break ;;
		esac
	done
	if [[ -z "$cmd" ]]; then
		COMPREPLY=($(compgen -W "-f --config --fifo --reply-dir --datagram --http -j --json %s" -- "$cur"))
		return
	fi
	[[ $i -lt $((COMP_CWORD - 1)) && "$cmd" != "trace" && "$cmd" != "stats" ]] && return
	words=""
	case "$cmd" in
%s	mi) words="--fifo --datagram --http %s" ;;
	stats) words="all core: shmem: load: net: tm: sl: usrloc: registrar:" ;;
	trace) words="caller= callee= ip= scope= listen=" ;;
	completion) words="bash" ;;
	esac
	COMPREPLY=($(compgen -W "$words" -- "$cur"))
	# a filter= word waits for its value
	[[ ${#COMPREPLY[@]} -eq 1 && "${COMPREPLY[0]}" == *= ]] && compopt -o nospace
}
complete -F _switchboard_cli switchboard-cli
`, strings.Join(cmds, " "), cases.String(), strings.Join(miNames, " "))
}
