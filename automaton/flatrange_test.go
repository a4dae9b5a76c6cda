package automaton

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestFlatFits: many narrow ranges are kept flat; a wide range among
// them, which every number past its lo would read back to, keeps the
// tree; nested one-sided ranges, which hold every number that reads
// them, are flat.
func TestFlatFits(t *testing.T) {
	narrow := func(n int, wide bool, open bool) []rangeCond {
		r := rand.New(rand.NewSource(int64(n)))
		var cs []rangeCond
		for k := range n {
			lo := uint64(r.Intn(1_000_000))
			hi := lo + 20 + uint64(r.Intn(80))
			if open {
				hi = ^uint64(0)
			}
			cs = append(cs, rangeCond{lo: lo, hi: hi, pred: int32(k)})
		}
		if wide {
			cs = append(cs, rangeCond{lo: 0, hi: 900_000, pred: int32(n)})
		}
		return cs
	}
	for _, tc := range []struct {
		name       string
		conds      []rangeCond
		wantFlat   bool
		wantBlocks int
	}{
		{"narrow", narrow(1000, false, false), true, 125},
		{"wide among narrow", narrow(1000, true, false), false, 0},
		{"nested open", narrow(300, false, true), true, 38},
		{"one block", narrow(5, false, false), true, 1},
	} {
		f := buildFlat(tc.conds)
		if (f != nil) != tc.wantFlat {
			t.Errorf("%s: flat %v, want %v", tc.name, f != nil, tc.wantFlat)
			continue
		}
		if f != nil && (len(f.pmax) != tc.wantBlocks || len(f.tops) != tc.wantBlocks) {
			t.Errorf("%s: %d blocks, want %d", tc.name, len(f.pmax), tc.wantBlocks)
		}
	}
}

// TestFlatStab: S3-like rules (a source prefix, a region anything-but
// and a narrow size range each, mixed-10000's mixedRule case 4) and
// ranges alone, with the flat index and with the tree, agree with
// compiler.Explain on both paths for numbers around every end, in and
// out of arrays, and after adds and deletes.
func TestFlatStab(t *testing.T) {
	defer func(f bool) { flatRanges = f }(flatRanges)
	defer func(n int, f int32) { decideInOnePass, needIDsFrom = n, f }(decideInOnePass, needIDsFrom)
	decideInOnePass, needIDsFrom = 0, 0 // a large machine's ways: marks, direct hits, rests
	regions := []string{"r0", "r1", "r2", "r3"}
	for _, flat := range []bool{true, false} {
		flatRanges = flat
		r := rand.New(rand.NewSource(11))
		m := New(Config{})
		pats := map[ID]*compiler.Pattern{}
		var ends []int
		add := func(i int) {
			lo := r.Intn(20_000)
			w := 200 + r.Intn(800)
			var src string
			switch i % 5 {
			case 4:
				src = fmt.Sprintf(`{"d":{"size":[{"numeric":[">",%d,"<=",%d]}]}}`, lo, lo+w)
			default:
				src = fmt.Sprintf(`{"source":[{"prefix":"aws."}],"region":[{"anything-but":[%q]}],"d":{"size":[{"numeric":[">=",%d,"<",%d]}]}}`,
					regions[r.Intn(len(regions))], lo, lo+w)
			}
			p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
			if err != nil {
				t.Fatal(src, err)
			}
			id := ID(fmt.Sprint(i))
			pats[id] = p
			ends = append(ends, lo, lo+w)
			if err := m.Add(id, p); err != nil {
				t.Fatal(err)
			}
		}
		var ids []ID
		var ps []*compiler.Pattern
		for i := range 120 {
			add(i)
			ids, ps = append(ids, ID(fmt.Sprint(i))), append(ps, pats[ID(fmt.Sprint(i))])
		}
		// and again in one write, as the bench loads them (one tree,
		// the rests interned)
		m2 := New(Config{})
		if err := m2.AddAll(ids, ps); err != nil {
			t.Fatal(err)
		}
		check := func(m *Machine, what string) {
			mt := m.NewMatcher()
			var dst []ID
			for k, e := range ends {
				for _, v := range []int{e - 1, e} {
					region := regions[k%len(regions)]
					size := fmt.Sprint(v)
					if k%7 == 0 {
						size = fmt.Sprintf("[%d, %d]", v, v+500)
					}
					ev := []byte(fmt.Sprintf(`{"source":"aws.s3","region":%q,"d":{"size":%s}}`, region, size))
					var want []ID
					for id, p := range pats {
						if ex, err := compiler.ExplainMatch(p, ev); err == nil && ex.Matched {
							want = append(want, id)
						}
					}
					slices.Sort(want)
					for _, trusted := range []bool{false, true} {
						var err error
						if trusted {
							dst, err = mt.MatchTrusted(dst[:0], ev)
						} else {
							dst, err = mt.Match(dst[:0], ev)
						}
						if err != nil {
							t.Fatal(err)
						}
						got := slices.Clone(dst)
						slices.Sort(got)
						if !slices.Equal(got, want) {
							t.Fatalf("flat %v, %s, trusted %v, %s: got %v, want %v", flat, what, trusted, ev, got, want)
						}
					}
				}
			}
		}
		check(m, "one Add each")
		check(m2, "AddAll")
		for i := 0; i < 30; i++ {
			id := ID(fmt.Sprint(r.Intn(120)))
			m2.Delete(id)
			delete(pats, id)
		}
		check(m2, "after deletes")
	}
}

