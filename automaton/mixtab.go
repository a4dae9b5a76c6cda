package automaton

// A path whose string branch holds exact values and a few prefixes (the
// mixed corpus's "source": aws.ec2, com.example.orders, ... beside
// {"prefix": "aws."}) gets no exact table (strtab.go: a prefix mark
// anywhere refuses it) and no prefix table (pfxtab.go: exact values
// refuse it), so every event walked the trie for its source. A mixed
// table is the exact table of its end marks plus the prefixes' pass
// marks in a short list: a value fires each prefix it starts with, then
// its exact key's marks by one hashed lookup, as the walk would (pass
// marks above the value's end marks). Callgrind mixed-10000, instr/event:
// walkFrom and child -302, addLeaf, find and mixPrefixes +222 on both
// paths (trusted 9094 -> 9068 for the program, Match 10466 -> 10014 with
// tabSpan's heads lookup); bench-like two-machine paired thread CPU
// (fjpair2m, fastjson interleaved, 400 pairs, both build orders, load
// 8.5-9.9), on-off median: trusted +5.0 / -5.3 ns/event, Match -19.5 /
// -18.3 (quartiles +-100: noise at this load); quiet (load 1.1-1.2,
// 1200 pairs): trusted +9.2 / -11.7 (the build order's bias, so about
// nil), Match -6.4 / -10.0. The table lives in the
// path's affixTab, which such a path leaves unused (no suffix table, no
// prefix table: it has exact values); an escaped string cut to a head
// is still walked (stringTrusted's walkHead).

// mixPfxMax is the most prefixes a mixed table tests one by one.
const mixPfxMax = 8

// A mixPrefix is one prefix of a mixed table and its pass marks.
type mixPrefix struct {
	key  string
	pass []mark
}

// buildMixTab returns the mixed table of the string branch str, nil
// where it holds range marks, more than strTabMax exact values or
// mixPfxMax prefixes, no prefix (the exact table serves that) or no exact
// value (the walk, or the prefix table, serves that).
func buildMixTab(str *node, buf []byte) *strTab {
	if str == nil {
		return nil
	}
	var ks []strSlot
	var ps []mixPrefix
	if !collectExact(str, buf[:0], &ks, strTabMax, &ps) || len(ps) == 0 || len(ks) == 0 {
		return nil
	}
	size := 8
	for size < 2*len(ks)+2 {
		size *= 2
	}
	t := &strTab{slots: make([]strSlot, size), shift: uint8(64 - log2(size)), pfx: ps}
	for _, k := range ks {
		if !t.place(k) {
			return nil
		}
	}
	return t
}

// mixPrefixes fires the pass marks of each prefix of ps that val starts
// with, as walkFrom fires them at the prefix's node.
func (mt *Matcher) mixPrefixes(ps []mixPrefix, val []byte) {
	for i := range ps {
		p := &ps[i]
		if len(val) < len(p.key) || string(val[:len(p.key)]) != p.key {
			continue
		}
		if pass := p.pass; len(pass) == 1 && mt.free && pass[0].verify == verifyNone && pass[0].ab == nil {
			id := pass[0].pred
			if ps := &mt.pred[id]; ps.epoch != mt.epoch {
				mt.firstHit(ps, id)
			} else if mt.hits[ps.head].leaf != 0 {
				mt.hit(id, 0)
			}
		} else {
			mt.fireAll(pass, val)
		}
	}
}
