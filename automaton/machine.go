package automaton

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/patternc/patternc/compiler"
)

// ID names a pattern in a Machine. The runtime uses rule and subscription
// names; callers with numeric ids format them.
type ID string

// Config bounds the machine's work; the zero value means defaults.
type Config struct {
	// MaxStates caps the trie states of the whole machine; an Add that
	// would exceed it fails with a clear error and changes nothing.
	MaxStates int
	// MaxDepth caps the nesting of events read by Match.
	MaxDepth int
	// MaxEventSize caps the size of events read by Match, in bytes.
	MaxEventSize int
}

// Defaults of Config.
const (
	DefaultMaxStates    = 50_000_000
	DefaultMaxDepth     = 1000
	DefaultMaxEventSize = 16 << 20
)

// The inputs a pattern can be matched against: the Machine keeps one
// sub-machine for each, so SNS policies never see events and vice versa.
const (
	inputEvent = iota
	inputAttributes
	inputBody
	numInputs
)

func inputOf(d compiler.Dialect) (int, error) {
	switch d {
	case compiler.EventBridge:
		return inputEvent, nil
	case compiler.SNSAttributes:
		return inputAttributes, nil
	case compiler.SNSBody:
		return inputBody, nil
	}
	return 0, fmt.Errorf("automaton: unknown dialect %v", d)
}

// Machine holds many compiled patterns (any mix of dialects) as one
// automaton. Match is safe for concurrent use and lock-free: it reads an
// immutable snapshot. Add and Delete build the next snapshot and publish it
// atomically; writers are serialised.
type Machine struct {
	cfg      Config
	snap     atomic.Pointer[snapshot]
	matchers sync.Pool // *Matcher of this machine, for Match and MatchPublish

	mu       sync.Mutex // serialises writers; guards everything below
	patterns map[ID]*patternRec
	preds    []*predW // by predicate id
	predKeys map[string]*predW
	clauses  map[string]*clauseW
	predIDs  idAllocator
	// needIDs: the machine has had more than needIDsFrom predicates, and
	// its anchor entries name predicates, no longer masks (anchorNeed).
	needIDs bool
	pats    idAllocator
	scratch writeScratch
	pathIdx map[inputPath]int32 // stable index of a path for matcher scratch
	// By path index: the live fields at each path (of each pattern's
	// clauses), the distinct values its tries hold (see insert), and the
	// path.
	pathRefs  []int32
	pathVals  []int32
	pathNames []inputPath
	// planStats are the counts the paths will have at the end of the
	// AddAll that is loading a rule set (planPathStats), planN its
	// patterns: nil and 0 outside it.
	planStats map[inputPath]pathStat
	planN     int
	// prefixes counts, per input, the pattern paths below each proper
	// prefix of one (see subMachine.index).
	prefixes [numInputs]map[string]int
	// guardCounts are the guards of the clauses below each prefix entry
	// (deadbelow.go).
	guardCounts map[inputPath]*prefixGuards
	paths       idAllocator
	states      int
	gen         uint64 // numbers writes, for trie node ownership

	// rests interns the rests of clauses with kept entries (rests.go).
	rests   map[restKey]*restW
	restIDs idAllocator
}

// snapshot is everything Match reads; it never changes once published.
type snapshot struct {
	sub     [numInputs]*subMachine
	preds   predTable
	predCap int32 // predicate ids are below this
	// predWide counts the predicates with an id at or above 64
	// (idAllocator.wide): none, and the memo keys sets by their mask.
	predWide int32
	patCap   int32
	pathCap  int32
	restCap  int32 // rest ids are below this (rests.go)
	// needIDs: every anchor entry names predicates (Machine.needIDs).
	needIDs bool
}

// subMachine is the automaton for one kind of input.
type subMachine struct {
	// index maps every pattern path (a dotted path) to its value
	// automaton, and every proper prefix of one (at a '.' boundary) to
	// below: one lookup per member tells the scanner whether it is a
	// pattern path, leads to one, or neither.
	index map[string]pathEntry
	// lengths has bit len%64 set for the length of every index key: most
	// members of an event are ruled out without hashing their path.
	lengths uint64
	// root is the scope of the event's top level (members.go).
	root *scope
	// always lists the clauses with no required field (every field
	// allows absence): they are candidates for every input.
	always []*clauseRec
	count  int // patterns
	// For MatchTrusted's early stop (trusted.go): rootNeed is how many
	// distinct member names of the event's top level lead to a pattern
	// path.
	rootNeed int32
}

