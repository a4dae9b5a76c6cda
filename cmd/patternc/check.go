package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/patternc/patternc/compiler"
)

func init() { subcommands = append(subcommands, newCheckCmd) }

// checkFile is one file's verdict in check --format json.
type checkFile struct {
	File        string           `json:"file"`
	Valid       bool             `json:"valid"`
	Dialect     string           `json:"dialect"`
	Clauses     int              `json:"clauses,omitempty"`
	Diagnostics []jsonDiagnostic `json:"diagnostics"`
}

func newCheckCmd() *cobra.Command {
	var df dialectFlags
	var quiet bool
	var maxSize int
	var format string
	cmd := &cobra.Command{
		Use:   "check [flags] FILE...",
		Short: "Validate patterns or filter policies exactly as AWS does",
		Long: `check reads each FILE (a JSON pattern, or - for standard input) and judges it
as EventBridge (PutRule/TestEventPattern) or SNS (Subscribe/SetSubscriptionAttributes)
would. Errors carry AWS's reason text verbatim, a stable code, the position and
a hint; warnings point at things AWS accepts but you probably did not mean.
Every independent error is listed, in document order; the first one is the
error AWS itself would report.

check reads one bare pattern per file. Patterns inside CloudFormation/SAM
templates, Terraform, CDK output and rule files, and whole directories, are
what patternc lint reads: check says so when given one.

--format json prints one JSON document: {"valid": bool, "files": [{"file",
"valid", "dialect", "clauses", "diagnostics": [{"file", "line", "column",
"offset", "severity", "code", "message", "hint"}]}]}.

Exit status: 0 every file is valid, 2 any file is invalid or unreadable.`,
		Example: `  patternc check rule.json
  patternc check --dialect sns --scope MessageBody policy.json
  patternc check --max-size 4096 big-rule.json    # a raised EventBridge quota
  patternc check --format json rule.json | jq '.files[].diagnostics'
  echo '{"source":["a"]}' | patternc check -`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := df.get()
			if err != nil {
				return err
			}
			if err := formatFlag(format); err != nil {
				return err
			}
			out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
			asJSON := format == "json"
			bad := 0
			var files []checkFile
			for _, arg := range args {
				name, src, err := readArg(cmd, arg, "pattern")
				msg := useLintFor(arg)
				if msg == "" && err == nil {
					msg = templateHint(name, src)
				}
				if msg != "" {
					bad++
					if asJSON {
						files = append(files, checkFile{File: arg, Dialect: d.String(), Diagnostics: []jsonDiagnostic{{File: arg, Severity: "error", Message: msg}}})
					} else {
						fmt.Fprintln(errOut, "patternc:", msg)
					}
					continue
				}
				if err != nil {
					bad++
					if asJSON {
						files = append(files, checkFile{File: arg, Dialect: d.String(), Diagnostics: jsonDiagnostics(arg, err, nil)})
					} else {
						fmt.Fprintln(errOut, "patternc:", err)
					}
					continue
				}
				p, err := compiler.Compile(src, d, &compiler.Options{AllErrors: true, MaxSize: maxSize})
				if err != nil {
					bad++
					if asJSON {
						files = append(files, checkFile{File: name, Dialect: d.String(), Diagnostics: jsonDiagnostics(name, err, nil)})
					} else {
						printDiagnostics(errOut, name, src, err)
					}
					continue
				}
				if asJSON {
					files = append(files, checkFile{File: name, Valid: true, Dialect: d.String(), Clauses: len(p.Clauses), Diagnostics: jsonDiagnostics(name, nil, p.Warnings)})
					continue
				}
				for _, w := range p.Warnings {
					fmt.Fprint(errOut, w.Format(name, src))
				}
				if !quiet {
					fmt.Fprintf(out, "%s: valid %s pattern (%d clause%s)\n", name, d, len(p.Clauses), plural(len(p.Clauses)))
				}
			}
			if asJSON {
				if err := writeJSON(out, struct {
					Valid bool        `json:"valid"`
					Files []checkFile `json:"files"`
				}{bad == 0, files}); err != nil {
					return &exitError{code: 2, err: err}
				}
				if bad > 0 {
					return &exitError{code: 2}
				}
				return nil
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
	cmd.Flags().StringVar(&format, "format", "text", "output: text or json")
	return cmd
}

// useLintFor returns why arg is for lint rather than check (a directory, a
// template, Terraform, a rule file), or "" for anything check should read.
func useLintFor(arg string) string {
	if arg == "-" || strings.HasPrefix(strings.TrimSpace(arg), "{") || strings.HasPrefix(strings.TrimSpace(arg), "[") {
		return ""
	}
	info, err := os.Stat(arg)
	if err != nil {
		return ""
	}
	if info.IsDir() {
		return fmt.Sprintf("%s is a directory: check reads one pattern file; to check every pattern under it, run: patternc lint %s", arg, arg)
	}
	base := strings.ToLower(filepath.Base(arg))
	switch {
	case strings.HasSuffix(base, ".patternc.yaml") || strings.HasSuffix(base, ".patternc.yml") || strings.HasSuffix(base, ".patternc.json"):
		return fmt.Sprintf("%s is a patternc rule file: run its rules and examples with: patternc lint %s", arg, arg)
	case strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".yml"):
		return fmt.Sprintf("%s is YAML (a CloudFormation/SAM template?): check reads a bare JSON pattern; to check the patterns inside a template, run: patternc lint %s", arg, arg)
	case strings.HasSuffix(base, ".tf") || strings.HasSuffix(base, ".tf.json"):
		return fmt.Sprintf("%s is Terraform: check reads a bare JSON pattern; to check the patterns inside it, run: patternc lint %s", arg, arg)
	}
	return ""
}

// templateHint recognises a JSON CloudFormation template (or CDK output),
// which would otherwise fail as a pattern with a misleading E102.
func templateHint(name string, src []byte) string {
	if bytes.Contains(src, []byte(`"Resources"`)) && (bytes.Contains(src, []byte(`"AWS::`)) || bytes.Contains(src, []byte(`"AWSTemplateFormatVersion"`))) {
		return fmt.Sprintf("%s is a CloudFormation template: check reads a bare JSON pattern; to check the patterns inside a template, run: patternc lint %s", name, name)
	}
	return ""
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
