package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// reorderArgs moves a command's positional arguments after its flags. urfave/cli v2 stops
// reading flags at the first positional argument, but the documented form is
// `starter create-data-migration-workflow CONFIG --name NAME ...` (flags after the file).
// Tokens after "--" are left alone.
func reorderArgs(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	var cmd *cli.Command
	i := 1
	for ; i < len(args); i++ {
		if !strings.HasPrefix(args[i], "-") {
			cmd = app.Command(args[i])
			break
		}
	}
	if cmd == nil {
		return args
	}
	// Descend into subcommands (starter schedule create NAME CONFIG --every 1h).
	for found := true; found && i+1 < len(args); {
		found = false
		for _, sub := range cmd.Subcommands {
			if sub.HasName(args[i+1]) {
				cmd, i, found = sub, i+1, true
				break
			}
		}
	}
	boolFlags := map[string]bool{"help": true, "h": true}
	for _, f := range cmd.Flags {
		if _, ok := f.(*cli.BoolFlag); ok {
			for _, n := range f.Names() {
				boolFlags[n] = true
			}
		}
	}
	out := append([]string{}, args[:i+1]...)
	var positional []string
	rest := args[i+1:]
	for j := 0; j < len(rest); j++ {
		a := rest[j]
		switch {
		case a == "--":
			positional = append(positional, rest[j+1:]...)
			j = len(rest)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			out = append(out, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && !boolFlags[name] && j+1 < len(rest) {
				out = append(out, rest[j+1])
				j++
			}
		default:
			positional = append(positional, a)
		}
	}
	if len(positional) > 0 {
		out = append(out, "--")
		out = append(out, positional...)
	}
	return out
}
