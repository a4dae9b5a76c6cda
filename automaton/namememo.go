package automaton

import "math/bits"

// A nameMemo remembers, per Matcher, the member names Match and
// MatchTrusted have read by words and what each one was in its scope,
// linked in the order they came: events of one kind lay their members
// out the same way (an EventBridge envelope is version, id, detail-type,
// source, account, time, region, resources, detail, every time), so the
// name after a known one is most often the one that came after it last
// time. passMembers (and validObject, Match's member loop) compares the
// next name with that guess in one step (two words under masks, against
// bytes loaded before the guess is known), and only where the guess
// fails finds the end of the name and looks it up in the scope's table,
// and then remembers it.
//
// A node holds a name read by words: no backslash, control character,
// dot or byte over 0x7F, and at most 15 bytes, so that the name and its
// closing quote fit the two words (and only that name's bytes followed by
// the quote equal them). The scope it was read in is kept with it, and a
// guess counts only in that scope: a published scope does not change (a
// write copies it, ownScope), so its entry for the name stays right; a
// node of another scope or snapshot is a wrong guess, no more. Nodes
// hold their scopes and entries, which keeps an old snapshot's scopes
// alive while a node of this Matcher names them. A memo is 29 KB (8 KB
// of it long names' tails, 5.3 KB runs of members, memberrun.go), made
// at a Matcher's first match (Match's validObject guesses names too).
//
// At mixed-10000 the guessed node is the line that misses most where
// events of one kind follow another's (callgrind trusted, cache
// simulated, 5000 events at dbcea42: the guess's compare 4.3 L1 misses
// an event as the corpus comes, 0.2 sorted by kind, 0.8 with a 96 KB
// L1; the corpus uses 74 nodes). Loading, on a hit, a byte of the node
// guessed after the next (a touch nothing waits on) moved the misses off
// the compare (2.2 left there; touching two names ahead, 0.8) without a
// gain by the clock (bench-like paired harness, fastjson interleaved,
// 2000 pairs, load 8-14: one ahead trusted -5 ns/event, Match +15; two
// ahead +27 and +6).
type nameMemo struct {
	nodes [256]nameNode
	// tails[k] is the rest of node k's long name (see long), where its
	// n is set.
	tails [256]longTail
	// m is the Matcher whose memo this is, and left the count of names
	// its object still needs (object's left), for passMembers: on its
	// way through a string at a pattern path it matches the string
	// (m.plainString, m.stringTrusted) and counts the name, each from
	// here, where two more values kept in its loop cost it registers on
	// every name (multi-field trusted: 4071 instr/event from here, 4132
	// with both passed in and out).
	m    *Matcher
	left int32
	// runs are the runs of members nobody matches (memberrun.go),
	// nruns of them learned; runTries counts the learns that failed.
	runs     [memberRuns]memberRun
	nruns    uint8
	runTries uint16
	// plainRuns has a bit per node whose runs hold no strings somebody
	// matches (one that did failed).
	plainRuns [4]uint64
}

// A longTail is a long name's bytes 16 to 31, the name's end and its
// closing quote, under masks (zero above the quote), as a name node's
// first two words are its first sixteen bytes.
type longTail struct {
	w2, w3 uint64
	m2, m3 uint64
}

// A nameNode is one remembered name (or, below memoNames, the start of a
// scope's objects, or the sink). next is the node of the name that
// followed it last time.
type nameNode struct {
	w0, w1 uint64     // the name and its closing quote, zero above
	m0, m1 uint64     // 0xFF over those bytes in w0, w1
	sc     *scope     // the scope it was read in (nil: no name)
	e      *pathEntry // its entry there (nil: nobody matches it)
	n      uint8      // its length with the quote (at most 16)
	next   uint8
	// alt (a name's) is the name that followed it before next: where
	// objects of two layouts share a name (an order's orderId, a
	// CloudTrail userIdentity's type), the name after it takes turns,
	// and a second guess is a compare where learning it again was a
	// lookup and a search of the nodes.
	alt uint8
	// firsts (a start's) are the names that began its scope's objects
	// lately, the latest first: objects of several kinds, each its own
	// first name (an EventBridge detail), take turns. A name's first
	// byte is its run (run, memberrun.go): a name has no firsts, and
	// the byte lies in the line passMembers' guess has just read.
	firsts [memoFirsts]uint8
	// pm (a name's) is e.pm, where e counts towards need (not
	// uncounted; only a dotted name's entry, which no node holds, is
	// uncounted with a pm), else nil: passMembers matches a string at a
	// pattern path from the node's line, which the guess has just read,
	// without loading e's. Its last word, in the node's line where the
	// memo is aligned (alignedMemo). Callgrind, mixed-10000 trusted, L1
	// cache simulated (32 KB 8-way), 10 000 events, before/after:
	// passMembers' read misses 11.0 -> 9.4 an event, all 89.0 -> 84.4
	// (the entry's line, 2.9 misses an event, is left to the members
	// that are not strings); multi-field 15.2 -> 14.2, escapes-unicode
	// 16.0 -> 15.8, Match (alignment alone) 87.8 -> 87.6; instructions
	// 7927 -> 7921, 3997 -> 4000, 3900 -> 3911 an event. In-process A/B
	// of two Matchers (a knob in passMembers and the memo's alignment),
	// on-off median of 500-800 whole-corpus rounds, quartiles about
	// +-3..5 % (+-4..19 % under a load of 3-4): mixed-10000 trusted,
	// seventeen runs, -2.62 (q3 -0.30), -1.80, -1.67, -1.38, -1.36,
	// -1.29, -1.20, -0.89, -0.83, -0.75, -0.67, -0.58, -0.46, +0.07,
	// +0.09, +0.24, +0.30 %: a median of -0.8 %, within the quartiles;
	// Match -0.72, -0.54, -0.49, -0.28, +0.01, +0.42 %; multi-field
	// trusted -1.96, -1.50, -1.20, -0.08 %; escapes-unicode -0.64,
	// -0.56, -0.31, -0.07 %.
	pm *pathMatcher
}

