package automaton

import "unsafe"

// Runs of members nobody matches, passed as one. Events of one kind lay
// out their envelope the same way, and most of its members hold strings
// of the same length every time (an EventBridge version, id, account,
// time, region): between "source" and "detail", account, time, region
// and resources are four turns of passMembers' loop, each a guessed
// name, a word loop over the string and the ',"' after it. A run keeps
// those bytes as they lay last time, from the ':' after the run's first
// name to the name after its last (to its ':', or its '"' where it was
// not guessed): every byte but the strings' contents must be the same
// (the names, quotes, colons, commas and empty arrays), and a content
// byte must be neither a quote nor a backslash. Where the input's bytes
// pass that test the members are the same members, in the same places
// (the quotes delimit the same strings, none of them escapes anything),
// and passMembers goes on after them.
//
// A run is learned where passMembers guesses a name nobody matches that
// has none yet (learnRun): it reads on from there as passMembers would,
// as long as each value is a plain ASCII string or [] and the name after
// it the guessed one, nobody's (or one somebody matches whose string the
// run can stamp for, learnRun); two members or more, at most
// memberRunMax bytes, make a run. A run that fails its test often (the
// strings' lengths vary) is dropped for good (runNone). The test is
// runBytesAVX2's, 32 bytes a step, or runBytesAVX512's, 64 (in-process
// A/B, on-off median of 600 rounds: mixed-10000 trusted -0.79 and
// -0.49 %, escapes-unicode -0.19 %); without AVX2 (and on other
// targets, or with -tags purego) there are no runs.
//
// escapes-unicode's envelope is two runs (version, id, detail-type;
// account, time, region, resources): callgrind trusted 3791 -> 3562
// instr/event (passMembers and its string scans 1616 -> 1163, passRun
// and the kernel 222); in-process A/B on-off median, 300 rounds:
// escapes-unicode trusted -3.43 % (q1 -6.55, q3 -1.23) and -2.24 with
// the run byte kept apart (below), -2.49, -3.09 (-7.55, +1.35), -1.92
// as it is; multi-field -1.13, -1.17, -0.11 (3956 instr/event from
// 4000); exact -0.71, -0.76, -0.64 (1608 from 1579: the run byte tested
// on every guessed name); mixed-10000 +0.39, +0.51 (200 rounds; 7768
// from 7788); cloudtrail-large +0.95, +0.55 (150 rounds; 18514 from
// 18472); Match, which has no runs, escapes-unicode -0.16, mixed-10000
// +0.74. Measured and lost: the same test a word at a time in Go
// (q-ones &^ q for the quotes and backslashes, under a mask of the free
// bytes), passRun 626 instr/event for the 18 words of the two runs,
// 3791 -> 4016, escapes-unicode +3.37 / +4.00 %; passRun called with
// the index and node kept across the call (returned only on a pass):
// Go spilled both at every guessed name (exact +67 instr/event); the
// run byte kept apart (nameMemo.runOf[node]) and tested where the value
// of any name nobody matches begins: exact +32.
//
// As it is now (runs ending at a guessed name's value, holding source:
// learnRun), escapes-unicode's envelope is one run of 177 bytes:
// callgrind trusted instr/event 3791 -> 3259 (branch-sim mispredicts
// 37.9 -> 34.1 an event, D1 read misses 15.6 both), multi-field 4000 ->
// 3922, mixed-10000 7788 -> 7784, exact 1579 -> 1609, cloudtrail-large
// 18472 -> 18538; A/B on-off median of all runs against none (a knob at
// passMembers' test of the run byte): escapes-unicode trusted -6.58 %
// (q1 -9.62, q3 -3.46), -6.13 (-8.78, -3.39), 300 rounds; multi-field
// -1.13, exact -0.69 (300), mixed-10000 +0.49 (200), cloudtrail-large
// +0.11 (150); Match escapes-unicode +0.40 (200; no runs there).

// Measured and not merged (mixed-10000, whose corpus never puts two
// events of a kind in a row): a run holding detail-type kept as that
// kind's run when another kind fails it, one run per kind picked by the
// 8 bytes at its first matched string (a 64-entry table, the kernel
// confirming): callgrind trusted mixed-10000 7778 -> 7659 instr/event,
// multi-field 3931 -> 3522, but mixed's D1 read misses 83.2 -> 86.5 and
// model I1 misses 44.9 -> 55.0 per event; A/B on-off median, mixed-10000
// trusted +0.43, +0.21, +0.72 % (300 rounds), multi-field -4.86, -5.14,
// -4.04 %. Mixed's runs do pass (after version 9 events in 10, after
// account all) but are short (id; time): source and region cannot join
// a run, their values stamping more than one predicate.

