package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/reason"
)

func init() { subcommands = append(subcommands, newExampleCmd) }

func newExampleCmd() *cobra.Command {
	var df dialectFlags
	var all bool
	cmd := &cobra.Command{
		Use:   "example PATTERN",
		Short: "Print a minimal event that the pattern matches, or say why none can",
		Long: `example prints a small input that PATTERN matches: for EventBridge an event with
a valid envelope, for SNS a Publish request in the policy's scope. With --all it
prints one per clause (each $or alternative after distribution). Every example
is checked by the reference interpreter before it is printed.

PATTERN is inline JSON when it starts with {, standard input for -, and a file
path otherwise, as test takes it.

A clause that no real EventBridge event can satisfy is named with the envelope
rule that rules it out ({"exists": false} on source, which every event carries;
a value on detail, which is always an object; numeric on a field that is always
a string; version other than "0").

Exit status: 0 an example was printed; 1 no event can match (the reasons on
stderr); 2 the pattern is invalid, too complex to reason about, or a usage error.`,
		Example: `  patternc example '{"source":["com.acme.orders"],"detail":{"total":[{"numeric":[">",100]}]}}'
  patternc example --all rule.json
  patternc example --dialect sns --scope MessageBody policy.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := df.get()
			if err != nil {
				return err
			}
			out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
			name, src, err := readArg(cmd, args[0], "pattern")
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			p, err := compiler.Compile(src, d, nil)
			if err != nil {
				printDiagnostics(errOut, name, src, err)
				return &exitError{code: 2}
			}
			examples, dead, err := reason.Examples(p, all)
			if err != nil {
				return &exitError{code: 2, err: fmt.Errorf("%s: %w", name, err)}
			}
			if len(examples) == 0 {
				for _, dc := range dead {
					fmt.Fprintf(errOut, "%s:%d:%d: %s%s\n", name, dc.Pos.Line, dc.Pos.Col, clauseLabel(p, dc.Clause), dc.Reason)
				}
				if len(dead) == 0 {
					return &exitError{code: 2, err: errors.New(name + ": no example found (an approximated value set left it open)")}
				}
				return &exitError{code: 1, err: fmt.Errorf("%s: no event can match this pattern", name)}
			}
			for i, ex := range examples {
				if all && len(p.Clauses) > 1 {
					if i > 0 {
						fmt.Fprintln(out)
					}
					fmt.Fprintf(out, "# clause %d of %d\n", ex.Clause+1, len(p.Clauses))
				}
				fmt.Fprint(out, string(ex.Input))
			}
			if all {
				for _, dc := range dead {
					fmt.Fprintf(errOut, "%s:%d:%d: %snever matches: %s\n", name, dc.Pos.Line, dc.Pos.Col, clauseLabel(p, dc.Clause), dc.Reason)
				}
			}
			return nil
		},
	}
	df.register(cmd)
	cmd.Flags().BoolVar(&all, "all", false, "one example per clause (each $or alternative)")
	return cmd
}

// clauseLabel names a clause when the pattern has several.
func clauseLabel(p *compiler.Pattern, i int) string {
	if len(p.Clauses) < 2 {
		return ""
	}
	return fmt.Sprintf("clause %d: ", i+1)
}

// indent prefixes every line of s.
func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return prefix + strings.Join(lines, "\n"+prefix) + "\n"
}
