package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/internal/buildinfo"
	"github.com/patternc/patternc/lint"
)

func init() { subcommands = append(subcommands, newLintCmd) }

func newLintCmd() *cobra.Command {
	var format, failLevel, disable, dialect, scope string
	var verbose, noConfig bool
	var diffBase string
	cmd := &cobra.Command{
		Use:   "lint [PATH...]",
		Short: "Find and check every pattern and filter policy in a repository (for CI)",
		Long: `lint walks PATHs (default .) and checks every EventBridge pattern and SNS filter
policy it finds, exactly as AWS would, plus warnings for what AWS accepts but
you probably did not mean. What a file is comes from its content and from
.patternc.yaml, never from words in its path:

  rule files          *.patternc.yaml|json, or YAML/JSON with the marker key
                      patternc: 1 beside rules: (named rules with examples)
  CloudFormation/SAM  templates in YAML or JSON (CDK's cdk.out too): rules,
                      archives, SNS subscriptions, Pipes, event source
                      mappings, SAM function events
  Serverless          serverless.yml: resources.Resources and function events
                      (eventBridge, sns filterPolicy, sqs/stream filterPatterns)
  Terraform (.tf)     rules, archives, subscriptions, pipes, event source
                      mappings, and the terraform-aws-modules eventbridge, sns
                      and lambda module inputs; locals and variables resolved
  standalone JSON     files .patternc.yaml maps to a dialect, files named
                      *.eventpattern.json / *.filterpolicy.json /
                      *.filterpolicy-body.json, and JSON whose top-level keys
                      are all envelope fields holding lists or objects
  rule lists          .jsonl/.ndjson lines of {"id", "dialect", "pattern"}

Everything else (package.json, sample events, other YAML) is passed over
(-v lists it). Intrinsics (!Ref, Fn::GetAtt, Fn::Join, …) and Terraform
references are never errors: lint checks around them (an L001 note names
them); !Sub templates are checked with their placeholders standing in.

.patternc.yaml (found walking up from each path to the repository root):
include/exclude globs, patterns (dialect per glob), disable, fail-level,
terraform.variables. See docs/lint.md.

Disable a code with --disable L104,W103, in .patternc.yaml, or with a comment
on the line or the line above: # patternc:disable=L104. Every code, with an
example, is in docs/codes.md; an unknown code given to --disable is an error.

Exit status: 0 clean, 1 findings at or above --fail-level, 2 usage or
internal error.`,
		Example: `  patternc lint ./corpus/samples
  patternc lint --diff origin/main infra/      # notes on what edited rules now match
  patternc lint --format sarif infra/ > patternc.sarif
  patternc lint --format github --fail-level warning .`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"."}
			}
			opts := lint.Options{Disable: map[string]bool{}}
			for _, c := range strings.Split(disable, ",") {
				if c = strings.ToUpper(strings.TrimSpace(c)); c != "" {
					if !lint.KnownCode(c) {
						return &exitError{code: 2, err: fmt.Errorf("--disable %s: no such code (the codes are listed in docs/codes.md)", c)}
					}
					opts.Disable[c] = true
				}
			}
			if dialect != "" {
				d, err := compiler.ParseDialect(dialect, scope)
				if err != nil {
					return &exitError{code: 2, err: err}
				}
				opts.Dialect = d
			}
			known := false
			for _, f := range lint.Formats {
				known = known || f == format
			}
			if !known {
				return &exitError{code: 2, err: fmt.Errorf("--format must be one of %s", strings.Join(lint.Formats, ", "))}
			}
			opts.NoConfig = noConfig
			res, err := lint.Run(args, opts)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if !cmd.Flags().Changed("fail-level") && res.Config != nil && res.Config.FailLevel != "" {
				failLevel = res.Config.FailLevel
			}
			var level compiler.Severity
			switch failLevel {
			case "error":
				level = compiler.SeverityError
			case "warning":
				level = compiler.SeverityWarning
			case "info", "note":
				level = compiler.SeverityInfo
			case "none":
			default:
				return &exitError{code: 2, err: fmt.Errorf("--fail-level must be error, warning, info or none")}
			}
			if verbose {
				for _, s := range res.Skipped {
					fmt.Fprintln(cmd.ErrOrStderr(), "skipped", s)
				}
			}
			if diffBase != "" {
				if err := annotateChanges(res, diffBase, args); err != nil {
					return &exitError{code: 2, err: err}
				}
			}
			if err := res.Write(cmd.OutOrStdout(), format, buildinfo.Read().Short()); err != nil {
				return &exitError{code: 2, err: err}
			}
			if level != 0 && res.AtOrAbove(level) {
				return &exitError{code: 1}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output: "+strings.Join(lint.Formats, ", "))
	cmd.Flags().StringVar(&failLevel, "fail-level", "error", "exit 1 when a finding is at least: error, warning, info (or none)")
	cmd.Flags().StringVar(&disable, "disable", "", "comma-separated codes to leave out")
	cmd.Flags().StringVar(&dialect, "dialect", "", "treat the files named on the command line as standalone patterns of this dialect: eventbridge or sns")
	cmd.Flags().BoolVar(&noConfig, "no-config", false, "ignore .patternc.yaml files")
	cmd.Flags().StringVar(&scope, "scope", "", "with --dialect sns: MessageAttributes or MessageBody")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "list the files passed over and why")
	cmd.Flags().StringVar(&diffBase, "diff", "", "also note (L110) what each rule changed since this git revision newly matches and no longer matches")
	return cmd
}
