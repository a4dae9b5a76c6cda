package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/patternc/patternc/compiler"
)

func init() { subcommands = append(subcommands, newTestCmd) }

// testVerdict is test --format json's document.
type testVerdict struct {
	Verdict     string           `json:"verdict"` // match, no match, invalid pattern, invalid input
	Matched     bool             `json:"matched"`
	Dialect     string           `json:"dialect"`
	Pattern     string           `json:"pattern"`
	Input       string           `json:"input"`
	Diagnostics []jsonDiagnostic `json:"diagnostics"`
	Explain     []string         `json:"explain,omitempty"`
	Error       string           `json:"error,omitempty"`
}

func newTestCmd() *cobra.Command {
	var df dialectFlags
	var pattern, input, format string
	var explain bool
	var maxSize int
	cmd := &cobra.Command{
		Use:   "test --pattern P --input INPUT",
		Short: "Test one pattern against one event (TestEventPattern) or Publish request",
		Long: `test compiles the pattern P and matches it against INPUT.

For --dialect eventbridge, INPUT is an event as TestEventPattern takes it: a
JSON object with at least id, account, source, time, region and detail-type.

For --dialect sns, INPUT is an SNS Publish request:

  {"Message": "...", "MessageAttributes": {"name": {"DataType": "String", "StringValue": "..."}}}

or the notification envelope SNS delivers to SQS and HTTP subscribers, whose
attributes say Type and Value:

  {"Type": "Notification", "Message": "...", "MessageAttributes": {"name": {"Type": "String", "Value": "..."}}}

DataType is String, Number, String.Array or Binary (custom labels such as
Number.float allowed). A MessageBody-scope policy (--scope MessageBody) is
matched against Message parsed as JSON, so put the body in Message as a JSON
string. A raw body or a bare attributes map is not a Publish request: test
says so (exit 2) rather than reporting "no match".

P and INPUT are inline JSON when they start with { or [, standard input for -,
and file paths otherwise.

--format json prints one JSON document: {"verdict": "match" | "no match" |
"invalid pattern" | "invalid input", "matched", "dialect", "pattern",
"input", "diagnostics": [...], "explain": [...], "error"}.

Exit status (a fixed contract other tools rely on):
  0  the input matches
  1  the input does not match
  2  the pattern is invalid (diagnostic on stderr), or the input is not
     acceptable (the message says so), or a usage error`,
		Example: `  patternc test --pattern '{"source":["aws.ec2"]}' --input event.json
  patternc test --dialect sns --scope MessageBody --pattern policy.json --input publish.json --explain
  patternc test --format json --pattern rule.json --input event.json`,
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
			if err := formatFlag(format); err != nil {
				return err
			}
			out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
			asJSON := format == "json"
			v := testVerdict{Dialect: d.String(), Diagnostics: []jsonDiagnostic{}}
			// finish writes the JSON verdict (if asked) and returns the exit.
			finish := func(verdict string, code int, err error) error {
				if asJSON {
					v.Verdict, v.Matched = verdict, code == 0
					if err != nil {
						v.Error = err.Error()
					}
					if werr := writeJSON(out, v); werr != nil {
						return &exitError{code: 2, err: werr}
					}
					if code == 0 {
						return nil
					}
					return &exitError{code: code}
				}
				if code == 0 {
					return nil
				}
				return &exitError{code: code, err: err}
			}
			pname, psrc, err := readArg(cmd, pattern, "pattern")
			if err != nil {
				return finish("invalid pattern", 2, err)
			}
			v.Pattern = pname
			iname, isrc, err := readArg(cmd, input, "input")
			if err != nil {
				return finish("invalid input", 2, err)
			}
			v.Input = iname
			p, err := compiler.Compile(psrc, d, &compiler.Options{MaxSize: maxSize})
			if err != nil {
				if asJSON {
					v.Diagnostics = jsonDiagnostics(pname, err, nil)
					return finish("invalid pattern", 2, nil)
				}
				printDiagnostics(errOut, pname, psrc, err)
				return &exitError{code: 2}
			}
			v.Diagnostics = jsonDiagnostics(pname, nil, p.Warnings)
			ex, err := compiler.Explain(p, isrc)
			if err != nil {
				var ie *compiler.InputError
				if errors.As(err, &ie) {
					return finish("invalid input", 2, fmt.Errorf("%s: the input is not valid (the pattern is fine): %s", iname, ie.Msg))
				}
				return finish("invalid input", 2, err)
			}
			if asJSON {
				v.Explain = ex.Lines
				if ex.Matched {
					return finish("match", 0, nil)
				}
				return finish("no match", 1, nil)
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
	cmd.Flags().StringVar(&format, "format", "text", "output: text or json (json always includes the explanation)")
	return cmd
}
