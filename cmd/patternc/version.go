package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/patternc/patternc/internal/buildinfo"
)

func init() { subcommands = append(subcommands, newVersionCmd) }

// The same build information answers `patternc version`, `patternc
// --version` and SARIF's tool.driver.version.
func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the module version, VCS revision and Go version of this binary",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), buildinfo.Read())
			return nil
		},
	}
}
