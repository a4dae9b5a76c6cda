package main

import (
	"bufio"
	"fmt"
	"iter"

	"github.com/spf13/cobra"

	"github.com/patternc/patternc/corpus"
)

func init() { subcommands = append(subcommands, newCorpusCmd) }

func newCorpusCmd() *cobra.Command {
	var kind string
	var n int
	var seed int64
	cmd := &cobra.Command{
		Use:   "corpus",
		Short: "Write a generated event corpus as NDJSON",
		Long: `corpus writes a deterministic generated corpus to standard output, one event
per line: citylots (GeoJSON Features like the San Francisco city lots, ~900
bytes each; 213068 is the full size) or aws (EC2 state changes, S3 object
created, CloudTrail calls, custom orders). The same --seed gives the same bytes.`,
		Example: `  patternc corpus --kind citylots --events 213068 > citylots.jsonl
  patternc corpus --kind aws --events 1000 | patternc match --rules corpus/samples/eventbridge`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var evs iter.Seq[[]byte]
			switch kind {
			case "citylots":
				evs = corpus.CityLots(seed, n)
			case "aws":
				evs = corpus.AWSEvents(seed, n)
			default:
				return &exitError{code: 2, err: fmt.Errorf("--kind must be citylots or aws, not %q", kind)}
			}
			if n < 0 {
				return &exitError{code: 2, err: fmt.Errorf("--events must not be negative")}
			}
			w := bufio.NewWriterSize(cmd.OutOrStdout(), 1<<16)
			for ev := range evs {
				w.Write(ev)
				if err := w.WriteByte('\n'); err != nil {
					return err
				}
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "citylots", "corpus: citylots or aws")
	cmd.Flags().IntVar(&n, "events", 1000, "number of events")
	cmd.Flags().Int64Var(&seed, "seed", 1, "generator seed")
	return cmd
}