// Measured and not kept: runs over integers too (a number of digits
// alone, its bytes a third mask the kernels test for digits: the
// imageId, minCount and maxCount of a CloudTrail call's instance items,
// a run an item): callgrind cloudtrail-large trusted 20494 -> 20045
// instr/event (passMembers 6627 -> 5036, passRun and the AVX2 kernel
// 618 -> 1650); in-process A/B, on-off median of 400 rounds (the new
// kernels both ways, the knob at learnRun), cloudtrail-large -1.18 %,
// mixed-10000 -0.14 and -0.44 %, escapes-unicode -0.24 %, less the
// digit test every run's blocks would then pay.

// memberRunMax is the most bytes a run holds (eight blocks of 32).
const memberRunMax = 256

// memberRuns is how many runs a memo keeps.
const memberRuns = 16

// memberRunTries is how many failed learns a memo allows before each
// marks its node runNone.
const memberRunTries = 64

// runNone marks a node with no run to learn or keep: a name somebody
// matches, one whose learns failed, or whose run was dropped.
const runNone = 0xFF

// run returns the run after name node nd: 1 + its index in
// nameMemo.runs, 0 where none is learned yet, or runNone.
func (nd *nameNode) run() uint8 { return nd.firsts[0] }

// setRun sets the run after name node nd.
func (nd *nameNode) setRun(r uint8) { nd.firsts[0] = r }

// A memberRun is one run's bytes (see above), laid out for
// runBytesAVX2: tmpl at 0, care at 256, free at 288.
type memberRun struct {
	tmpl  [memberRunMax]byte        // the bytes as they lay
	care  [memberRunMax / 32]uint32 // a bit per byte that must be equal
	free  [memberRunMax / 32]uint32 // a bit per byte of a string's contents
	n     uint16                    // the run's bytes
	nb    uint8                     // its blocks of 32
	first uint8                     // the node whose run it is
	last  uint8                     // the node of its last name
	// toValue: the run holds the name after its last value too, and
	// ends at that name's ':'.
	toValue bool
	// named is how many strings somebody matches the run holds (all
	// their bytes care), and preds the predicates they stamp.
	named uint8
	preds [memberRunNamed]int32
	// score is lowered by a failed test and raised by a pass; below
	// zero the run is dropped.
	score int8
}

var _ [0]struct{} = [unsafe.Offsetof(memberRun{}.care) - 256]struct{}{}
var _ [0]struct{} = [unsafe.Offsetof(memberRun{}.free) - 288]struct{}{}

// test tells whether b, the run's blocks, passes the run's test: its
// care bytes those of tmpl, no quote or backslash among its free ones.
// It is the definition of runBytesAVX2.
func (t *memberRun) test(b []byte) bool {
	for c := 0; c < len(b) && c < memberRunMax; c++ {
		bit := uint32(1) << (c % 32)
		if t.care[c/32]&bit != 0 && b[c] != t.tmpl[c] {
			return false
		}
		if t.free[c/32]&bit != 0 && (b[c] == '"' || b[c] == '\\') {
			return false
		}
	}
	return true
}

// What passRun found.
const (
	runFailed  = iota // the input's bytes are not the run's
	runAtName         // passed, up to the '"' of the name after it
	runAtValue        // passed, and the name after it: at its ':'
	runLearned        // learned (learnRun)
)

// memberRunNamed is the most strings somebody matches a run holds.
const memberRunNamed = 2

// passRun passes the run after node first (its run(); 0: none
// learned yet, learnRun) at d[i], the ':' after first's name: it returns
// where the run ends and the node of the last name it holds, with
// runAtName or runAtValue (memberRun.toValue); i, first and runFailed
// where the input's bytes are not the run's. (The index and node handed
// back either way, passMembers keeps neither across the call: with them
// kept, Go spilled both at every name, 18 instructions an event on
// exact.) (Measured and neutral: this function's test and pass in one
// assembly kernel called from passMembers, learning and dropping left to
// a Go call: callgrind escapes-unicode trusted 3522 -> 3466 instr/event
// in the A/B build; A/B on-off median -0.03 / -0.13 % (300 rounds),
// multi-field +0.17, mixed-10000 +0.27, cloudtrail-large +0.14.)
//
//go:noinline
func (mm *nameMemo) passRun(d []byte, i int, sc *scope, first uint8) (int, uint8, int) {
	nd := &mm.nodes[first]
	r := nd.run()
	if r == 0 {
		if _, _, at := mm.learnRun(d, i, sc, first); at == runFailed {
			return i, first, runFailed
		}
		r = nd.run() // learned from these bytes: passed below
	}
	t := &mm.runs[(r-1)%memberRuns]
	nb := int(t.nb)
	if i < 0 || nb == 0 || nb > memberRunMax/32 || i+32*nb > len(d) {
		return i, first, runFailed
	}
	if t.named > 0 && (len(mm.m.stack) > 0 || mm.left > 0 && mm.left <= int32(t.named)) {
		// Its strings at pattern paths matched otherwise (in an array),
		// or one of them the last name the object needs: passMembers
		// reads them, and the run is learned again without them.
		return mm.plainRun(t, i, first)
	}
	if !runBytes(&d[i], t, nb) { // i+32*nb <= len(d)
		if t.named > 0 {
			// Another value at a pattern path (events of several
			// kinds): learned again without them.
			return mm.plainRun(t, i, first)
		}
		if t.score -= 4; t.score < 0 {
			nd.setRun(runNone)
			t.nb = 0 // free
		}
		return i, first, runFailed
	}
	if t.score < 16 {
		t.score++
	}
	if t.named > 0 {
		mm.stampNamed(t)
	}
	if t.toValue {
		return i + int(t.n), t.last, runAtValue
	}
	return i + int(t.n), t.last, runAtName
}