type pathEntry struct {
	pm    *pathMatcher
	below bool
	// uncounted: the top-level "" where no pattern names it (members.go,
	// topEntry), only the way to the names that start with a dot, and
	// the entry of a dotted name (Matcher.dotEntry): not one of the names
	// MatchTrusted's early stop counts.
	uncounted bool
	// deep: for a prefix, some member it needs is itself an object on
	// the way to pattern paths (innerStopOn stops only such an object).
	deep bool
	// need: for a prefix, how many distinct member names of the object
	// there lead further along a pattern path.
	need int32
	sc   *scope // the object's scope, for a prefix
	// guard: for a prefix, the guards that say its member is dead
	// (deadbelow.go); nil where it has none. (After need, in the
	// bools' padding, the entry stays 32 bytes.)
	guard *entryGuard
}

var _ [0]struct{} = [(int(unsafe.Sizeof(pathEntry{})) - 32) * on64]struct{}{}

// pathMatcher is the value automaton of one path. What the scanner reads
// of it for a leaf comes first, in the record's first cache line (a
// 384-byte size class, so records start on a line): at ten thousand
// rules, where the scan of an event meets some dozen paths and the
// records of the rarer ones have left the cache, the fields a string or
// number leaf reads were spread over four lines of it (layoutLine0).
type pathMatcher struct {
	// Measured and lost (hotfields): the fields a string leaf reads
	// beyond the first line (affixTab, strSeen, eager, cidrs, infixStr,
	// revStr, foldStr, revFoldStr, at bytes 280-367) moved into the
	// first two (hullLo/hullHi and ranges after them, strRebuild's byte
	// to sufLen): callgrind mixed-10000 trusted 7783 -> 7793 instr/event
	// (jump-alignment NOPs), D1 read misses 80.1 -> 78.6 an event
	// (addLeaf -0.6, stab +0.2), escapes-unicode 3798 -> 3802, multi-field
	// 4010 -> 4016 (D1 14.6 -> 14.3); addLeaf 32 bytes shorter. patternc
	// bench, old and new binaries alternated over the default layout and
	// -randlayout 1-7 (173 runs a side): mixed-10000 trusted 1.395 ->
	// 1.381 (-1.0 %; per layout +0.5 -8.0 -1.8 +2.3 +0.1 +1.5 +2.4 +1.9 %,
	// their mean -0.1 %), Match -1.8 %, multi-field trusted -1.2 %,
	// escapes-unicode trusted -1.0 %. With ranges kept at byte 64 and
	// the string fields in the line at 192 (7786 instr/event, D1 78.5):
	// 76 runs a side, mixed-10000 trusted -0.4 %, multi-field Match
	// -1.3 %, escapes-unicode +0.5 %. The layouts' own swing (one binary
	// 8 % apart from the other at one seed) is larger than the gain.
	// leafSlots, set when strTab is all a string leaf meets here (no
	// other trie reads strings, no leaf is recorded: leafTab), are its
	// slots, with its shift, probe and mask (leafShift...) in this
	// line too: object then looks a plain string up without value and
	// addLeaf (tabString), and plainString goes from this line to the
	// slot. The table's own header, read in between, was an L1 miss at
	// ten thousand rules when events of one kind follow another's
	// (mixed-10000 trusted, callgrind with the events shuffled against
	// sorted by kind: 2.0 against 0.05 misses per event).
	leafSlots *strSlot
	// strTab, when set, finds the exact string values of str by hash
	// (strtab.go): a string leaf then needs no walk of str.
	strTab *strTab
	// str is the forward trie's node for strings (its tagString child),
	// and strMore tells that a string needs more than a walk from it
	// (suffixes, folded text, CIDR blocks): the usual string leaf costs
	// one walk and one test.
	str *node
	fwd *node // typed keys: exact values, prefixes, wildcard heads, IPs
	idx int32
	// Derived at commit, so matching does not work them out per value:
	// numKeys/numText: the forward trie holds number literals (comparable
	// keys or text); recordAll: every leaf must be recorded (for lazy
	// predicates and absence); eager (below): the lazy predicates that
	// anchor a clause, so must be computed for every input.
	recordAll        bool
	strMore          bool
	numKeys, numText bool
	// rangePreds (below) are the predicates with ranges here; lazyRanges
	// is set when one of them anchors nothing (its ranges are computed on
	// demand, from the recorded leaves), and hullLo/hullHi bound every
	// range ever put here, in the index or not.
	lazyRanges bool
	hull       bool
	// guardPath: some prefix entry has a guard at this path, and
	// plainString marks its leaf seen (deadbelow.go).
	guardPath bool
	// strOnly says which table alone a free string leaf meets here, so
	// that stringTrusted and plainString go to it without addLeaf's
	// tests: strOnlySuf, the suffix table (suftab.go), no leaf recorded;
	// strOnlyPfx, the prefix table with written forms (pfxtab.go), for
	// a string with escapes.
	strOnly              uint8
	leafShift, leafProbe uint8
	// leafMask is len(leafTab().slots) - 1, a copy though the shift
	// gives it (^0 >> leafShift): derived in plainString it cost 13
	// instructions per multi-field event more (callgrind, trusted). 16
	// bits hold it: a path's table has at most strExactMax keys, so a few
	// hundred slots (commit still leaves a larger one without leafSlots).
	leafMask       uint16
	hullLo, hullHi uint64
	// (end of the first line)

	ranges rangeIndex // ranges of the predicates that anchor a clause
	// strHead (strTail), when set, is how many bytes of a string's
	// decoded text, from its start (back from its end), the path's
	// automaton reads: a string with escapes is decoded only that far
	// (strcut.go).
	strHead, strTail int32
	rev              *node // reversed strings: suffixes
	fold             *node // case-folded strings: equals-ignore-case, ignore-case prefix
	revFold          *node // reversed case-folded strings: ignore-case suffix
	infix            *node // literal middle parts of wildcards with no longer head or tail (infix.go)
	rangePreds       []int32
	lazy             []int32 // predicates with anything-but or exists conditions
	cidrs            int32   // CIDR conditions: the string leaves must be read as addresses
	absent           int32   // clause fields here that allow absence: every leaf counts
	eager            []int32
	// infixStr is the infix trie's node for strings and infixFirst the
	// filter that finds where its literals may start (infix.go).
	infixStr   *node
	infixFirst *infixFilter
	// affixTab, when set, finds the suffixes of revStr by hash, all of
	// length sufLen (suftab.go): a string leaf then needs no walk of
	// revStr. At a path with no reversed strings whose strings are cut
	// to a head (strHead), it finds the prefixes of str (pfxtab.go)
	// instead: one word for both keeps the record in its size class. At
	// a path of a few exact values and prefixes and no other table, it
	// is their mixed table (mixtab.go; its pfx is set).
	affixTab *strTab
	// strSeen, when set, filters str's exact values (strseen.go): a
	// string it rules out is not walked. Beside affixTab, which addLeaf
	// reads first.
	strSeen *strSeen
	// revStr, foldStr and revFoldStr are the reversed and folded tries'
	// nodes for strings (as str is the forward trie's);
	// foldWide counts the fold marks whose pattern text is not all ASCII
	// (put keeps it): without them, the walks that lower an ASCII byte
	// as they read it answer for any value, ASCII or not (addLeaf).
	revStr, foldStr, revFoldStr *node
	foldWide                    int32
	sufLen                      uint8
	// strRebuild (writers only): this write changed str in a way its
	// table cannot follow key by key, so commit builds it anew.
	strRebuild bool
	gen        uint64 // the write that copied it may change it
}

