package automaton

import (
	"cmp"
	"encoding/binary"
	"hash/maphash"
	"slices"

	"github.com/patternc/patternc/compiler"
)

// pathStat is a path's counts as anchorCost reads them: the fields of
// distinct clauses that name it (Machine.pathRefs) and the distinct keys
// its tries hold (Machine.pathVals).
type pathStat struct{ refs, vals int32 }

// planPathStats returns the counts each path of ps will have once all of
// ps is added to an empty machine (AddAll), for anchorCost to weigh
// anchors by the whole rule set while the set is added one pattern at a
// time. Without them the first clauses of a kind were anchored by the
// counts of the few before them: at mixed-10000 the first EC2 rules saw
// one or two instance-id prefixes, which made a prefix look as common as
// a state pair, and anchored on their state pairs, where every EC2 event
// then read some four lists of one to three entries beside the prefix's
// (the S3 and order rules alike). The keys are counted as placeCondition
// puts them (one per value, an anything-but's exclusions included; a
// numeric predicate counts one, as addCondition counts it), and the
// fields of each pattern's clauses as refFields counts them
// (TestPlanPathStats). It sees only the rules, as the estimator does:
// it weighs each clause as a machine of the whole set would, the same
// answer whichever order the set comes in, which is what a user's rule
// set loaded at start-up needs too.
//
// Measured at mixed-10000 (on the need order, needorder.go): per event,
// fired lists 3.60 -> 2.14, anchor entries read 17.8 -> 14.2, candidates
// 2.38 -> 2.18 (EC2 events 5.3 -> 1.0 lists, 19.3 -> 12.3 entries; S3
// 2.0 -> 1.0 lists, 13.2 -> 4.0 entries, 1.46 -> 1.00 candidates; orders
// 2.2 -> 1.0 lists); callgrind (5000 events) MatchTrusted 8215 -> 8046
// instructions, listAnchors 689 -> 541, conditional mispredicts 126.5
// -> 123.5 (EC2 events alone 4882 -> 4496, listAnchors 758 -> 374,
// mispredicts 50.8 -> 43.9); paired thread CPU (bench-like harness,
// 1500 pairs of 4096 events, load 9-17), on-off median (q1, q3) ns per
// event of about 1100: trusted -28.6 (-140, +70) ab / -66.7 (-201, +68)
// ba, Match -38.9 (-215, +113) ab / -52.0 (-228, +117) ba. The count
// is one pass over the fields, about as long as planPredIDs's (exact-
// 100000: some 50 ms of an AddAll of about 3 s; bytes per pattern 691,
// unchanged: the counts go when AddAll returns).
func planPathStats(ps []*compiler.Pattern) map[inputPath]pathStat {
	// Keys are known by their hash, which allocates nothing, and counted
	// once sorted, each hash with the path it was met at: two of one hash
	// count once. A set of the hashes (a map, as planPredIDs counts) made
	// the count of 100 000 exact patterns take 40-43 ms (median of 15,
	// alternated in one process), sorted 33 ms, of an AddAll of some
	// 300 ms; the rest is reading the patterns, a few cache misses each.
	idx := map[inputPath]int32{}
	var stats []pathStat
	var paths []inputPath
	keys := make([]pathKeyHash, 0, len(ps))
	seed := maphash.MakeSeed()
	var buf, key []byte
	cur := int32(-1) // the field's path, while its field is read
	val := func(input int, path string, kind byte, v []byte, text string) {
		key = append(key[:0], byte(input))
		key = binary.AppendUvarint(key, uint64(len(path)))
		key = append(append(append(append(key, path...), kind), v...), text...)
		keys = append(keys, pathKeyHash{maphash.Bytes(seed, key), cur})
	}
	for _, p := range ps {
		input, _ := inputOf(p.Dialect)
		for ci := range p.Clauses {
			cl := &p.Clauses[ci]
			for fi := range cl.Fields {
				f := &cl.Fields[fi]
				k := inputPath{input, f.Path}
				if cur < 0 || paths[cur] != k {
					i, ok := idx[k]
					if !ok {
						i = int32(len(paths))
						idx[k] = i
						paths, stats = append(paths, k), append(stats, pathStat{})
					}
					cur = i
				}
				stats[cur].refs++
				numeric := false
				for i := range f.Conds {
					c := &f.Conds[i]
					switch c.Op {
					case compiler.OpEquals:
						buf = appendLiteralKey(buf[:0], &c.Value)
						val(input, f.Path, '=', buf, "")
					case compiler.OpPrefix, compiler.OpSuffix, compiler.OpEqualsIgnoreCase:
						val(input, f.Path, byte(c.Op)<<1|boolByte(c.IgnoreCase), nil, c.Text)
					case compiler.OpWildcard:
						buf = appendGlob(buf[:0], c.Glob)
						val(input, f.Path, 'w', buf, "")
					case compiler.OpCIDR:
						val(input, f.Path, 'c', nil, c.Prefix.String())
					case compiler.OpNumeric:
						numeric = true
					case compiler.OpAnythingBut:
						for j := range c.Exclude.Values {
							buf = appendLiteralKey(buf[:0], &c.Exclude.Values[j])
							val(input, f.Path, '=', buf, "")
						}
						for _, t := range c.Exclude.Texts {
							val(input, f.Path, byte(c.Exclude.Op)<<1, nil, t)
						}
						for _, g := range c.Exclude.Globs {
							buf = appendGlob(buf[:0], g)
							val(input, f.Path, 'w', buf, "")
						}
					}
				}
				if numeric {
					// One per numeric predicate (addCondition).
					buf, _ = appendPredKey(buf[:0], input, f)
					val(input, f.Path, 'n', buf, "")
				}
			}
		}
	}
	slices.SortFunc(keys, func(a, b pathKeyHash) int { return cmp.Compare(a.h, b.h) })
	for i, k := range keys {
		if i == 0 || k.h != keys[i-1].h {
			stats[k.path].vals++
		}
	}
	out := make(map[inputPath]pathStat, len(paths))
	for i, k := range paths {
		out[k] = stats[i]
	}
	return out
}

// pathKeyHash is a key planPathStats met: its hash and its path's index.
type pathKeyHash struct {
	h    uint64
	path int32
}
