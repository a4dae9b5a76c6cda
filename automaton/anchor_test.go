package automaton

import (
	"fmt"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestAnchorOverlappingRanges: rules with open-ended ranges that all
// overlap stop being anchored on their range once the range's overlap
// makes another field cheaper, while disjoint ranges stay anchors.
func TestAnchorOverlappingRanges(t *testing.T) {
	for _, tc := range []struct {
		name       string
		pattern    func(i int) string
		maxOnRange int
		minOnRange int
	}{
		{"open-ended", func(i int) string {
			return fmt.Sprintf(`{"bucket":["b%d"],"key":[{"prefix":"k%d/"}],"size":[{"numeric":[">",%d]}]}`, i%4, i%20, i*1000)
		}, 100, 0},
		{"disjoint", func(i int) string {
			return fmt.Sprintf(`{"bucket":["b%d"],"size":[{"numeric":[">=",%d,"<",%d]}]}`, i%4, i*1000, i*1000+10)
		}, 1000, 900},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New(Config{})
			for i := 0; i < 1000; i++ {
				p, err := compiler.Compile([]byte(tc.pattern(i)), compiler.EventBridge, nil)
				if err != nil {
					t.Fatal(err)
				}
				if err := m.Add(ID(fmt.Sprint(i)), p); err != nil {
					t.Fatal(err)
				}
			}
			onRange := 0
			for _, pw := range m.preds {
				if pw != nil && pw.rank == 2 {
					onRange += len(pw.rec.anchors)
				}
			}
			if onRange > tc.maxOnRange || onRange < tc.minOnRange {
				t.Errorf("%d clauses anchored on ranges, want %d..%d", onRange, tc.minOnRange, tc.maxOnRange)
			}
			// The choice changes no answer.
			ev := []byte(`{"bucket":"b1","key":"k1/x","size":500000}`)
			got, err := m.Match(ev)
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for i := 0; i < 1000; i++ {
				p, _ := compiler.Compile([]byte(tc.pattern(i)), compiler.EventBridge, nil)
				if ex, err := compiler.ExplainMatch(p, ev); err == nil && ex.Matched {
					want++
				}
			}
			if len(got) != want {
				t.Errorf("%d matches, want %d", len(got), want)
			}
		})
	}
}