const (
	strOnlySuf = 1
	strOnlyPfx = 2
)

// stringOnly returns pm's strOnly once commit has set its tables: the
// suffix table where it is all a string meets here (no exact values,
// prefixes, folded or infix tries, CIDRs) and no leaf is recorded; the
// prefix table where the path is prefixes with written forms alone (a
// head cut, no tail); else 0.
func (pm *pathMatcher) stringOnly() uint8 {
	if pm.strTab != nil || pm.affixTab == nil || pm.affixTab.pfx != nil || pm.recordAll {
		return 0
	}
	switch {
	case pm.str == nil && pm.revStr != nil && pm.foldStr == nil && pm.revFoldStr == nil && pm.infixStr == nil && pm.cidrs == 0:
		return strOnlySuf
	case pm.strHead != 0 && pm.strTail == 0 && pm.affixTab.esc != nil:
		return strOnlyPfx
	}
	return 0
}

// leafTab returns the path's table when it is all a string leaf meets
// here (leafSlots), else nil.
func (pm *pathMatcher) leafTab() *strTab {
	if pm.leafSlots == nil {
		return nil
	}
	return pm.strTab
}

// leafFind is leafTab().find(v), from the copies of the table's slots,
// mask, shift and probe in pm's first line; pm has a leafTab.
func (pm *pathMatcher) leafFind(v []byte) *strSlot {
	return findIn(pm.leafSlots, uint(pm.leafMask), pm.leafShift, pm.leafProbe, v)
}

