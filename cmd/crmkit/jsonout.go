package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// The --format json contract: every command prints one JSON document on
// stdout (keys in snake_case, shapes in the README), or refuses the flag as a
// usage error when its output cannot be JSON (a shell script, help, YAML).

// noJSONAnnotation holds, on a command that refuses --format json, why.
const noJSONAnnotation = "crmkit/no-json"

// refuseJSON marks cmd as one whose output cannot be JSON: --format json is a
// usage error that says why.
func refuseJSON(cmd *cobra.Command, why string) {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[noJSONAnnotation] = why
}

// checkJSON is the usage error for --format json on a command that refuses it.
func checkJSON(cmd *cobra.Command, format string) error {
	if why := cmd.Annotations[noJSONAnnotation]; format == "json" && why != "" {
		return usagef("%s does not print JSON: %s", cmd.CommandPath(), why)
	}
	return nil
}

// writeJSON prints v as the one JSON document of a command.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // "<", ">" and "&" in names stay readable
	return enc.Encode(v)
}

// groupCommands makes every command that only holds subcommands (runs,
// review, config, completion, the root) strict: an unknown subcommand is a
// usage error (Cobra would print help and exit 0), and so is --format json
// without a subcommand; in text, the bare group prints its help.
func groupCommands(root *cobra.Command, g *globalOptions) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		if !c.HasSubCommands() || c.Runnable() {
			return
		}
		if c.HasParent() { // the root keeps Cobra's "unknown command" with suggestions
			c.Args = func(c *cobra.Command, args []string) error {
				if len(args) == 0 {
					return nil
				}
				hint := ""
				if s := c.SuggestionsFor(args[0]); len(s) > 0 {
					hint = fmt.Sprintf(" (did you mean %s?)", strings.Join(s, ", "))
				}
				return usagef("unknown command %q for %q%s: %s", args[0], c.CommandPath(), hint, subcommandNames(c))
			}
		}
		c.RunE = func(c *cobra.Command, _ []string) error {
			if g.format == "json" {
				return usagef("%s: name a command (%s); --format json applies to it", c.CommandPath(), subcommandNames(c))
			}
			return c.Help()
		}
	}
	walk(root)
}

// subcommandNames lists the commands a user may name under c.
func subcommandNames(c *cobra.Command) string {
	var names []string
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() {
			names = append(names, sub.Name())
		}
	}
	return strings.Join(names, ", ")
}
