package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/patternc/patternc/automaton"
	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/rules"
)

func init() { subcommands = append(subcommands, newMatchCmd) }

// defaultMaxLine is the longest input line match reads; longer lines get
// an error line and the stream goes on.
const defaultMaxLine = 16 << 20

func newMatchCmd() *cobra.Command {
	var df dialectFlags
	var rulesPath string
	var workers, maxLine int
	var progress, explain, stats, trusted bool
	var explainRules []string
	cmd := &cobra.Command{
		Use:   "match --rules FILE|DIR < events.jsonl",
		Short: "Match a stream of NDJSON events against many rules at once",
		Long: `match compiles every rule into one shared machine, reads NDJSON from standard
input and prints exactly one NDJSON line per input line, in input order:

  {"line":1,"matches":["rule-a","rule-b"]}
  {"line":2,"error":"automaton: the event is an array, not a JSON object"}
  {"line":3,"error":"blank line: no event"}

A bad line (not JSON, not an object, blank, longer than --max-line) gets an
error line; the stream goes on.

Rules come from --rules (a directory, walked, or a file), found exactly as
patternc lint finds them: rule files, CloudFormation/SAM/CDK templates,
Terraform, Serverless files, standalone pattern files, and .jsonl/.ndjson
rule lists ({"id": "...", "dialect": "eventbridge|sns-attributes|sns-body",
"pattern": {...}} a line). A rule's id is its name there (rule name, logical
id, Terraform address, file name without .json). A file named by --rules is
a pattern of --dialect unless its content says otherwise.

Each rule is matched against inputs of its own dialect: by default the input
lines are events and the EventBridge rules are matched; with --dialect sns
they are SNS Publish requests ({"Message": "...", "MessageAttributes":
{...}}, see patternc test --help) and the SNS filter policies of both scopes
are matched. Rules of the other dialect, and rules with computed parts, are
left out and counted on stderr, never silently never matched.

--explain adds, for every matching rule, the reference interpreter's reasons
("explain":{"rule":["detail.state: \"running\" matches \"running\""]});
--explain-rule ID explains rule ID on every line, matching or not. --stats
prints each rule's match count to stderr at the end.

--trusted (EventBridge events only) declares that every event meets the
trusted contract: valid JSON, and no object naming one member twice, compared
after unescaping names, a dotted name counting as its first part
({"a":1,"\u0061":2} and {"a":{"b":1},"a.b":2} break it; {"a.b":1,"a.c":2}
does not). Each event is then read only as far as the rules need and what is
skipped is not validated; a line outside the contract may get an answer
instead of an error, or a different answer (docs/automaton.md).

Exit status: 0 done (even if some lines had errors), 2 bad rules or usage.`,
		Example: `  patternc match --rules corpus/samples/eventbridge < corpus/samples/events/aws.jsonl
  patternc match --stats --rules rules/ < events.jsonl > matches.jsonl
  patternc match --explain-rule ec2-running --rules corpus/samples/eventbridge < corpus/samples/events/aws.jsonl
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
			if maxLine <= 0 {
				return &exitError{code: 2, err: fmt.Errorf("--max-line must be positive")}
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
			rs := newRuleSet(set.IDs, set.Patterns)
			for _, id := range explainRules {
				if _, ok := rs.index[automaton.ID(id)]; !ok {
					return &exitError{code: 2, err: fmt.Errorf("--explain-rule %s: no rule with that id (rules: %s)", id, rs.sample())}
				}
			}
			m := automaton.New(automaton.Config{})
			if err := m.AddAll(set.IDs, set.Patterns); err != nil {
				return &exitError{code: 2, err: err}
			}
			if workers <= 0 {
				workers = runtime.GOMAXPROCS(0)
			}
			if trusted && d.IsSNS() {
				return &exitError{code: 2, err: fmt.Errorf("--trusted is for EventBridge events only")}
			}
			var status io.Writer
			if progress || isTerminal(cmd.ErrOrStderr()) {
				status = cmd.ErrOrStderr()
			}
			opt := streamOptions{
				workers: workers, maxLine: maxLine, status: status, stats: stats,
				explainMatched: explain, explainRules: explainRules, publish: d.IsSNS(), trusted: trusted,
			}
			st, err := streamMatches(m, rs, cmd.InOrStdin(), cmd.OutOrStdout(), opt)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			errOut := cmd.ErrOrStderr()
			fmt.Fprintf(errOut, "patternc match: %d rules, %d events (%d with errors), %.0f events/s, %.1f MB/s\n",
				len(set.IDs), st.lines, st.errors, float64(st.lines)/st.elapsed.Seconds(), st.mbps(st.elapsed))
			if stats {
				rs.writeStats(errOut, st.counts)
			}
			return nil
		},
	}
	df.register(cmd)
	cmd.Flags().StringVar(&rulesPath, "rules", "", "rule file or directory")
	cmd.Flags().IntVar(&workers, "workers", 0, "matching goroutines (default: all cores)")
	cmd.Flags().IntVar(&maxLine, "max-line", defaultMaxLine, "longest input line in bytes; longer lines get an error line")
	cmd.Flags().BoolVar(&progress, "progress", false, "print progress to stderr even when it is not a terminal")
	cmd.Flags().BoolVar(&explain, "explain", false, "add the reasons each matching rule matched")
	cmd.Flags().StringArrayVar(&explainRules, "explain-rule", nil, "explain rule ID on every line, matching or not (repeatable)")
	cmd.Flags().BoolVar(&stats, "stats", false, "print each rule's match count to stderr at the end")
	cmd.Flags().BoolVar(&trusted, "trusted", false, "the events meet the trusted contract (valid JSON, no object naming a member twice, a dotted name counting as its first part): skip validation and stop reading each one once the rules are answered (input outside the contract may get a wrong answer instead of an error)")
	return cmd
}

// ruleSet indexes the rules by id, for explanations and statistics.
type ruleSet struct {
	ids      []automaton.ID
	patterns []*compiler.Pattern
	index    map[automaton.ID]int
}

func newRuleSet(ids []automaton.ID, ps []*compiler.Pattern) *ruleSet {
	rs := &ruleSet{ids: ids, patterns: ps, index: make(map[automaton.ID]int, len(ids))}
	for i, id := range ids {
		rs.index[id] = i
	}
	return rs
}

func (rs *ruleSet) sample() string {
	var b bytes.Buffer
	for i, id := range rs.ids {
		if i == 5 {
			fmt.Fprintf(&b, ", … %d more", len(rs.ids)-5)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(id))
	}
	return b.String()
}

// writeStats prints each rule's match count, most matched first.
func (rs *ruleSet) writeStats(w io.Writer, counts []int64) {
	order := make([]int, len(rs.ids))
	width := len("rule")
	for i := range order {
		order[i] = i
		width = max(width, len(rs.ids[i]))
	}
	sort.SliceStable(order, func(a, b int) bool {
		if counts[order[a]] != counts[order[b]] {
			return counts[order[a]] > counts[order[b]]
		}
		return rs.ids[order[a]] < rs.ids[order[b]]
	})
	fmt.Fprintf(w, "%-*s  %-14s  %s\n", width, "rule", "dialect", "matches")
	for _, i := range order {
		fmt.Fprintf(w, "%-*s  %-14s  %d\n", width, rs.ids[i], rs.patterns[i].Dialect, counts[i])
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

type streamOptions struct {
	workers        int
	maxLine        int
	status         io.Writer // progress, or nil
	stats          bool
	explainMatched bool
	explainRules   []string
	publish        bool // lines are SNS Publish requests, not events
	trusted        bool // events are valid JSON: use MatchTrusted (match --trusted)
}

type streamStats struct {
	lines, errors int
	counts        []int64 // matches per rule (with stats)
	bytes         int64   // input bytes of the matched lines
	elapsed       time.Duration
}

// mbps is the input rate in MB/s.
func (st streamStats) mbps(el time.Duration) float64 {
	if el <= 0 {
		return 0
	}
	return float64(st.bytes) / 1e6 / el.Seconds()
}

// inputLine is one line of input, or the error that replaces it.
type inputLine struct {
	data []byte
	size int   // bytes read, the newline included
	err  error // blank or too long: reported instead of matching
}

// batch is a run of input lines matched by one worker; batches are
// written back in input order.
type batch struct {
	seq   int
	first int // line number of lines[0]
	lines []inputLine
	out   []byte
	errs  int
	done  chan struct{}
}

const batchLines = 256

var errBlankLine = errors.New("blank line: no event")

// lineReader reads newline-terminated lines of at most max bytes; a longer
// line is skipped to its end and reported, so one bad line does not end
// the stream (bufio.Scanner would stop there).
type lineReader struct {
	r   *bufio.Reader
	max int
	buf []byte
}

func (lr *lineReader) next() (inputLine, bool, error) {
	lr.buf = lr.buf[:0]
	size, long := 0, false
	for {
		frag, err := lr.r.ReadSlice('\n')
		size += len(frag)
		if !long {
			content := len(frag)
			if content > 0 && frag[content-1] == '\n' {
				content-- // the newline does not count against the limit
			}
			if len(lr.buf)+content > lr.max {
				long = true
				lr.buf = lr.buf[:0]
			} else {
				lr.buf = append(lr.buf, frag...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && size == 0:
			return inputLine{}, false, nil
		case err != nil && err != io.EOF:
			return inputLine{}, false, err
		}
		break
	}
	if long {
		return inputLine{size: size, err: fmt.Errorf("line is longer than the limit of %d bytes (--max-line): skipped", lr.max)}, true, nil
	}
	line := bytes.TrimRight(lr.buf, "\r\n")
	if len(bytes.TrimSpace(line)) == 0 {
		return inputLine{size: size, err: errBlankLine}, true, nil
	}
	return inputLine{data: append([]byte(nil), line...), size: size}, true, nil
}

// streamMatches reads lines, matches them on opt.workers goroutines in
// batches, and writes results in input order with a bounded window.
func streamMatches(m *automaton.Machine, rs *ruleSet, in io.Reader, out io.Writer, opt streamOptions) (streamStats, error) {
	start := time.Now()
	lr := &lineReader{r: bufio.NewReaderSize(in, 1<<16), max: opt.maxLine}
	work := make(chan *batch, opt.workers*2)
	order := make(chan *batch, opt.workers*4) // bounds the reorder window
	var st streamStats
	if opt.stats {
		st.counts = make([]int64, len(rs.ids))
	}
	var countMu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < opt.workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mt := m.NewMatcher()
			var ids []automaton.ID
			var counts []int64
			if opt.stats {
				counts = make([]int64, len(rs.ids))
			}
			for b := range work {
				for i, l := range b.lines {
					if l.err != nil {
						b.out = appendResult(b.out, b.first+i, nil, l.err, nil)
						b.errs++
						continue
					}
					var err error
					if opt.publish {
						ids, err = mt.MatchPublish(ids, l.data)
					} else if opt.trusted {
						ids, err = mt.MatchTrusted(ids, l.data)
					} else {
						ids, err = mt.Match(ids, l.data)
					}
					var why []explained
					if err == nil {
						why = explainLine(rs, ids, l.data, opt)
					}
					b.out = appendResult(b.out, b.first+i, ids, err, why)
					if err != nil {
						b.errs++
					}
					if counts != nil {
						for _, id := range ids {
							counts[rs.index[id]]++
						}
					}
				}
				close(b.done)
			}
			if counts != nil {
				countMu.Lock()
				for i, n := range counts {
					st.counts[i] += n
				}
				countMu.Unlock()
			}
		}()
	}
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
				st.bytes += int64(l.size)
			}
			if opt.status != nil && time.Since(last) > time.Second {
				last = time.Now()
				el := time.Since(start)
				fmt.Fprintf(opt.status, "patternc match: %d events, %.0f events/s, %.1f MB/s\n", st.lines, float64(st.lines)/el.Seconds(), st.mbps(el))
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
	var readErr error
	for {
		l, ok, err := lr.next()
		if err != nil {
			readErr = err
			break
		}
		if !ok {
			break
		}
		line++
		cur.lines = append(cur.lines, l)
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
		err = readErr
	}
	st.elapsed = time.Since(start)
	return st, err
}

// explained is one rule's explanation on one line.
type explained struct {
	id    automaton.ID
	lines []string
}

// explainLine runs the reference interpreter for the rules --explain and
// --explain-rule ask about.
func explainLine(rs *ruleSet, ids []automaton.ID, data []byte, opt streamOptions) []explained {
	if !opt.explainMatched && len(opt.explainRules) == 0 {
		return nil
	}
	var want []automaton.ID
	if opt.explainMatched {
		want = append(want, ids...)
	}
	for _, id := range opt.explainRules {
		want = append(want, automaton.ID(id))
	}
	sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
	var out []explained
	for i, id := range want {
		if i > 0 && want[i-1] == id {
			continue
		}
		p := rs.patterns[rs.index[id]]
		ex, err := compiler.ExplainMatch(p, data)
		switch {
		case err != nil:
			out = append(out, explained{id, []string{"cannot explain: " + err.Error()}})
		case ex.Matched:
			out = append(out, explained{id, append(ex.Lines, "match")})
		default:
			out = append(out, explained{id, append(ex.Lines, "no match")})
		}
	}
	return out
}

func appendResult(b []byte, line int, ids []automaton.ID, err error, why []explained) []byte {
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
	b = append(b, ']')
	if len(why) > 0 {
		b = append(b, `,"explain":{`...)
		for i, e := range why {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, string(e.id))
			b = append(b, ":["...)
			for j, l := range e.lines {
				if j > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, l)
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	return append(b, "}\n"...)
}

// appendJSONString writes s as a JSON string without HTML escaping: the
// output is read by programs and people, not embedded in HTML, so <, > and
// & stay as written.
func appendJSONString(b []byte, s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})...)
}
