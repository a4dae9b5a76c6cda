package valueset

import (
	"math"
	"sort"
	"strconv"

	"github.com/patternc/patternc/compiler"
)

// Numbers is a set of event numbers. Comparable numbers (docs/semantics/
// patterns.md §6) compare by value, so they form a union of intervals over
// the finite binary64 values, kept as closed ranges of the comparable
// encoding (key): -0 and 0 are one key, and an open bound is the next key.
// Numbers that are not comparable compare only by their text: a finite set
// of texts, or (Co) every such text but a finite set.
type Numbers struct {
	Ranges []KeyRange // sorted, disjoint, not adjacent
	Texts  []string   // sorted, distinct
	Co     bool       // Texts are the excluded ones
}

// KeyRange is a closed range of comparable keys.
type KeyRange struct{ Lo, Hi int64 }

var (
	minKey = Key(-math.MaxFloat64)
	maxKey = Key(math.MaxFloat64)
)

// Key is the comparable encoding of a finite binary64: order-preserving,
// with -0 and 0 equal.
func Key(f float64) int64 {
	if f == 0 {
		return 0
	}
	b := math.Float64bits(f)
	if b>>63 == 1 {
		return -int64(b &^ (1 << 63))
	}
	return int64(b)
}

// FromKey inverts Key.
func FromKey(k int64) float64 {
	if k < 0 {
		return -math.Float64frombits(uint64(-k))
	}
	return math.Float64frombits(uint64(k))
}

// AllNumbers is every number, comparable or not.
func AllNumbers() Numbers { return Numbers{Ranges: []KeyRange{{minKey, maxKey}}, Co: true} }

// RangeNumbers is the set a numeric condition accepts.
func RangeNumbers(r compiler.Range) Numbers {
	lo, hi := minKey, maxKey
	if r.HasLo {
		lo = Key(r.Lo)
		if !r.LoIncl {
			lo++
		}
	}
	if r.HasHi {
		hi = Key(r.Hi)
		if !r.HiIncl {
			hi--
		}
	}
	if lo > hi {
		return Numbers{}
	}
	return Numbers{Ranges: []KeyRange{{max(lo, minKey), min(hi, maxKey)}}}
}

// NumberLiteral is the set equal to one number literal.
func NumberLiteral(l compiler.Literal) Numbers {
	if l.Exact {
		k := Key(l.Num)
		return Numbers{Ranges: []KeyRange{{k, k}}}
	}
	return Numbers{Texts: []string{l.Text}}
}

func (n Numbers) IsEmpty() bool { return len(n.Ranges) == 0 && len(n.Texts) == 0 && !n.Co }

func (n Numbers) Union(o Numbers) Numbers {
	r := Numbers{Ranges: unionRanges(n.Ranges, o.Ranges)}
	r.Texts, r.Co = textsOp(n.Texts, n.Co, o.Texts, o.Co, func(x, y bool) bool { return x || y })
	return r
}

func (n Numbers) Intersect(o Numbers) Numbers {
	r := Numbers{Ranges: intersectRanges(n.Ranges, o.Ranges)}
	r.Texts, r.Co = textsOp(n.Texts, n.Co, o.Texts, o.Co, func(x, y bool) bool { return x && y })
	return r
}

func (n Numbers) Complement() Numbers {
	return Numbers{Ranges: complementRanges(n.Ranges), Texts: n.Texts, Co: !n.Co}
}

// textsOp combines two finite-or-cofinite text sets.
func textsOp(a []string, aco bool, b []string, bco bool, op func(x, y bool) bool) ([]string, bool) {
	co := op(aco, bco)
	var out []string
	seen := map[string]bool{}
	for _, t := range append(append([]string(nil), a...), b...) {
		if seen[t] {
			continue
		}
		seen[t] = true
		inA := contains(a, t) != aco
		inB := contains(b, t) != bco
		if op(inA, inB) != co {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out, co
}

func contains(list []string, s string) bool {
	for _, t := range list {
		if t == s {
			return true
		}
	}
	return false
}

func unionRanges(a, b []KeyRange) []KeyRange {
	all := append(append([]KeyRange(nil), a...), b...)
	sort.Slice(all, func(i, j int) bool { return all[i].Lo < all[j].Lo })
	var out []KeyRange
	for _, r := range all {
		if n := len(out); n > 0 && r.Lo <= out[n-1].Hi+1 {
			out[n-1].Hi = max(out[n-1].Hi, r.Hi)
			continue
		}
		out = append(out, r)
	}
	return out
}

func intersectRanges(a, b []KeyRange) []KeyRange {
	var out []KeyRange
	for i, j := 0, 0; i < len(a) && j < len(b); {
		lo, hi := max(a[i].Lo, b[j].Lo), min(a[i].Hi, b[j].Hi)
		if lo <= hi {
			out = append(out, KeyRange{lo, hi})
		}
		if a[i].Hi < b[j].Hi {
			i++
		} else {
			j++
		}
	}
	return out
}

func complementRanges(a []KeyRange) []KeyRange {
	var out []KeyRange
	next := minKey
	for _, r := range a {
		if r.Lo > next {
			out = append(out, KeyRange{next, r.Lo - 1})
		}
		next = r.Hi + 1
	}
	if next <= maxKey {
		out = append(out, KeyRange{next, maxKey})
	}
	return out
}

// Witness returns the text of a readable number in the set: a small
// integer or short decimal inside a range where there is one, else a
// bound; a non-comparable text when only those are left.
func (n Numbers) Witness() (string, bool) {
	if len(n.Ranges) > 0 {
		best := ""
		for _, r := range n.Ranges {
			t := readableIn(r)
			if best == "" || len(t) < len(best) || (len(t) == len(best) && r.Lo <= 0 && r.Hi >= 0) {
				best = t
			}
		}
		return best, true
	}
	if !n.Co {
		if len(n.Texts) == 0 {
			return "", false
		}
		return n.Texts[0], true
	}
	for t := "12345678901234567890"; ; t += "1" {
		if !contains(n.Texts, t) {
			return t, true
		}
	}
}

// readableIn picks the shortest decimal text whose value lies in r.
func readableIn(r KeyRange) string {
	lo, hi := FromKey(r.Lo), FromKey(r.Hi)
	if lo <= 0 && hi >= 0 {
		return "0"
	}
	for digits := 0; digits <= 17; digits++ {
		scale := math.Pow(10, float64(digits))
		for _, c := range []float64{math.Ceil(lo * scale), math.Floor(hi * scale)} {
			v := c / scale
			t := strconv.FormatFloat(v, 'f', -1, 64)
			if math.Abs(v) >= 1e21 || math.Abs(v) < 1e-6 {
				t = strconv.FormatFloat(v, 'g', -1, 64)
			}
			if k, ok := keyOfText(t); ok && k >= r.Lo && k <= r.Hi {
				return t
			}
		}
	}
	return strconv.FormatFloat(lo, 'g', -1, 64)
}

func keyOfText(t string) (int64, bool) {
	l := compiler.NumberLiteral(t)
	if !l.Exact {
		return 0, false
	}
	return Key(l.Num), true
}

// ContainsText reports whether an event number written as t is in the set.
func (n Numbers) ContainsText(t string) bool {
	l := compiler.NumberLiteral(t)
	if l.Exact {
		k := Key(l.Num)
		for _, r := range n.Ranges {
			if k >= r.Lo && k <= r.Hi {
				return true
			}
		}
		return false
	}
	return contains(n.Texts, t) != n.Co
}