// A name of 16 bytes or more has a node too (long), so that the name
// after it is guessed: the sink before it took the names after every
// long name, and a CloudTrail event, with a dozen (recipientAccountId,
// responseElements), learned four names an event again. Its words are
// the name's first sixteen bytes (x, y: no stop in them), its masks
// zero: no bytes equal them under the masks (a name's first word is not
// zero), so it is never a guess, and no name learns it (no quote in its
// words). Long names that share their first sixteen bytes in a scope
// share a node: a worse guess, no more. It is linked after prev as a
// name is, and found there first.
func (mm *nameMemo) long(prev uint8, sc *scope, x, y uint64) uint8 {
	if g := mm.nodes[prev].next; mm.nodes[g].w0 == x && mm.nodes[g].w1 == y && mm.nodes[g].sc == sc {
		return g
	}
	hh, _ := bits.Mul64((x^y+uint64(sc.id)<<56)*hashMul, uint64(len(mm.nodes)-memoNames))
	k, found := mm.place(uint(hh), sc, x, y)
	if !found {
		mm.forgetRuns(k)
		mm.nodes[k] = nameNode{w0: x, w1: y, sc: sc}
	}
	mm.link(prev, k)
	return k
}

// setTail gives long name node k, new (its n unset), the rest of the
// name d[start:start+n] and its entry e, which slowName found for it, so
// that passMembers guesses the name as it does a short one: it compares
// the first sixteen bytes with the node's words and the next sixteen,
// up to the quote, with the tail. Only a name of 16 to 31 bytes with no
// quote, backslash, dot or control character among them is kept (as a
// short one: its bytes read it whole, and its entry is the scope's), and
// only where the 32 bytes lie in d. mixed-10000 met 1.4 long names an
// event (a CloudTrail detail's recipientAccountId, requestParameters),
// each read by slowName (readLong) after a return to object.
func (mm *nameMemo) setTail(k uint8, d []byte, start, n int, e *pathEntry) {
	if n < 16 || n > 31 || start < 0 || start+32 > len(d) || d[start+n] != '"' {
		return
	}
	for j := start + 16; j < start+n; j++ {
		if c := d[j]; c == '"' || c == '\\' || c == '.' || c < 0x20 {
			return
		}
	}
	b := uint(n + 1 - 16) // the tail's bytes with the quote: 1 to 16
	t := &mm.tails[k]
	t.m2, t.m3 = ^uint64(0), 0
	if b < 8 {
		t.m2 = 1<<(8*b) - 1
	} else if b > 8 {
		t.m3 = 1<<(8*(b-8)) - 1 // all ones for b == 16
	}
	t.w2, t.w3 = load64(d, start+16)&t.m2, load64(d, start+24)&t.m3 // start+32 <= len(d)
	nd := &mm.nodes[k]
	nd.e, nd.pm, nd.n = e, entryPM(e), uint8(n+1)
	if e != nil {
		nd.setRun(runNone)
	}
}

const (
	// memoSink is the node after a name read otherwise than by words:
	// what follows it links from here, to no effect.
	memoSink = 0
	// Nodes 1 to memoNames-1 start the objects of scopes, by scope id;
	// names go in the rest.
	memoNames = 16
	// memoProbe is how many nodes a name is looked for in.
	memoProbe = 4
	// memoFirsts is how many first names a start keeps: an EventBridge
	// detail in the mixed corpus begins with one of five (four learned
	// one name an event again). Six filled a node to 64 bytes; five
	// leave the room of a name's pm, and learn the same (mixed-10000
	// trusted, 10 000 events: 1032 learns with six, 1031 with five).
	memoFirsts = 5
)

// entryPM is the pm of a name node whose entry is e (nameNode.pm).
func entryPM(e *pathEntry) *pathMatcher {
	if e == nil || e.uncounted {
		return nil
	}
	return e.pm
}

