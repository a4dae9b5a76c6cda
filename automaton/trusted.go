package automaton

import (
	"fmt"
	"strings"
)

// MatchTrusted is Match for events already known to meet the trusted
// contract — events a bus has checked on the way in, or a stream its user
// declares trusted. It reads the event only as far as the patterns need:
// once every member that leads to a path some pattern of the snapshot
// names has been passed, it stops, and what it skips on the way it does
// not validate.
//
// The contract (CheckTrusted tells whether an event meets it):
//   - the event is valid JSON in valid UTF-8, within the machine's limits
//     (Config.MaxEventSize and MaxDepth), as Match would accept it;
//   - no two members of one object name the same member, compared after
//     unescaping names and with a dotted name standing for the member its
//     first dot-separated part names: {"a":1,"\u0061":2} breaks it, and
//     so do {"a":{"b":1},"a.b":2} and {"a":{"c":1},"a.b":2}, since
//     {"a.b":2} is {"a":{"b":2}}. Dotted names that only share a prefix
//     ({"a.b":1,"a.c":2}) keep it;
//   - no top-level member named "" holds an object or an array: its
//     members are top-level members ({"":{"a":1}} holds the path "a"),
//     which the early stop does not count.
//
// On an event that meets it, MatchTrusted answers exactly as Match does:
// a member it skips could reach a pattern path only as a second member
// for a name already passed. On any other input it may answer instead of
// reporting an error, and the answer may differ from Match's; but it
// never reads out of bounds, never panics and always ends (every step
// moves forward).
func (mt *Matcher) MatchTrusted(dst []ID, event []byte) ([]ID, error) {
	prefetchInput(event)
	dst = dst[:0]
	mt.begin()
	if len(event) > mt.m.cfg.MaxEventSize {
		return dst, fmt.Errorf("automaton: event is %d bytes, larger than the limit of %d", len(event), mt.m.cfg.MaxEventSize)
	}
	mt.trusted = true
	dst, err := mt.run(dst, inputEvent, event)
	mt.trusted = false
	return dst, err
}

// MatchTrusted is Matcher.MatchTrusted with a pooled Matcher; it
// allocates its result.
func (m *Machine) MatchTrusted(event []byte) ([]ID, error) {
	mt := m.getMatcher()
	ids, err := mt.MatchTrusted(nil, event)
	m.matchers.Put(mt)
	return ids, err
}

// countNeeds derives what MatchTrusted's early stop needs from the index:
// per prefix, the number of distinct member names below it on the way to
// a pattern path, and the same for the top level.
func (s *subMachine) countNeeds() {
	s.rootNeed = 0
	for k := range s.index {
		j := strings.LastIndexByte(k, '.')
		switch {
		case k == "":
			// The top-level "" is passed through, not counted, where it
			// is only the way to the names that start with a dot
			// (members.go, buildScopes); a pattern that names "" itself
			// needs its value, and the early stop waits for it too
			// (topEntry counts it).
			if s.index[k].pm != nil {
				s.rootNeed++
			}
			continue
		case j == 0:
			// The names that start with a dot are passed through, not
			// counted: the early stop waits for the other names.
			continue
		case j < 0:
			s.rootNeed++
		default:
			e, ok := s.index[k[:j]]
			if ok {
				e.need++
				s.index[k[:j]] = e
				if g := strings.LastIndexByte(k[:j], '.'); g > 0 {
					// k[:j] is a member object of k[:g] on the way.
					if ge, ok := s.index[k[:g]]; ok && !ge.deep {
						ge.deep = true
						s.index[k[:g]] = ge
					}
				}
				continue
			}
			// Cannot happen (every proper prefix is indexed); if it did,
			// the top level could never count as passed.
			s.rootNeed = 1 << 30
		}
	}
}

// skip skips a value nobody matches: validated by Match, only found the
// end of by MatchTrusted.
func (mt *Matcher) skip(d []byte, i, depth int) (int, error) {
	if mt.trusted {
		return skipTrusted(d, i)
	}
	return skipValue(d, i, depth)
}
