package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/patternc/patternc/automaton"
	"github.com/patternc/patternc/rules"
)

func init() { subcommands = append(subcommands, newMatchCmd) }

func newMatchCmd() *cobra.Command {
	var df dialectFlags
	var rulesPath string
	var workers int
	var progress, trusted bool
	cmd := &cobra.Command{
		Use:   "match --rules FILE|DIR < events.jsonl",
		Short: "Match a stream of NDJSON events against many rules at once",
		Long: `match compiles every rule into one shared machine, reads NDJSON from standard
input (one event per line; for --dialect sns, one Publish request per line) and
prints one NDJSON line per input line, in input order:

  {"line":1,"matches":["rule-a","rule-b"]}
  {"line":2,"error":"automaton: event is not valid JSON at byte 7: …"}

A bad line gets an error line; the stream goes on. Rules come from --rules
(a directory, walked, or a file), found exactly as patternc lint finds them:
rule files, CloudFormation/SAM/CDK templates, Terraform, Serverless files,
standalone pattern files, and .jsonl/.ndjson rule lists ({"id": "...",
"dialect": "eventbridge|sns-attributes|sns-body", "pattern": {...}} a line).
A rule's id is its name there (rule name, logical id, Terraform address,
file name without .json). EventBridge rules are matched against events;
with --dialect sns, SNS filter policies against Publish requests; the others
are left out and counted on stderr. A file named by --rules is a pattern of
--dialect unless its content says otherwise.

--trusted (EventBridge events only) declares the stream valid JSON: each event
is then read only as far as the rules need and what is skipped is not
validated; an invalid line may get an answer instead of an error.

Exit status: 0 done (even if some lines had errors), 2 bad rules or usage.`,
		Example: `  patternc match --rules corpus/samples/eventbridge < corpus/samples/events/aws.jsonl
  patternc match --dialect sns --scope MessageBody --rules policies.jsonl < publishes.jsonl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if rulesPath == "" {
				return &exitError{code: 2, err: fmt.Errorf("match needs --rules FILE|DIR (see patternc match --help)")}
			}
			d, err := df.get()
			if err != nil {
				return err
			}
			set, err := rules.Load(rulesPath, d)
			if err != nil {
				if fe, ok := err.(*rules.FileError); ok {
					printDiagnostics(cmd.ErrOrStderr(), fe.Name, fe.Source, fe.Err)
					return &exitError{code: 2, err: fmt.Errorf("%d rule file(s) invalid", fe.Count)}
				}
				return &exitError{code: 2, err: err}
			}
			if set.Other > 0 || set.Computed > 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "patternc match: left out %d rule(s) of the other dialect and %d with computed values (see patternc lint)\n", set.Other, set.Computed)
			}
			m := automaton.New(automaton.Config{})
			if err := m.AddAll(set.IDs, set.Patterns); err != nil {
				return &exitError{code: 2, err: err}
			}
			if workers <= 0 {
				workers = runtime.GOMAXPROCS(0)
			}
			publish := d.IsSNS()
			if trusted && publish {
				return &exitError{code: 2, err: fmt.Errorf("--trusted is for EventBridge events only")}
			}
			trustedStream = trusted
			var status io.Writer
			if progress || isTerminal(cmd.ErrOrStderr()) {
				status = cmd.ErrOrStderr()
			}
			st, err := streamMatches(m, publish, cmd.InOrStdin(), cmd.OutOrStdout(), workers, status)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "patternc match: %d rules, %d events (%d with errors), %.0f events/s, %.1f MB/s\n",
				len(set.IDs), st.lines, st.errors, float64(st.lines)/st.elapsed.Seconds(), st.mbps(st.elapsed))
			return nil
		},
	}
	df.register(cmd)
	cmd.Flags().StringVar(&rulesPath, "rules", "", "rule file or directory")
	cmd.Flags().IntVar(&workers, "workers", 0, "matching goroutines (default: all cores)")
	cmd.Flags().BoolVar(&progress, "progress", false, "print progress to stderr even when it is not a terminal")
	cmd.Flags().BoolVar(&trusted, "trusted", false, "the events are known to be valid JSON: skip validation and stop reading each one once the rules are answered (invalid input may get an answer instead of an error)")
	return cmd
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

type streamStats struct {
	lines, errors int
	bytes         int64 // input bytes of the matched lines
	elapsed       time.Duration
}

// mbps is the input rate in MB/s.
func (st streamStats) mbps(el time.Duration) float64 {
	if el <= 0 {
		return 0
	}
	return float64(st.bytes) / 1e6 / el.Seconds()
}

// batch is a run of input lines matched by one worker; batches are
// written back in input order.
type batch struct {
	seq   int
	first int // line number of lines[0]
	lines [][]byte
	out   []byte
	errs  int
	done  chan struct{}
}

const batchLines = 256

// trustedStream makes streamMatches use MatchTrusted (patternc match
// --trusted), whose contract assumes valid JSON.
var trustedStream bool

func matchEvent(mt *automaton.Matcher, dst []automaton.ID, line []byte) ([]automaton.ID, error) {
	if trustedStream {
		return mt.MatchTrusted(dst, line)
	}
	return mt.Match(dst, line)
}

// streamMatches reads lines, matches them on workers goroutines in
// batches, and writes results in input order with a bounded window.
func streamMatches(m *automaton.Machine, publish bool, in io.Reader, out io.Writer, workers int, status io.Writer) (streamStats, error) {
	start := time.Now()
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	work := make(chan *batch, workers*2)
	order := make(chan *batch, workers*4) // bounds the reorder window
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mt := m.NewMatcher()
			var ids []automaton.ID
			for b := range work {
				for i, line := range b.lines {
					var err error
					if publish {
						ids, err = mt.MatchPublish(ids, line)
					} else {
						ids, err = matchEvent(mt, ids, line)
					}
					b.out = appendResult(b.out, b.first+i, ids, err)
					if err != nil {
						b.errs++
					}
				}
				close(b.done)
			}
		}()
	}
	var st streamStats
	writeErr := make(chan error, 1)
	go func() {
		w := bufio.NewWriterSize(out, 1<<16)
		last := time.Now()
		var err error
		for b := range order {
			<-b.done
			if err == nil {
				_, err = w.Write(b.out)
			}
			st.lines += len(b.lines)
			st.errors += b.errs
			for _, l := range b.lines {
				st.bytes += int64(len(l)) + 1
			}
			if status != nil && time.Since(last) > time.Second {
				last = time.Now()
				el := time.Since(start)
				fmt.Fprintf(status, "patternc match: %d events, %.0f events/s, %.1f MB/s\n", st.lines, float64(st.lines)/el.Seconds(), st.mbps(el))
			}
		}
		if err == nil {
			err = w.Flush()
		}
		writeErr <- err
	}()
	line, seq := 0, 0
	cur := &batch{first: 1, done: make(chan struct{})}
	flush := func() {
		order <- cur
		work <- cur
		seq++
		cur = &batch{seq: seq, first: line + 1, done: make(chan struct{})}
	}
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			// A blank line is not an event: no output for it, but it
			// keeps its number so that line numbers match the input.
			if len(cur.lines) > 0 {
				flush()
			}
			cur.first = line + 1
			continue
		}
		cur.lines = append(cur.lines, append([]byte(nil), sc.Bytes()...))
		if len(cur.lines) == batchLines {
			flush()
		}
	}
	if len(cur.lines) > 0 {
		flush()
	}
	close(work)
	close(order)
	wg.Wait()
	err := <-writeErr
	if err == nil {
		err = sc.Err()
	}
	st.elapsed = time.Since(start)
	return st, err
}

func appendResult(b []byte, line int, ids []automaton.ID, err error) []byte {
	b = append(b, `{"line":`...)
	b = fmt.Appendf(b, "%d", line)
	if err != nil {
		b = append(b, `,"error":`...)
		b = appendJSONString(b, err.Error())
		return append(b, "}\n"...)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	b = append(b, `,"matches":[`...)
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, string(id))
	}
	return append(b, "]}\n"...)
}

func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}
