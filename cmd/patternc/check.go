package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/patternc/patternc/compiler"
)

func init() { subcommands = append(subcommands, newCheckCmd) }

func newCheckCmd() *cobra.Command {
	var df dialectFlags
	var quiet bool
	var maxSize int
	cmd := &cobra.Command{
		Use:   "check [flags] FILE...",
		Short: "Validate patterns or filter policies exactly as AWS does",
		Long: `check reads each FILE (a JSON pattern, or - for standard input) and judges it
as EventBridge (PutRule/TestEventPattern) or SNS (Subscribe/SetSubscriptionAttributes)
would. Errors carry AWS's reason text verbatim, a stable code, the position and
a hint; warnings point at things AWS accepts but you probably did not mean.
Every independent error is listed, in document order; the first one is the
error AWS itself would report.

Exit status: 0 every file is valid, 2 any file is invalid or unreadable.`,
		Example: `  patternc check rule.json
  patternc check --dialect sns --scope MessageBody policy.json
  patternc check --max-size 4096 big-rule.json    # a raised EventBridge quota
  echo '{"source":["a"]}' | patternc check -`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := df.get()
			if err != nil {
				return err
			}
			out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
			bad := 0
			for _, arg := range args {
				name, src, err := readArg(cmd, arg, "pattern")
				if err != nil {
					fmt.Fprintln(errOut, "patternc:", err)
					bad++
					continue
				}
				p, err := compiler.Compile(src, d, &compiler.Options{AllErrors: true, MaxSize: maxSize})
				if err != nil {
					printDiagnostics(errOut, name, src, err)
					bad++
					continue
				}
				for _, w := range p.Warnings {
					fmt.Fprint(errOut, w.Format(name, src))
				}
				if !quiet {
					fmt.Fprintf(out, "%s: valid %s pattern (%d clause%s)\n", name, d, len(p.Clauses), plural(len(p.Clauses)))
				}
			}
			if bad > 0 {
				return &exitError{code: 2, err: fmt.Errorf("%d of %d file%s invalid", bad, len(args), plural(len(args)))}
			}
			return nil
		},
	}
	df.register(cmd)
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print nothing for valid files")
	cmd.Flags().IntVar(&maxSize, "max-size", 0, "largest pattern accepted, in characters (default: 2048 for eventbridge, AWS's default quota; 262144 bytes for sns)")
	return cmd
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
