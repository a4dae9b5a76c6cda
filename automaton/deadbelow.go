package automaton

import (
	"slices"
	"strings"

	"github.com/patternc/patternc/compiler"
)

// Dead members: MatchTrusted skips the value of a member on the way to
// pattern paths, unread, where every clause that names a path at or
// below it has already failed in this input. A CloudTrail call names its
// API (detail.eventName) before its request (detail.requestParameters);
// the rules that reach into the request for an instance type also name
// the API, RunInstances. In a call of any other API those rules have
// failed once eventName is passed, and the request, an array of items
// of five members each, is nothing any rule can still use: it is found
// the end of, 64 bytes at a step (skipTrusted), not read member by
// member.
//
// What says a clause has failed is a guard: one of its fields outside
// the member, of exact values alone (guardable), whose path has had its
// one leaf matched (pathState.seen) without firing the field's
// predicate. Each prefix entry keeps a guard per clause below it, the
// clause's guardable field of the lowest predicate id (the same choice
// when the clause goes as when it came), counted per (predicate, path);
// a member is dead where its entry's clauses all have guards, of at most
// maxGuards distinct (predicate, path), and every one of them has failed.
// A clause with no guard for an entry (its only fields below the member,
// or beside it with prefixes, ranges, anything-buts or exists) keeps the
// member alive.
//
// Why a failed guard is final: seen is written only where
// plainString has looked a plain string up in the path's table alone
// (leafSlots: no other trie reads the path's strings, no predicate there
// is computed on demand), outside any array pinned for consistency. By
// the trusted contract (no repeated member, no dotted name standing for
// a member also written out, no top-level "" holding an object) that
// leaf is the path's only one, unless the path lies in an array whose
// elements are not pinned — an array whose scope has one pattern path
// at or below it (oneField), so every prefix entry met before the array
// closes is on the way to that path, and no guard of theirs lies on it
// (a guard's path is never at, below or above its entry). So the field
// is false for the whole input, and so is the clause. Leaves read any
// other way (escapes, text over 0x7F, arrays, a run of members passed as
// one, Match) mark nothing: the member is then read, as before.

// maxGuards is the most distinct guards a prefix entry may have for its
// member to be skipped when they all fail: each is a test per member
// read, and with more the member is seldom dead (multi-field's detail,
// below the rules of four sources, dies only for a fifth; tested on
// every event, it cost 4 089 against 4 020 instr/event).
const maxGuards = 2

// entryGuard is a prefix entry's guards as the Matcher tests them: the n
// predicates, none of which may have fired, and the npath distinct paths
// they lie at, each of which must have had its leaf (usually one: the
// source values of the rules below). n is never 0.
type entryGuard struct {
	n, npath uint8
	pred     [maxGuards]int32
	path     [maxGuards]int32
}

// guardRef counts the clauses below a prefix that a guard stands for.
type guardRef struct {
	pred, path, n int32
}

// prefixGuards counts, for one prefix entry, its clauses with no guard
// and those of each guard.
type prefixGuards struct {
	unguarded int32
	by        []guardRef
}

// guardable reports whether a field can be a guard wherever its path
// allows: its predicate is made of exact values alone, and it does not
// allow absence.
func guardable(f *fieldRec) bool {
	return f.pred >= 0 && f.exact && !f.allowAbsent
}