// layoutLine0 checks that the fields a leaf reads end within the first
// 64 bytes of a pathMatcher, and that the record fills a size class of
// whole lines (384 bytes), so that its first line is one line.
var _ [0]struct{} = [(int(unsafe.Offsetof(pathMatcher{}.ranges)) - 64) * on64]struct{}{}
var _ [0]struct{} = [(int(unsafe.Sizeof(pathMatcher{})) - 384) * on64]struct{}{}

// patternRec is the writer's record of a pattern, to delete it again.
type patternRec struct {
	id      ID
	clauses []*clauseW
	// absent: paths of fields allowing absence, nil for most patterns
	// (a pointer keeps the record in a smaller size class).
	absent  *[]string
	clause1 [1]*clauseW
	idx     int32
	input   int8
}

type trieKind uint8

const (
	trieFwd trieKind = iota
	trieRev
	trieFold
	trieRevFold
	trieInfix
)

// idAllocator hands out small dense ids and reuses freed ones, so scratch
// arrays indexed by id stay as small as the live set.
type idAllocator struct {
	next int32
	free []int32
	// wide counts the ids at or above 64 that are held (given out and
	// not put back). The decision memo keys a snapshot's fired sets by
	// their mask where every predicate id is below 64 (memo.go); next
	// alone stays above 64 once a pattern was added and deleted again,
	// as the bench's single Adds into a family of 100 patterns do.
	wide int32
}

func (a *idAllocator) get() int32 {
	id := a.next
	if n := len(a.free); n > 0 {
		id = a.free[n-1]
		a.free = a.free[:n-1]
	} else {
		a.next++
	}
	if id >= 64 {
		a.wide++
	}
	return id
}

func (a *idAllocator) put(id int32) {
	if id >= 64 {
		a.wide--
	}
	a.free = append(a.free, id)
}

// New returns an empty machine.
func New(cfg Config) *Machine {
	if cfg.MaxStates <= 0 {
		cfg.MaxStates = DefaultMaxStates
	}
	if cfg.MaxDepth <= 0 {
		cfg.MaxDepth = DefaultMaxDepth
	}
	if cfg.MaxEventSize <= 0 {
		cfg.MaxEventSize = DefaultMaxEventSize
	}
	m := &Machine{cfg: cfg, patterns: map[ID]*patternRec{}, predKeys: map[string]*predW{}, clauses: map[string]*clauseW{},
		pathIdx: map[inputPath]int32{}, guardCounts: map[inputPath]*prefixGuards{}}
	s := &snapshot{}
	for i := range s.sub {
		s.sub[i] = &subMachine{}
		m.prefixes[i] = map[string]int{}
	}
	m.snap.Store(s)
	return m
}

// Len reports how many patterns the machine holds.
func (m *Machine) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.patterns)
}

// Add adds (or replaces) the pattern named id.
func (m *Machine) Add(id ID, p *compiler.Pattern) error {
	return m.AddAll([]ID{id}, []*compiler.Pattern{p})
}

