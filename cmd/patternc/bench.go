package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/patternc/patternc/bench"
)

func init() { subcommands = append(subcommands, newBenchCmd) }

func newBenchCmd() *cobra.Command {
	var cfg bench.Config
	var format, families, cpuProfile string
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the matcher family by family against a fastjson full parse",
		Long: `bench generates the citylots-like and AWS-style corpora (deterministic, from
--seed), compiles a pattern set per rule family into one machine, and measures
on one goroutine: events/s, MB/s, allocations per event, heap bytes per
pattern, patterns added per second, and the ratio to a fastjson full parse of
the same events for both matching paths: Match, which validates every byte,
and MatchTrusted, for events known to meet its contract (valid JSON, no
object naming a member twice), which stops reading once the
patterns are answered. The contenders take turns on chunks of 4096 events in
an order that rotates per chunk and round; the ratio shown is the median of
the per-round ratios, with the lowest and highest. A family runs --rounds
rounds (7), and more while fastjson's turns in it total less than
--min-time (1s): a round of 20 000 small events is some 15 ms, and the
median of seven such rounds moved by a tenth between runs minutes apart on
a shared machine. --threads N also runs N goroutines (one Matcher each)
and shows their events/s next to N times one goroutine's. Families: ` + familyNames() + `.

The default size takes about a minute on two cores; --events 213068 is the
full citylots size.

--cpuprofile FILE writes a CPU profile of the whole run, for go tool pprof
(the matcher's samples alone: go tool pprof -focus=patternc/automaton).`,
		Example: `  patternc bench
  patternc bench --family exact,exact-100000 --events 213068
  patternc bench --format json > bench.json
  patternc bench --events 213068 --cpuprofile bench.prof`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if families != "" {
				cfg.Families = strings.Split(families, ",")
				known := map[string]bool{}
				for _, f := range bench.Families {
					known[f.Name] = true
				}
				for _, f := range cfg.Families {
					if !known[f] {
						return &exitError{code: 2, err: fmt.Errorf("unknown family %q (known: %s)", f, familyNames())}
					}
				}
			}
			if cfg.MinTime < 0 {
				return &exitError{code: 2, err: fmt.Errorf("--min-time must not be negative")}
			}
			if format != "text" && format != "json" {
				return &exitError{code: 2, err: fmt.Errorf("--format must be text or json")}
			}
			cfg.Progress = cmd.ErrOrStderr()
			if cpuProfile != "" {
				f, err := os.Create(cpuProfile)
				if err != nil {
					return &exitError{code: 2, err: err}
				}
				if err := pprof.StartCPUProfile(f); err != nil {
					f.Close()
					return &exitError{code: 2, err: fmt.Errorf("--cpuprofile: %w", err)}
				}
				defer func() {
					pprof.StopCPUProfile()
					if err := f.Close(); err != nil {
						fmt.Fprintf(cmd.ErrOrStderr(), "patternc bench: --cpuprofile: %v\n", err)
					}
				}()
			}
			rep, err := bench.Run(cfg)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if format == "json" {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				return enc.Encode(rep)
			}
			rep.WriteTable(cmd.OutOrStdout())
			return nil
		},
	}
	cmd.Flags().IntVar(&cfg.Events, "events", 20000, "citylots (and AWS) events per corpus")
	cmd.Flags().IntVar(&cfg.Patterns, "patterns", 100, "patterns per family (the exact-N families have their own N)")
	cmd.Flags().Int64Var(&cfg.Seed, "seed", 1, "corpus and pattern seed")
	cmd.Flags().StringVar(&families, "family", "", "comma-separated families to run (default all)")
	cmd.Flags().IntVar(&cfg.Rounds, "rounds", 7, "measured rounds per family, at least (the report shows the median and range)")
	cmd.Flags().DurationVar(&cfg.MinTime, "min-time", time.Second, "add rounds (up to 301) until fastjson's turns in a family total this; 0: exactly --rounds")
	cmd.Flags().IntVar(&cfg.Threads, "threads", 0, "also match with N goroutines, one Matcher each, next to N× one goroutine")
	cmd.Flags().StringVar(&format, "format", "text", "output: text or json")
	cmd.Flags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the run to `FILE` (for go tool pprof)")
	return cmd
}

func familyNames() string {
	var names []string
	for _, f := range bench.Families {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}
