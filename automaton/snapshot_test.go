package automaton

import (
	"fmt"
	"math/rand"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/patternc/patternc/compiler"
)

// snapshotTemplates share what writers append to in place (write.go,
// "Appending in place"): one predicate anchoring many clauses, one clause
// of many patterns, a path's lazy list, the always list, trie nodes with
// several end and prefix marks.
var snapshotTemplates = []string{
	`{"source":["shop"],"detail":{"n":[{"numeric":[">",%d]}]}}`,
	`{"source":["shop"],"detail":{"n":[{"numeric":["<",100]}]}}`,
	`{"detail":{"k":[{"anything-but":["v%d"]}]}}`,
	`{"detail":{"k":["v%d"],"gone":[{"exists":false}]}}`,
	`{"detail":{"k":["v1","v%d"]}}`,
	`{"detail":{"k":[{"prefix":"v%d"}]}}`,
	`{"detail":{"k":[{"prefix":"v"}]}}`,
	`{"detail":{"n":[%d, 7]}}`,
}

var snapshotEvents = [][]byte{
	[]byte(`{"source":"shop","detail":{"n":7,"k":"v1"}}`),
	[]byte(`{"source":"shop","detail":{"n":50,"k":"v3"}}`),
	[]byte(`{"source":"home","detail":{"n":3,"k":"v12","gone":1}}`),
	[]byte(`{"detail":{"k":"w"}}`),
}

type snapshotOp struct {
	id  ID
	p   *compiler.Pattern // nil: delete
	src string
}

// TestSnapshotsDuringWrites checks that every Match sees exactly one
// snapshot while writers add and delete patterns that share records, run
// with -race: each result must equal what a machine built by the writes
// published before the Match returned, and not before it began, finds.
func TestSnapshotsDuringWrites(t *testing.T) {
	r := rand.New(rand.NewSource(13))
	var ops []snapshotOp
	for i := 0; i < 400; i++ {
		id := ID(fmt.Sprint("p", r.Intn(40)))
		if r.Intn(4) == 0 {
			ops = append(ops, snapshotOp{id: id})
			continue
		}
		src := strings.ReplaceAll(snapshotTemplates[r.Intn(len(snapshotTemplates))], "%d", fmt.Sprint(r.Intn(12)))
		p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		ops = append(ops, snapshotOp{id: id, p: p, src: src})
	}
	// want[v][e]: the matches of event e after the first v writes.
	want := make([][]string, len(ops)+1)
	ref := New(Config{})
	for v := 0; ; v++ {
		for _, ev := range snapshotEvents {
			ids, err := ref.Match(ev)
			if err != nil {
				t.Fatal(err)
			}
			want[v] = append(want[v], sortedIDs(ids))
		}
		if v == len(ops) {
			break
		}
		apply(t, ref, ops[v])
	}

	m := New(Config{})
	var version atomic.Int64 // writes done
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var checked atomic.Int64
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mt := m.NewMatcher()
			var dst []ID
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				e := k % len(snapshotEvents)
				from := version.Load()
				var err error
				if dst, err = mt.Match(dst[:0], snapshotEvents[e]); err != nil {
					t.Error(err)
					return
				}
				to := min(version.Load()+1, int64(len(ops))) // a write may have published but not counted yet
				got := sortedIDs(dst)
				ok := false
				for v := from; v <= to && !ok; v++ {
					ok = got == want[v][e]
				}
				if !ok {
					t.Errorf("event %d matched %s, which no snapshot from write %d to %d matches (first: %s)", e, got, from, to, want[from][e])
					return
				}
				checked.Add(1)
			}
		}()
	}
	for i, op := range ops {
		if i%20 == 0 {
			// On a loaded machine the writes could all be done before any
			// matcher runs: every twenty writes wait for some Match to end
			// (up to 10 s: a matcher that failed has stopped counting).
			seen, deadline := checked.Load(), time.Now().Add(10*time.Second)
			for checked.Load() == seen && time.Now().Before(deadline) {
				runtime.Gosched()
			}
		}
		apply(t, m, op)
		version.Add(1)
	}
	close(stop)
	wg.Wait()
	for e, ev := range snapshotEvents {
		ids, _ := m.Match(ev)
		if got := sortedIDs(ids); got != want[len(ops)][e] {
			t.Errorf("after the writes, event %d matched %s, want %s", e, got, want[len(ops)][e])
		}
	}
	if checked.Load() == 0 {
		t.Error("no Match ran during the writes")
	}
}

func apply(t *testing.T, m *Machine, op snapshotOp) {
	t.Helper()
	if op.p == nil {
		m.Delete(op.id)
		return
	}
	if err := m.Add(op.id, op.p); err != nil {
		t.Fatalf("%s: %v", op.src, err)
	}
}

func sortedIDs(ids []ID) string {
	s := slices.Clone(ids)
	slices.Sort(s)
	return fmt.Sprint(s)
}