// FuzzFlatIndex holds the flat index (stab through a Matcher, and
// overlaps) to a scan of every range, for ranges and numbers the input
// gives.
func FuzzFlatIndex(f *testing.F) {
	f.Add([]byte("\x10\x20\x30\x05\x40\x08\x41\x02\x90\x30\x11\x01\x12\x09\x13\x04"), uint16(0x31), uint16(0x3f))
	f.Add([]byte("\x00\xff\x01\x01\x02\x02\x03\x03\x04\x04\x05\x05\x06\x06\x07\x07\x08\x08\x09\x09"), uint16(5), uint16(6))
	f.Fuzz(func(t *testing.T, data []byte, x, y uint16) {
		if len(data) < 2 {
			return
		}
		var conds []rangeCond
		cl := &clauseRec{} // beside every range: its hits are handed straight
		for k := 0; k+1 < len(data) && k < 400; k += 2 {
			lo := uint64(data[k]) * 4
			w := uint64(data[k+1])
			if data[k+1] == 0xff {
				w = ^uint64(0) - lo // open above
			}
			conds = append(conds, rangeCond{lo: lo, hi: lo + w, pred: int32(k / 2), cl: cl})
		}
		fl := buildFlat(conds)
		if fl == nil {
			return // kept as a tree
		}
		lo, hi := uint64(min(x, y)), uint64(max(x, y))
		want := false
		for _, c := range conds {
			want = want || c.lo <= hi && lo <= c.hi
		}
		if got := fl.overlaps(lo, hi); got != want {
			t.Fatalf("overlaps(%d, %d) = %v, want %v", lo, hi, got, want)
		}
		// stab: every range holding x, once, handed straight (a clause
		// beside each, a number in no array).
		if !directRests {
			return
		}
		mt := New(Config{}).NewMatcher()
		mt.firedMark = make([]uint8, len(conds))
		mt.mark, mt.marks = 1, true
		mt.direct = mt.direct[:0]
		key := uint64(x)
		mt.stabFlat(fl, key, nil, -1)
		var got, wantP []int32
		for _, c := range mt.direct {
			got = append(got, c.pred)
		}
		for _, c := range conds {
			if c.lo <= key && key <= c.hi {
				wantP = append(wantP, c.pred)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, wantP) {
			t.Fatalf("stab %d: got %v, want %v", key, got, wantP)
		}
	})
}
