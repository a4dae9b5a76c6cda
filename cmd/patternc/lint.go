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
	var verbose bool
	cmd := &cobra.Command{
		Use:   "lint [PATH...]",
		Short: "Find and check every pattern and filter policy in a repository (for CI)",
		Long: `lint walks PATHs (default .) and checks every EventBridge pattern and SNS filter
policy it finds, exactly as AWS would, plus warnings for what AWS accepts but
you probably did not mean. It reads:

  standalone JSON     patterns whose path names the dialect (a directory or
                      file name containing eventbridge, sns, sns-body), or
                      any JSON file named on the command line, or one whose
                      top level names an envelope field (source, detail, …)
  CloudFormation/SAM  YAML or JSON (CDK's cdk.out/*.template.json too):
                      AWS::Events::Rule EventPattern, SAM EventBridgeRule and
                      CloudWatchEvent sources, AWS::SNS::Subscription
                      FilterPolicy (+ FilterPolicyScope), AWS::Pipes::Pipe
                      and AWS::Lambda::EventSourceMapping FilterCriteria
  Terraform (.tf)     aws_cloudwatch_event_rule.event_pattern,
                      aws_sns_topic_subscription.filter_policy, pipes and
                      event source mapping filters; jsonencode() and heredocs
  rule files          *.patternc.yaml / *.patternc.json: named rules with
                      examples that must match or must not (see README)

Intrinsics (!Sub, !Ref, Fn::Join) and Terraform references are never errors:
such patterns are reported as unchecked notes (L001).

Disable a code with --disable L104,W103 or a comment on the line or the line
above: # patternc:disable=L104. Every code, with an example, is in
docs/codes.md; an unknown code given to --disable is an error.

Exit status: 0 clean, 1 findings at or above --fail-level, 2 usage or
internal error.`,
		Example: `  patternc lint ./corpus/samples
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
			known := false
			for _, f := range lint.Formats {
				known = known || f == format
			}
			if !known {
				return &exitError{code: 2, err: fmt.Errorf("--format must be one of %s", strings.Join(lint.Formats, ", "))}
			}
			res, err := lint.Run(args, opts)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if verbose {
				for _, s := range res.Skipped {
					fmt.Fprintln(cmd.ErrOrStderr(), "skipped", s)
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
	cmd.Flags().StringVar(&dialect, "dialect", "", "force the dialect of standalone JSON: eventbridge or sns")
	cmd.Flags().StringVar(&scope, "scope", "", "with --dialect sns: MessageAttributes or MessageBody")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "list the files passed over and why")
	return cmd
}
