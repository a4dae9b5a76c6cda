// Package lint finds EventBridge event patterns and SNS filter policies in
// a repository — standalone JSON, CloudFormation and SAM templates (YAML or
// JSON, CDK output included), Terraform (resources, locals, variables and
// the public terraform-aws-modules), Serverless Framework files, and
// patternc's own rule files — and checks them with the compiler, plus
// warnings for patterns that AWS accepts but that are probably not what was
// meant. Positions are always the user's own file, also for a pattern
// written as a JSON string inside YAML, JSON or HCL, or in a !Sub template.
//
// What a file is comes from its content and from the repository's
// .patternc.yaml, never from words in its path (see classify.go). The same
// finder serves `patternc match` and library users through Load, which
// returns every pattern found with its name, dialect and position.
//
// Run lints paths and returns findings in a stable order (file, line,
// column, code). Load returns the patterns themselves, named, with their
// dialect, target and position — what `patternc match --rules` and the
// rules package build their matchers from:
//
//	l, err := lint.Load([]string{"infra/"}, lint.Options{})
//	for _, r := range l.Rules {
//		fmt.Println(r.Name, r.Dialect, r.File, r.Pos.Line)
//	}
//
// Bounded work: a file over MaxFileSize, a YAML file whose aliases expand
// past its own size plus a small allowance, or a file that takes longer
// than its time budget ends with one L002 error naming the file.
package lint