// related reports whether paths a and b are the same, or one lies below
// the other ("" holds every path).
func related(a, b string) bool {
	if a == "" || b == "" || a == b {
		return true
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	return strings.HasPrefix(b, a) && b[len(a)] == '.'
}

// countGuards counts (by 1) or uncounts (-1) a clause's fields at the
// prefix entries of their paths (each path and its proper prefixes),
// once per entry, for the clause's guard there.
func (t *tx) countGuards(fields []fieldRec, by int32) {
	m := t.m
	at := t.guardAt[:0]
	for i := range fields {
		key := m.pathNames[fields[i].pathIdx]
		for p := key.path; ; {
			if k := (inputPath{key.input, p}); !slices.Contains(at, k) {
				at = append(at, k)
			}
			j := strings.LastIndexByte(p, '.')
			if j <= 0 {
				break
			}
			p = p[:j]
		}
	}
	t.guardAt = at
	for _, k := range at {
		pg := m.guardCounts[k]
		if pg == nil {
			pg = &prefixGuards{}
			m.guardCounts[k] = pg
		}
		g := -1
		for i := range fields {
			f := &fields[i]
			if guardable(f) && !related(m.pathNames[f.pathIdx].path, k.path) && (g < 0 || f.pred < fields[g].pred) {
				g = i
			}
		}
		// The entry's guard changes only where the clauses without one
		// come or go, or a guard does: only then is it marked for
		// commit (marked on every count, an AddAll of exact-100000 kept
		// 48 bytes a pattern of marks, and took 1.6 µs a pattern more).
		changed := false
		if g < 0 {
			pg.unguarded += by
			changed = pg.unguarded == 0 || pg.unguarded == by
		} else {
			changed = pg.add(fields[g].pred, fields[g].pathIdx, by)
		}
		if pg.unguarded == 0 && len(pg.by) == 0 {
			delete(m.guardCounts, k)
		}
		if changed && !slices.Contains(t.guardDirty, k) {
			t.guardDirty = append(t.guardDirty, k)
		}
	}
}

// add counts by more clauses for the guard (pred, path), and reports
// whether the guard came or went.
func (pg *prefixGuards) add(pred, path, by int32) bool {
	for i := range pg.by {
		if r := &pg.by[i]; r.pred == pred && r.path == path {
			if r.n += by; r.n == 0 {
				pg.by = slices.Delete(pg.by, i, i+1)
				return true
			}
			return false
		}
	}
	pg.by = append(pg.by, guardRef{pred: pred, path: path, n: by})
	return true
}

// guard is what the Matcher tests for the entry: its guards, where all
// its clauses have one and they are few enough; nil otherwise.
func (pg *prefixGuards) guard() *entryGuard {
	if pg == nil || pg.unguarded != 0 || len(pg.by) == 0 || len(pg.by) > maxGuards {
		return nil
	}
	refs := slices.Clone(pg.by)
	slices.SortFunc(refs, func(a, b guardRef) int {
		if a.pred != b.pred {
			return int(a.pred - b.pred)
		}
		return int(a.path - b.path)
	})
	g := &entryGuard{n: uint8(len(refs))}
	for i, r := range refs {
		g.pred[i] = r.pred
		if !slices.Contains(g.path[:g.npath], r.path) {
			g.path[g.npath] = r.path
			g.npath++
		}
	}
	return g
}

// guardOf is the guard of the index entry e of the prefix pg counts: a
// member object whose scope holds member objects on the way (deep) has
// one, where most of an input's bytes lie below a member on the way and
// a skip saves their reading; a shallow one (a bucket's name, a
// customer's country) is read in about the time its guards take to
// test (callgrind multi-field trusted, from 3 960 instr/event without
// guards: guards on every entry 4 105, bench/ablayout 1.544 -> 1.502; on
// deep ones only 4 089; and at most two (maxGuards) 4 020, ablayout
// 1.597 -> 1.577).
func (pg *prefixGuards) guardOf(e pathEntry) *entryGuard {
	if !e.below || !e.deep {
		return nil
	}
	return pg.guard()
}

// indexGuards sets the guard of every prefix entry of the rebuilt index
// (after countNeeds, which marks the deep ones).
func (t *tx) indexGuards(input int) {
	s := t.snap.sub[input]
	for k, e := range s.index {
		if e.below {
			e.guard = t.m.guardCounts[inputPath{input, k}].guardOf(e)
			s.index[k] = e
			t.flagGuardPaths(e.guard)
		}
	}
}

// sameGuard reports whether two entries' guards test the same.
func sameGuard(a, b *entryGuard) bool {
	return a == b || a != nil && b != nil && *a == *b
}

// setGuards gives the index entries of the prefixes whose counts this
// write changed their guards, where the index is not rebuilt
// (rebuildIndex sets every prefix's), and lists those that changed for
// updateScopes to put into their scopes.
func (t *tx) setGuards() {
	t.guardWalk = t.guardWalk[:0]
	for _, k := range t.guardDirty {
		if t.reindex[k.input] || !t.subs[k.input] {
			continue
		}
		s := t.snap.sub[k.input]
		e, ok := s.index[k.path]
		if !ok || !e.below {
			continue
		}
		if g := t.m.guardCounts[k].guardOf(e); !sameGuard(e.guard, g) {
			e.guard = g
			s.index[k.path] = e
			t.flagGuardPaths(g)
			if !slices.Contains(t.guardWalk, k) {
				t.guardWalk = append(t.guardWalk, k)
			}
		}
	}
	clear(t.guardDirty)
	t.guardDirty = t.guardDirty[:0]
}

// hasFired reports whether predicate p has fired in this input (an id
// outside the scratch counts as fired: the member is read). object tests
// an entry's first guard with it in line, and calls deadBelow only where
// it has not fired: the usual guard of a member on the way fires (the
// source of the rules below it), and the call cost object its registers
// (callgrind multi-field trusted, 4 143 -> 4 105 instr/event).
func (mt *Matcher) hasFired(p int32) bool {
	return uint(p) >= uint(len(mt.pred)) || mt.pred[p].epoch == mt.epoch
}

// deadBelow reports whether a member whose entry has guards g, the first
// of which has not fired (object tests it in line), is dead in this
// input: no other guard has fired, and every guard's path has had its
// leaf (see above).
func (mt *Matcher) deadBelow(g *entryGuard) bool {
	n := min(int(g.n), maxGuards)
	if n == 0 {
		return false
	}
	for _, p := range g.pred[1:n] {
		if mt.hasFired(p) {
			return false
		}
	}
	for _, at := range g.path[:min(int(g.npath), maxGuards)] {
		if uint(at) >= uint(len(mt.pathLeaves)) || mt.pathLeaves[at].seen != mt.epoch {
			return false
		}
	}
	return true
}

// exactOnly reports whether every condition of f is an exact value.
func exactOnly(f *compiler.Field) bool {
	for i := range f.Conds {
		if f.Conds[i].Op != compiler.OpEquals {
			return false
		}
	}
	return len(f.Conds) > 0
}

// flagGuardPaths sets guardPath on the path matchers of g's guards, for
// plainString to mark their leaves seen (a flag is never cleared: a path
// that stops being a guard only marks its leaves for nothing). It runs
// where an entry's guard is set (setGuards, indexGuards): the path
// matcher it copies goes into the scopes with the entries (updateScopes,
// buildScopes).
func (t *tx) flagGuardPaths(g *entryGuard) {
	if g == nil {
		return
	}
	for _, at := range g.path[:g.npath] {
		key := t.m.pathNames[at]
		if key.input < 0 {
			continue
		}
		if e, ok := t.snap.sub[key.input].index[key.path]; ok && e.pm != nil && !e.pm.guardPath {
			t.path(key.input, key.path).guardPath = true
		}
	}
}