// plainRun frees run t of node first, which holds strings somebody
// matches, for learnRun to learn the run after first again without
// them (nameMemo.plainRuns), and returns runFailed.
func (mm *nameMemo) plainRun(t *memberRun, i int, first uint8) (int, uint8, int) {
	mm.freeRunOf(t)
	mm.plainRuns[first/64] |= 1 << (first % 64)
	return i, first, runFailed
}

// stampNamed stamps the predicates of run t's strings somebody matches,
// the free leaf's hits as plainString's, and counts their names in left.
// (hit itself, not the in-line form the string matchers write out: a
// pass with named strings happens once an event at most.)
func (mm *nameMemo) stampNamed(t *memberRun) {
	for _, p := range t.preds[:min(int(t.named), len(t.preds))] {
		if p >= 0 {
			mm.m.hit(p, 0)
		}
	}
	mm.left -= int32(t.named)
}

// forgetRuns frees the run of node k, and the runs whose last name is
// k's and that end at its value (toValue: passMembers takes k's entry
// and pm from the node), where k is given another name. The node each
// freed run was learned at no longer names it (freeRun may hand its
// slot to another node's run, which passRun would then test this
// node's input against, and pass with that run's entry and stamps), and
// learns its run again.
func (mm *nameMemo) forgetRuns(k uint8) {
	mm.plainRuns[k/64] &^= 1 << (k % 64)
	if r := mm.nodes[k].run(); k >= memoNames && r != 0 && r != runNone {
		mm.freeRunOf(&mm.runs[(r-1)%memberRuns])
	}
	for r := range mm.runs[:mm.nruns] {
		if t := &mm.runs[r]; t.nb != 0 && t.last == k && t.toValue {
			mm.freeRunOf(t)
		}
	}
}

// freeRunOf frees run t and unsets it on the node it was learned at.
func (mm *nameMemo) freeRunOf(t *memberRun) {
	t.nb = 0
	mm.nodes[t.first].setRun(0)
}

