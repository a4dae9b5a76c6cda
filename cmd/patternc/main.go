// Command patternc checks, tests, lints and matches EventBridge event
// patterns and SNS filter policies, and runs a local event runtime.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/patternc/patternc/internal/buildinfo"
)

// exitError carries a process exit code out of a command; commands return it
// instead of calling os.Exit so that tests can run them in-process.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

// subcommands is filled by each command's file (check.go, test.go, …) from
// an init function, so that commands live in files of their own.
var subcommands []func() *cobra.Command

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "patternc",
		Short: "Compile, check and match EventBridge event patterns and SNS filter policies",
		Long: `patternc compiles Amazon EventBridge event patterns and Amazon SNS
subscription filter policies into one shared finite-state matcher, checks them
exactly as AWS does (with better messages), and runs a local event runtime.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       buildinfo.Read().String(),
	}
	root.SetVersionTemplate("{{.Version}}\n")
	for _, mk := range subcommands {
		root.AddCommand(mk())
	}
	return root
}

// run executes the command line args with the given streams and returns the
// process exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.Execute(); err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.err != nil {
				fmt.Fprintln(stderr, "patternc:", ee.err)
			}
			return ee.code
		}
		fmt.Fprintln(stderr, "patternc:", err)
		return 2
	}
	return 0
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
