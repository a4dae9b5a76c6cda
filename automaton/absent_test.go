package automaton

import (
	"fmt"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestDecideAbsent holds clauses of kind decideAbsent (setAbsent: fields
// required or only allowing absence) to Explain, in small and large
// machines, on both paths: the absent path missing, present (null, a
// value, an empty array, an object), inside arrays with the other fields
// (the search's case), several absences, a clause of a lazy required
// field, and the shapes that stay decideRecord (a field of conditions
// that also allows absence).
func TestDecideAbsent(t *testing.T) {
	defer func(n int, f int32) { decideInOnePass, needIDsFrom = n, f }(decideInOnePass, needIDsFrom)
	rules := []string{
		`{"source":["s"],"detail":{"name":["n1","n2"],"user":["u1"],"err":[{"exists":false}]}}`,
		`{"source":["s"],"detail":{"name":["n1"],"user":["u1"],"err":[{"exists":true}]}}`,
		`{"source":["s"],"detail":{"user":["u1"],"err":[{"exists":false}],"code":[{"exists":false}]}}`,
		`{"detail":{"items":{"k":["a"]},"user":["u2"],"items.x":[{"exists":false}]}}`,
		`{"detail":{"items":{"k":["a"],"x":[{"exists":false}]},"user":["u2"]}}`,
		`{"detail":{"user":["u3"],"err":[{"exists":false}],"name":[{"prefix":"n"}],"size":[{"numeric":[">",5]}]}}`,
		`{"detail":{"user":["u3"],"err":[{"exists":false}, "e1"]}}`,
		`{"detail":{"user":["u1"],"region":[{"anything-but":"x"}],"err":[{"exists":false}]}}`,
	}
	events := []string{
		`{"source":"s","detail":{"name":"n1","user":"u1"}}`,
		`{"source":"s","detail":{"name":"n1","user":"u1","err":null}}`,
		`{"source":"s","detail":{"name":"n2","user":"u1","err":"e1"}}`,
		`{"source":"s","detail":{"name":"n2","user":"u1","err":[]}}`,
		`{"source":"s","detail":{"name":"n2","user":"u1","err":{"a":1}}}`,
		`{"source":"s","detail":{"name":"n2","user":"u1","code":1}}`,
		`{"source":"s","detail":{"name":["n3","n1"],"user":["u1","u2"]}}`,
		`{"source":"s","detail":{"name":"n1","user":"u1","region":"y"}}`,
		`{"source":"s","detail":{"name":"n1","user":"u1","region":"x"}}`,
		`{"source":"t","detail":{"user":"u2","items":[{"k":"a"},{"k":"b","x":1}]}}`,
		`{"source":"t","detail":{"user":"u2","items":[{"k":"a","x":1},{"k":"b"}]}}`,
		`{"source":"t","detail":{"user":"u2","items":[{"k":"a","x":1}]}}`,
		`{"source":"t","detail":{"user":"u2","items":{"k":"a"}}}`,
		`{"source":"t","detail":{"user":["u2"],"items":[{"k":"a"}]}}`,
		`{"source":"t","detail":{"user":"u3","name":"nn","size":6}}`,
		`{"source":"t","detail":{"user":"u3","name":"nn","size":6,"err":"e1"}}`,
		`{"source":"t","detail":{"user":"u3","name":"nn","size":[1,6],"err":"e2"}}`,
		`{"source":"t","detail":{"user":"u3","name":["nn","x"],"size":[6]}}`,
	}
	for _, large := range []bool{false, true} {
		needIDsFrom = 768
		if large {
			needIDsFrom = 0
		}
		m := New(Config{})
		live := map[ID]*compiler.Pattern{}
		for i, r := range rules {
			id := ID(fmt.Sprint("r", i))
			live[id] = addPattern(t, m, id, r)
		}
		kinds := 0
		for _, cw := range m.clauses {
			if cw.rec.kind == decideAbsent {
				kinds++
			}
		}
		if kinds < 4 {
			t.Fatalf("large %v: %d clauses of kind decideAbsent, want 4 at least", large, kinds)
		}
		checkEvents(t, m, live, events, fmt.Sprint("large ", large))
	}
}
