package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/patternc/patternc/compiler"
)

// maxInputFile bounds what patternc reads from one file or stdin, so a
// mistaken multi-gigabyte argument fails fast with a clear message.
const maxInputFile = 64 << 20

// readArg reads a JSON argument: inline JSON when it starts with '{', '['
// or '"' (after spaces), standard input for "-", otherwise a file path (or,
// when no such file exists, inline JSON if it reads as a JSON scalar). The
// name returned labels diagnostics.
func readArg(cmd *cobra.Command, arg, what string) (name string, data []byte, err error) {
	trimmed := strings.TrimLeft(arg, " \t\r\n")
	switch {
	case strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[") || strings.HasPrefix(trimmed, `"`):
		return "<" + what + ">", []byte(arg), nil
	case arg == "-":
		data, err := readLimited(cmd.InOrStdin())
		if err != nil {
			return "", nil, fmt.Errorf("reading %s from standard input: %w", what, err)
		}
		return "<stdin>", data, nil
	}
	f, err := os.Open(arg)
	if err != nil && os.IsNotExist(err) && json.Valid([]byte(arg)) {
		return "<" + what + ">", []byte(arg), nil
	}
	if err != nil {
		return "", nil, fmt.Errorf("reading %s: %w", what, err)
	}
	defer f.Close()
	data, err = readLimited(f)
	if err != nil {
		return "", nil, fmt.Errorf("reading %s %s: %w", what, arg, err)
	}
	return arg, data, nil
}

func readLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxInputFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxInputFile {
		return nil, fmt.Errorf("larger than %d MB", maxInputFile>>20)
	}
	return data, nil
}

// dialectFlags are the --dialect and --scope flags shared by commands.
type dialectFlags struct {
	dialect string
	scope   string
}

func (f *dialectFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.dialect, "dialect", "eventbridge", "rule language: eventbridge or sns")
	cmd.Flags().StringVar(&f.scope, "scope", "", "SNS FilterPolicyScope: MessageAttributes (default) or MessageBody")
}

func (f *dialectFlags) get() (compiler.Dialect, error) {
	d, err := compiler.ParseDialect(f.dialect, f.scope)
	if err != nil {
		return 0, &exitError{code: 2, err: err}
	}
	return d, nil
}

// printDiagnostics writes every diagnostic with its snippet.
func printDiagnostics(w io.Writer, name string, src []byte, err error) {
	if list, ok := err.(compiler.ErrorList); ok {
		for _, d := range list {
			fmt.Fprint(w, d.Format(name, src))
		}
		return
	}
	fmt.Fprintf(w, "%s: error: %v\n", name, err)
}
