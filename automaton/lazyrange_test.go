package automaton

import (
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestKeptRanges holds the ranges and anything-buts kept in clauses
// (lazyrange.go) to Explain: numbers in and out of range, in arrays,
// repeated, absent, not numbers, values excluded or not, one or several
// or in an array, and hits in arrays at other paths, on both paths and
// both ways of deciding.
func TestKeptRanges(t *testing.T) {
	defer func(n int) { decideInOnePass = n }(decideInOnePass)
	defer func(n int32) { needIDsFrom = n }(needIDsFrom)
	for _, from := range []int32{0, 8} {
		// Clauses keep entries in a large machine only: from the first,
		// or, made before it grew, since it did (keepAll).
		needIDsFrom = from
		testKeptRanges(t)
	}
}

func testKeptRanges(t *testing.T) {
	srcs := []string{
		`{"source":["s"],"detail":{"b":["x"],"n":[{"numeric":[">",10,"<=",20]}]}}`,
		`{"source":["s"],"detail":{"b":["x"],"m":[{"numeric":["<",0]}],"n":[{"numeric":[">=",15]}]}}`,
		`{"source":["s"],"detail":{"b":["x","y"],"a":["p"],"n":[{"numeric":[">",10,"<=",20]}]}}`,
		`{"detail":{"b":["y"],"n":[{"numeric":["=",5]},{"prefix":"q"}]}}`,
		`{"detail":{"b":["y"],"n":[{"exists":false}],"m":[{"numeric":["<",0]}]}}`,
		`{"source":["s"],"detail":{"b":["x"],"o":{"n":[{"numeric":[">",10]}]}}}`,
		`{"source":["s"],"detail":{"b":["x"],"o":{"e":[{"exists":true}]},"n":[{"numeric":[">",10]}]}}`,
		`{"source":["s"],"detail":{"b":["x"],"r":[{"anything-but":["no","nah"]}]}}`,
		`{"source":[{"prefix":"s"}],"region":[{"anything-but":["r"]}],"detail":{"n":[{"numeric":[">",10]}]}}`,
		`{"source":[{"prefix":"s"}],"region":[{"anything-but":["us"]}],"detail":{"n":[{"numeric":[">",10]}]}}`,
		`{"source":["s"],"detail":{"b":["x"],"r":[{"anything-but":{"prefix":"n"}}],"n":[{"numeric":[">",10]}]}}`,
	}
	events := []string{
		`{"source":"s","detail":{"b":"x","n":15}}`,
		`{"source":"s","detail":{"b":"x","n":25}}`,
		`{"source":"s","detail":{"b":"x","n":15,"m":-1}}`,
		`{"source":"s","detail":{"b":"x","n":[1,15]}}`,
		`{"source":"s","detail":{"b":"x","n":[1,2],"m":-3}}`,
		`{"source":"s","detail":{"b":"x"}}`,
		`{"source":"s","detail":{"b":"x","n":"15"}}`,
		`{"source":"s","detail":{"b":"x","n":15,"n":30}}`,
		`{"source":"s","detail":{"b":"x","n":15,"a":["p","q"]}}`,
		`{"source":"s","detail":{"b":["x","y"],"a":["p"],"n":12}}`,
		`{"source":"s","detail":[{"b":"x","a":"p","n":12},{"b":"y","a":"q","n":30}]}`,
		`{"source":"s","detail":[{"b":"y","a":"p","n":30},{"b":"x","a":"q","n":12}]}`,
		`{"source":"s","detail":{"b":"y","n":"q1"}}`,
		`{"source":"s","detail":{"b":"y","m":-1}}`,
		`{"source":"s","detail":{"b":"y","n":5}}`,
		`{"source":"s","detail":{"b":"x","o":[{"n":15}]}}`,
		`{"source":"s","detail":{"b":"x","o":[{"n":5},{"n":15}]}}`,
		`{"source":"s","detail":{"b":"x","o":[{"n":5}]}}`,
		`{"source":"s","detail":{"b":"x","o":[{"e":1}],"n":15}}`,
		`{"source":"s","detail":{"b":"x","o":[{"e":1},{"n":3}],"n":15}}`,
		`{"source":"s","detail":{"b":"x","o":[{"e":1}],"n":5}}`,
		`{"source":"s","detail":{"b":"x","r":"ok","n":15}}`,
		`{"source":"s","detail":{"b":"x","r":"no","n":15}}`,
		`{"source":"s","detail":{"b":"x","r":"nah","n":5}}`,
		`{"source":"s","detail":{"b":"x","r":["ok","no"],"n":15}}`,
		`{"source":"s","detail":{"b":"x","r":["ok"],"n":15}}`,
		`{"source":"s","detail":{"b":"x","r":5,"n":15}}`,
		`{"source":"s","detail":{"b":"x","r":null,"n":15}}`,
		`{"source":"s","detail":{"b":"x","r":"nah","r":"ok","n":15}}`,
		`{"source":"s","detail":{"b":"x","r":{"z":1},"n":15}}`,
	}
	m := New(Config{})
	live := map[ID]*compiler.Pattern{}
	for i, src := range srcs {
		id := ID(rune('a' + i))
		live[id] = addPattern(t, m, id, src)
	}
	kept := 0
	for _, cw := range m.clauses {
		if cw.rec.rngs != 0 {
			kept++
		}
	}
	if kept < 6 {
		t.Fatalf("%d clauses keep ranges or anything-buts, want at least 6", kept)
	}
	checkEvents(t, m, live, events, "kept ranges", `"n":15,"n"`, `"r":"nah","r"`)
}