// alignedMemo puts a nameMemo's nodes on cache lines. A memo is an
// object of pointers between 512 bytes and 32 KB, which the runtime
// gives an 8-byte header before it (Go 1.22's malloc headers), in a
// size class of whole lines: a bare memo's nodes began 8 bytes into a
// line, and each lay across two, its last 8 bytes in the next. The pad
// puts the memo at the next line (TestMemoAligned), so that a node is
// one line and nameNode.pm, its last word, shares the guess's line. (In
// the same size class: 32768 bytes, with the header or without.) The
// alignment alone, each node's fields as before: clock neutral
// (in-process A/B, mixed-10000 trusted, 600 rounds twice: -0.12 %,
// +0.15 %).
type alignedMemo struct {
	_  [64 - 8]byte
	mm nameMemo
}

// newMemo makes Matcher mt's memo (at its first object, scan).
func newMemo(mt *Matcher) *nameMemo {
	a := &alignedMemo{}
	a.mm.m = mt
	return &a.mm
}

// memoStart is the node before the first member of an object of scope sc.
//
// Its read of the scope, whose line nothing else on the guessed names'
// way loads, was an L1 miss 0.87 times an event at mixed-10000 (trusted,
// callgrind cache simulation). Measured and lost: the start chosen from
// the scope's address (multiply-high, no load): L1 read misses 83.4 ->
// 80.7 an event, but 7942 -> 8008 instr/event, scopes sharing start
// nodes taking turns at their next and firsts; with 31 start nodes in
// place of 15, names learned 1032 -> 9028 times in 10 000 events (8372
// instr/event). Ids (setID) give the usual few scopes starts of their
// own.
func memoStart(sc *scope) uint8 {
	return sc.memo
}

// learn remembers the name of n <= 15 bytes whose first
// words, zero above the name, are w0 and w1, read in scope sc, where e is
// its entry, as the name after node prev; it returns the name's node.
// A name keeps its node, and what followed it, while it stays: it is
// looked for in the memoProbe nodes from one that its first word, length
// and scope choose, and put in the first empty one of them, else in that
// one.
func (mm *nameMemo) learn(prev uint8, sc *scope, e *pathEntry, w0, w1 uint64, n int) uint8 {
	// The quote after the name, and the masks over the name and it.
	var m0, m1 uint64
	if n < 8 {
		w0 |= '"' << (8 * n)
		m0 = 1<<(8*(n+1)) - 1 // all ones for n == 7
	} else {
		w1 |= '"' << (8 * (n - 8))
		m0, m1 = ^uint64(0), 1<<(8*(n-7))-1 // all ones for n == 15
	}
	// The node is chosen by the product's top bits, scaled to the
	// nodes (multiply-high): every bit of the name and the scope moves
	// them. Its middle bits modulo the count left clusters that four
	// probes overran at a quarter full: 0.6 names an event evicted on
	// mixed-10000, now none.
	hh, _ := bits.Mul64((w0+uint64(n)+uint64(sc.id)<<56)*hashMul, uint64(len(mm.nodes)-memoNames))
	k, found := mm.place(uint(hh), sc, w0, w1)
	if !found {
		mm.forgetRuns(k)
		mm.nodes[k] = nameNode{w0: w0, w1: w1, m0: m0, m1: m1, sc: sc, e: e, pm: entryPM(e), n: uint8(n + 1)}
		if e != nil {
			mm.nodes[k].setRun(runNone) // a run holds names nobody matches
		}
	}
	mm.link(prev, k)
	return k
}

// place finds the node of the name whose words are w0 and w1 in scope
// sc among the memoProbe nodes from h (found), or else the node to put
// it in: the first empty one of them, else the one at h. learn and long
// share it: a name of either kind is kept the same way.
func (mm *nameMemo) place(h uint, sc *scope, w0, w1 uint64) (k uint8, found bool) {
	free := uint8(0)
	for p := uint(0); p < memoProbe; p++ {
		k = uint8(memoNames + (h+p)%uint(len(mm.nodes)-memoNames))
		if nd := &mm.nodes[k]; nd.sc == sc && nd.w0 == w0 && nd.w1 == w1 {
			return k, true
		}
		if free == 0 && mm.nodes[k].sc == nil {
			free = k
		}
	}
	if free == 0 {
		free = uint8(memoNames + h%uint(len(mm.nodes)-memoNames))
	}
	return free, false
}

// link makes k the node after prev, and the one that was alt; where
// prev is a start, the latest of its first names.
func (mm *nameMemo) link(prev, k uint8) {
	if nd := &mm.nodes[prev]; nd.next != k {
		nd.next, nd.alt = k, nd.next
	}
	if prev < memoNames {
		f := &mm.nodes[prev].firsts
		if f[0] != k {
			copy(f[1:], f[:len(f)-1])
			f[0] = k
		}
	}
}