// learnRun learns the run from d[i], the ':' after the name of node
// first (see above), and returns runLearned, for passRun to pass it; or
// returns runFailed, and marks first runNone once the memo has tried
// memberRunTries (the first event has not linked its names yet). A run
// holds up to memberRunNamed strings somebody matches, where the path's
// table alone reads them and they stamp one predicate or none
// (namedString): all their bytes care, and passRun stamps the
// predicate (stampNamed) and counts the name as passMembers would
// (an envelope's source). Such a run that fails (events of several
// kinds, whose sources differ) is learned again without them
// (plainRun). (Callgrind trusted instr/event, against runs without
// them: escapes-unicode 3532 -> 3259, its two runs and source one run
// of 177 bytes; multi-field 3918 -> 3920, mixed-10000 7789 -> 7787,
// exact 1608 -> 1609, cloudtrail-large 18532 both; A/B on-off median
// escapes-unicode -3.80 % (q1 -5.99, q3 -1.46), -2.97 (300 rounds),
// multi-field -0.47, mixed-10000 -0.43 (200), exact -0.61,
// cloudtrail-large +0.57 (150). Without plainRun, the runs holding a
// detail-type dropped for good: multi-field 3918 -> 4044.)
//
// A run ends at the name after its last value where that name is
// guessed (the name somebody matches that ends most runs: an envelope's
// detail), so that passMembers goes on at its value, else at the name's
// quote. (Against runs that all
// end at the quote, the next name then guessed by passMembers: callgrind
// trusted instr/event escapes-unicode 3579 -> 3506, multi-field 3964 ->
// 3904, mixed-10000 7777 -> 7713, cloudtrail-large 18531 -> 18454, exact
// 1608 both; A/B on-off median escapes-unicode -0.69, -0.60, -0.27 %
// (300 rounds), multi-field -1.97, mixed-10000 -0.68 (200), exact -0.76
// (the same code both ways), cloudtrail-large -0.17 (150).)
func (mm *nameMemo) learnRun(d []byte, i int, sc *scope, first uint8) (int, uint8, int) {
	slot := mm.freeRun()
	if !runsOn || slot < 0 || first < memoNames {
		mm.nodes[first].setRun(runNone)
		return i, first, runFailed
	}
	end, last, members, toValue := -1, uint8(0), 0, false
	cur, j, curNamed := first, i, false
	var free [memberRunMax]bool
	var preds [memberRunNamed]int32
	named := 0
	for j-i < memberRunMax {
		// At the ':' after cur's name: its value.
		if j+3 > len(d) || d[j] != ':' {
			break
		}
		if curNamed {
			// A string somebody matches, whose bytes then all care.
			if named == len(preds) || mm.plainRuns[first/64]>>(first%64)&1 != 0 {
				break
			}
			p, k := mm.namedString(d, j, mm.nodes[cur].pm)
			if k < 0 {
				break
			}
			preds[named] = p
			named++
			j = k
		} else {
			switch d[j+1] {
			case '"':
				k := asciiRunEnd(d, j+2)
				if k >= len(d) || d[k] != '"' || k-i >= len(free) {
					k = -1
				} else {
					for c := j + 2; c < k; c++ {
						free[c-i] = true
					}
				}
				j = k + 1
			case '[':
				j += 3
				if d[j-1] != ']' {
					j = 0
				}
			default:
				j = 0
			}
		}
		if j <= 0 || j+2 > len(d) || d[j] != ',' || d[j+1] != '"' || j+1-i > memberRunMax {
			break
		}
		end, last, toValue = j+1, cur, false
		members++
		// The name after it: the guessed one, ending the run where
		// somebody matches it.
		g := mm.nodes[cur].next
		nd := &mm.nodes[g]
		s := j + 2
		if g < memoNames || nd.sc != sc || nd.m0 == 0 || s+16 > len(d) || s+int(nd.n)-i > memberRunMax ||
			(load64(d, s)&nd.m0^nd.w0)|(load64(d, s+8)&nd.m1^nd.w1) != 0 { // s+16 <= len(d)
			break
		}
		end, last, toValue = s+int(nd.n), g, true
		cur, j, curNamed = g, s+int(nd.n), nd.e != nil
	}
	nb := (end - i + 31) / 32
	if members < 2 || i+32*nb > len(d) {
		if mm.runTries++; mm.runTries > memberRunTries {
			mm.nodes[first].setRun(runNone)
		}
		return i, first, runFailed
	}
	t := &mm.runs[slot]
	*t = memberRun{n: uint16(end - i), nb: uint8(nb), first: first, last: last, toValue: toValue, score: 8, named: uint8(named), preds: preds}
	for c := 0; c < end-i; c++ {
		if bit := uint32(1) << (c % 32); free[c] {
			t.free[c/32] |= bit
		} else {
			t.care[c/32] |= bit
			t.tmpl[c] = d[i+c]
		}
	}
	mm.nruns = max(mm.nruns, uint8(slot+1))
	mm.nodes[first].setRun(uint8(slot + 1))
	return end, last, runLearned
}

// namedString returns, for the string at d[j+1] (d[j] is ':'), a member's
// value at pattern path pm, the index after it and its ',', and the
// predicate it stamps (-1: none): where plainString would find it in the
// path's table alone (pm.leafSlots, no array open) and stamp one
// predicate or none, its mark being plain, so that a run holding it
// stamps that predicate in its place (passRun). -1 for the index
// otherwise.
func (mm *nameMemo) namedString(d []byte, j int, pm *pathMatcher) (int32, int) {
	if pm == nil || pm.leafSlots == nil || len(mm.m.stack) > 0 || j+2 > len(d) || d[j+1] != '"' {
		return -1, -1
	}
	k := asciiRunEnd(d, j+2)
	if k+3 > len(d) || d[k] != '"' || d[k+1] != ',' || d[k+2] != '"' {
		return -1, -1
	}
	p := int32(-1)
	if s := pm.leafFind(d[j+2 : k]); s != nil {
		if p = s.one; p < 0 {
			return -1, -1
		}
	}
	return p, k + 1
}

// freeRun returns the index of a run to learn: the next one, else one
// freed (nb 0); -1 where all are in use.
func (mm *nameMemo) freeRun() int {
	if mm.nruns < memberRuns {
		return int(mm.nruns)
	}
	for r := range mm.runs {
		if mm.runs[r].nb == 0 {
			return r
		}
	}
	return -1
}
