package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/patternc/patternc/compiler"
)

func init() { subcommands = append(subcommands, newTestCmd) }

func newTestCmd() *cobra.Command {
	var df dialectFlags
	var pattern, input string
	var explain bool
	var maxSize int
	cmd := &cobra.Command{
		Use:   "test --pattern P --input INPUT",
		Short: "Test one pattern against one event (TestEventPattern) or Publish request",
		Long: `test compiles the pattern P and matches it against INPUT: an EventBridge event
for --dialect eventbridge (as TestEventPattern takes it: a JSON object with at
least id, account, source, time, region and detail-type), or an SNS Publish
request for --dialect sns:

  {"Message": "...", "MessageAttributes": {"name": {"DataType": "String", "StringValue": "..."}}}

P and INPUT are inline JSON when they start with { or [, standard input for -,
and file paths otherwise.

Exit status (a fixed contract other tools rely on):
  0  the input matches
  1  the input does not match
  2  the pattern is invalid (diagnostic on stderr), or the input is not
     acceptable (the message says so), or a usage error`,
		Example: `  patternc test --pattern '{"source":["aws.ec2"]}' --input event.json
  patternc test --dialect sns --scope MessageBody --pattern policy.json --input publish.json --explain`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if pattern == "" || input == "" {
				return &exitError{code: 2, err: errors.New("test needs --pattern and --input (see patternc test --help)")}
			}
			if pattern == "-" && input == "-" {
				return &exitError{code: 2, err: errors.New("only one of --pattern and --input can read standard input (-)")}
			}
			d, err := df.get()
			if err != nil {
				return err
			}
			out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
			pname, psrc, err := readArg(cmd, pattern, "pattern")
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			iname, isrc, err := readArg(cmd, input, "input")
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			p, err := compiler.Compile(psrc, d, &compiler.Options{MaxSize: maxSize})
			if err != nil {
				printDiagnostics(errOut, pname, psrc, err)
				return &exitError{code: 2}
			}
			ex, err := compiler.Explain(p, isrc)
			if err != nil {
				var ie *compiler.InputError
				if errors.As(err, &ie) {
					return &exitError{code: 2, err: fmt.Errorf("%s: the input is not valid (the pattern is fine): %s", iname, ie.Msg)}
				}
				return &exitError{code: 2, err: err}
			}
			if explain {
				for _, l := range ex.Lines {
					fmt.Fprintln(out, l)
				}
			}
			if ex.Matched {
				fmt.Fprintln(out, "match")
				return nil
			}
			fmt.Fprintln(out, "no match")
			return &exitError{code: 1}
		},
	}
	df.register(cmd)
	cmd.Flags().StringVarP(&pattern, "pattern", "p", "", "the pattern or filter policy (inline JSON, file, or -)")
	cmd.Flags().StringVarP(&input, "input", "i", "", "the event or Publish request (inline JSON, file, or -)")
	cmd.Flags().BoolVar(&explain, "explain", false, "print which field and operator decided")
	cmd.Flags().IntVar(&maxSize, "max-size", 0, "largest pattern accepted, in characters (default: 2048 for eventbridge, AWS's default quota; 262144 bytes for sns)")
	return cmd
}
