package automaton

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestRangeOverlaps holds rangeIndex.overlaps to a scan of every range,
// with and without a tree, with ranges waiting outside it, for intervals
// around every end.
func TestRangeOverlaps(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for round := 0; round < 200; round++ {
		var ri rangeIndex
		n := 1 + r.Intn(80)
		for k := 0; k < n; k++ {
			lo := uint64(r.Intn(1000))
			ri = ri.with(rangeCond{lo: lo, hi: lo + uint64(r.Intn(60)), pred: int32(k)})
			if k == n/2 && r.Intn(2) == 0 {
				ri = ri.built() // the rest wait outside the tree
				ri.ready = false
			}
		}
		ri = ri.built()
		for q := 0; q < 300; q++ {
			lo := uint64(r.Intn(1100))
			hi := lo + uint64(r.Intn(5))*uint64(r.Intn(40))
			want := false
			for _, c := range ri.conds {
				want = want || c.lo <= hi && lo <= c.hi
			}
			if got := ri.overlaps(lo, hi); got != want {
				t.Fatalf("round %d, %d ranges (tree of %d): overlaps(%d, %d) = %v, want %v", round, len(ri.conds), ri.treeN, lo, hi, got, want)
			}
		}
	}
}

// TestParseNumberLongDigits: numbers of 16 and 17 significant digits, the
// ones whose comparability needs the shortest form, agree with the
// compiler's definition, as integers, fractions and around powers of ten.
func TestParseNumberLongDigits(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	comparable := 0
	for n := 0; n < 20000; n++ {
		digits := 16 + r.Intn(2)
		b := make([]byte, 0, 24)
		if r.Intn(2) == 0 {
			b = append(b, '-')
		}
		point := r.Intn(digits + 1)
		for k := 0; k < digits; k++ {
			if k == point && k > 0 {
				b = append(b, '.')
			}
			c := byte('0' + r.Intn(10))
			if k == 0 {
				c = byte('1' + r.Intn(9))
			}
			if r.Intn(4) == 0 && k > 0 {
				c = '9' // runs of nines round up across powers of ten
			}
			b = append(b, c)
		}
		if r.Intn(3) == 0 {
			b = append(b, fmt.Sprintf("e%d", r.Intn(600)-300)...)
		}
		s := string(b)
		f, exact, _ := parseNumber(b, nil)
		lit := compiler.NumberLiteral(s)
		if exact != lit.Exact || (exact && f != lit.Num) {
			t.Fatalf("%s: exact=%v f=%v, compiler says exact=%v f=%v", s, exact, f, lit.Exact, lit.Num)
		}
		if exact {
			comparable++
		}
	}
	if comparable < 1000 || comparable > 19000 {
		t.Errorf("%d of 20000 comparable: the test misses one of the outcomes", comparable)
	}
}