// AddAll adds many patterns and publishes one snapshot: the way to load a
// large rule set quickly. On error nothing is added.
func (m *Machine) AddAll(ids []ID, ps []*compiler.Pattern) error {
	if len(ids) != len(ps) {
		return errors.New("automaton: AddAll needs as many ids as patterns")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	// Check everything that can fail before changing anything: a failed
	// AddAll leaves the machine as it was.
	estimate := 0
	for i, p := range ps {
		if p == nil || len(p.Clauses) == 0 {
			return fmt.Errorf("automaton: pattern %q has no clauses (compile it with compiler.Compile)", ids[i])
		}
		if _, err := inputOf(p.Dialect); err != nil {
			return fmt.Errorf("automaton: pattern %q: %w", ids[i], err)
		}
		n, err := statesNeeded(p)
		if err != nil {
			return fmt.Errorf("automaton: pattern %q: %w", ids[i], err)
		}
		estimate += n
	}
	if m.states+estimate > m.cfg.MaxStates {
		return fmt.Errorf("automaton: adding %d pattern(s) could grow the machine past its budget of %d states (Config.MaxStates); it holds %d", len(ps), m.cfg.MaxStates, m.states)
	}
	if len(m.patterns) == 0 && len(m.predKeys) == 0 && len(ps) > 64 {
		// Loading a rule set into an empty machine: size the writer's maps
		// once instead of rehashing them as they grow.
		m.patterns = make(map[ID]*patternRec, len(ps))
		m.predKeys = make(map[string]*predW, len(ps))
		m.preds = slices.Grow(m.preds, len(ps))
		// Clauses of one field are known by their predicate, not by a
		// key: only the others need room here.
		keyed := 0
		for _, p := range ps {
			for ci := range p.Clauses {
				if len(p.Clauses[ci].Fields) > 1 {
					keyed++
				}
			}
		}
		m.clauses = make(map[string]*clauseW, keyed)
	}
	tx := m.begin()
	// A large rule set loaded into an empty machine: its shared predicates'
	// ids, and the order its patterns' records are made in, planned for
	// locality (predorder.go); and its paths' counts, by which each clause
	// is anchored as the whole set weighs them (planstats.go).
	var order []int
	if len(ps) >= planFrom && m.predIDs.next == 0 {
		if tx.plan, order = planPredIDs(ps, true); order != nil && repeats(ids) {
			order = nil
		}
		m.planStats, m.planN = planPathStats(ps), len(ps)
		defer func() { m.planStats, m.planN = nil, 0 }()
		m.predIDs.reserve(int32(len(tx.plan)))
	}
	for k := range ps {
		i := k
		if order != nil {
			i = order[k]
		}
		if old, ok := m.patterns[ids[i]]; ok {
			tx.deletePattern(old)
		}
		tx.addPattern(ids[i], ps[i])
	}
	tx.packPats()
	tx.regroupAll(len(ps) > 64)
	if len(ps) > 64 {
		tx.packAnchors()
	}
	tx.commit()
	return nil
}

// statesNeeded bounds the trie states a pattern can add, and rejects
// operators the machine does not know.
func statesNeeded(p *compiler.Pattern) (int, error) {
	n := 0
	for _, cl := range p.Clauses {
		for _, f := range cl.Fields {
			for ci := range f.Conds {
				c := &f.Conds[ci]
				switch c.Op {
				case compiler.OpEquals:
					n += 1 + len(c.Value.Text) + 8
				case compiler.OpPrefix, compiler.OpSuffix, compiler.OpEqualsIgnoreCase:
					n += 1 + 4*len(c.Text)
				case compiler.OpWildcard:
					n += 1 + len(c.Glob.Parts[0])
				case compiler.OpAnythingBut:
					for _, v := range c.Exclude.Values {
						n += 1 + len(v.Text) + 8
					}
					for _, s := range c.Exclude.Texts {
						n += 1 + 4*len(s)
					}
					for _, g := range c.Exclude.Globs {
						n += 1 + len(g.Parts[0])
					}
				case compiler.OpCIDR:
					n += 17
				case compiler.OpNumeric, compiler.OpExists:
					n++
				default:
					return 0, fmt.Errorf("unknown operator %d", c.Op)
				}
			}
		}
	}
	return n, nil
}

// Delete removes the pattern named id; it reports whether it was there.
func (m *Machine) Delete(id ID) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec, ok := m.patterns[id]
	if !ok {
		return false
	}
	tx := m.begin()
	tx.deletePattern(rec)
	tx.regroupAll(false)
	tx.commit()
	return true
}

// IDs lists the patterns in the machine, sorted.
func (m *Machine) IDs() []ID {
	m.mu.Lock()
	defer m.mu.Unlock()
	ids := make([]ID, 0, len(m.patterns))
	for id := range m.patterns {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// String describes the machine's size, for debugging and the bench report.
func (m *Machine) String() string {
	s := m.snap.Load()
	var b strings.Builder
	for i, sub := range s.sub {
		fmt.Fprintf(&b, "input %d: %d patterns, %d paths; ", i, sub.count, sub.pathCount())
	}
	m.mu.Lock()
	fmt.Fprintf(&b, "%d states", m.states)
	m.mu.Unlock()
	return b.String()
}

// pathCount counts the pattern paths of the input.
func (s *subMachine) pathCount() int {
	n := 0
	for _, e := range s.index {
		if e.pm != nil {
			n++
		}
	}
	return n
}
