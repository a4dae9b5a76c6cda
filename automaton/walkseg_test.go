package automaton

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestWalkSegs holds the walks' compare of a seg (walkFrom, walkRev:
// words in line for 4 to 16 bytes, equalRev, memequal otherwise) to the
// reference matcher: prefixes and suffixes that share a head (or a tail)
// of every length from 0 to 20 bytes and go on for 1 to 20 bytes, so
// that the tries hold segs of every length, and values that are the
// keys, the keys cut or grown by a byte, and the keys with one byte
// changed at each place.
func TestWalkSegs(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	text := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abcd"[r.Intn(4)]
		}
		return string(b)
	}
	for _, op := range []string{"prefix", "suffix"} {
		for shared := 0; shared <= 20; shared += 3 {
			m := New(Config{})
			common := text(shared)
			var keys []string
			pats := map[ID]*compiler.Pattern{}
			for k := 0; k < 6; k++ {
				key := common + text(1+r.Intn(20))
				if op == "suffix" {
					key = text(1+r.Intn(20)) + common
				}
				keys = append(keys, key)
				id := ID(fmt.Sprint(k))
				p, err := compiler.Compile([]byte(fmt.Sprintf(`{"v":[{%q:%q}]}`, op, key)), compiler.EventBridge, nil)
				if err != nil {
					t.Fatal(err)
				}
				if err := m.Add(id, p); err != nil {
					t.Fatal(err)
				}
				pats[id] = p
			}
			mt := m.NewMatcher()
			var vals []string
			for _, key := range keys {
				vals = append(vals, key, key[1:], key[:len(key)-1], "x"+key, key+"x")
				for i := range key {
					b := []byte(key)
					b[i] ^= 1
					vals = append(vals, string(b))
				}
			}
			for _, v := range vals {
				ev := []byte(fmt.Sprintf(`{"id":"1","account":"1","source":"s","time":"t","region":"r","detail-type":"d","v":%q}`, v))
				for _, trusted := range []bool{false, true} {
					var got []ID
					var err error
					if trusted {
						got, err = mt.MatchTrusted(nil, ev)
					} else {
						got, err = mt.Match(nil, ev)
					}
					if err != nil {
						t.Fatal(err)
					}
					for id, p := range pats {
						ex, err := compiler.Explain(p, ev)
						if err != nil {
							t.Fatal(err)
						}
						if ex.Matched != slices.Contains(got, id) {
							t.Fatalf("%s %q on %s (trusted %v): reference %v", op, keys[id[0]-'0'], ev, trusted, ex.Matched)
						}
					}
				}
			}
		}
	}
}

// FuzzEqualRev: equalRev agrees with reading v backwards byte by byte.
func FuzzEqualRev(f *testing.F) {
	f.Add([]byte("lang=pt"), []byte("tp=gnal"))
	f.Add([]byte("0123456789abcdefghij"), []byte("jihgfedcba9876543210"))
	f.Fuzz(func(t *testing.T, v, seg []byte) {
		if len(seg) > len(v) {
			seg = seg[:len(v)]
		}
		v = v[:len(seg)]
		rev := slices.Clone(v)
		slices.Reverse(rev)
		if got, want := equalRev(v, string(seg)), string(rev) == string(seg); got != want {
			t.Fatalf("equalRev(%q, %q) = %v, want %v", v, seg, got, want)
		}
		// and a seg that is v reversed, so that equal pairs are common
		if !equalRev(v, string(rev)) {
			t.Fatalf("equalRev(%q, %q) = false", v, rev)
		}
	})
}

// TestChildWide holds child to a scan of the keys on nodes of 1 to 40
// keys, runs of consecutive bytes and scattered ones, for every byte.
func TestChildWide(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	for size := 1; size <= 40; size++ {
		for trial := 0; trial < 20; trial++ {
			set := map[byte]bool{}
			first := byte(r.Intn(256 - size))
			for len(set) < size {
				if trial%4 == 0 {
					set[first+byte(len(set))] = true // a run
				} else {
					set[byte(r.Intn(256))] = true
				}
			}
			var keys []byte
			for b := range set {
				keys = append(keys, b)
			}
			slices.Sort(keys)
			n := &node{keys: string(keys)}
			for range keys {
				n.kids = append(n.kids, &node{})
			}
			for b := 0; b < 256; b++ {
				var want *node
				if k := slices.Index(keys, byte(b)); k >= 0 {
					want = n.kids[k]
				}
				if got := n.child(byte(b)); got != want {
					t.Fatalf("keys % x: child(%#x) is kid %d, want %d", keys, b, slices.Index(n.kids, got), slices.Index(keys, byte(b)))
				}
			}
		}
	}
}
