package automaton

import "bytes"

// infixes runs a string value through its path's infix trie from every
// offset of the value: a wildcard without a useful head or tail
// ("*file-37*") is indexed by its longest middle part, which can start
// anywhere. Most offsets are ruled out by their first byte, a bit test
// in infixFirst; when the literals all start with one byte (the usual
// case: the rules of a path share a word), IndexByte jumps to the next
// candidate offset instead. The marks reached are verified against the
// whole glob; a value holding a literal twice fires its marks twice,
// which records nothing new.
func (mt *Matcher) infixes(pm *pathMatcher, val []byte) {
	n := pm.infixStr
	if len(n.seg) > 0 || len(n.keys) == 1 {
		first := n.keys
		if len(n.seg) > 0 {
			first = n.seg
		}
		for i := 0; i < len(val); i++ {
			j := bytes.IndexByte(val[i:], first[0])
			if j < 0 {
				return
			}
			i += j
			mt.infixWalk(n, val[i:], val)
		}
		return
	}
	for i, b := range val {
		if pm.infixFirst[b>>6]&(1<<(b&63)) != 0 {
			mt.infixWalk(n, val[i:], val)
		}
	}
}

// infixWalk is walkFrom for the infix trie, which holds pass marks only
// (no ends, no byte ranges, never reversed): most walks start at an
// offset whose first byte fits and end a byte or two later, so the loop
// keeps to what such a walk needs and compares short runs in line.
func (mt *Matcher) infixWalk(n *node, val, orig []byte) {
	i := 0
	for {
		if seg := n.seg; len(seg) > 0 {
			if len(val)-i < len(seg) {
				return
			}
			if len(seg) <= 8 {
				for k := 0; k < len(seg); k++ {
					if val[i+k] != seg[k] {
						return
					}
				}
			} else if string(val[i:i+len(seg)]) != seg {
				return
			}
			i += len(seg)
		}
		if more := n.more; more != nil && len(more.pass) > 0 {
			mt.fireAll(more.pass, orig)
		}
		if i == len(val) {
			return
		}
		if n = n.child(val[i]); n == nil {
			return
		}
		i++
	}
}

// infixStart derives, at commit, where an infix trie's string literals
// start and the set of their first bytes.
func infixStart(infix *node) (*node, [4]uint64) {
	var first [4]uint64
	n := infix.childOrNil(tagString)
	if n == nil {
		return nil, first
	}
	if len(n.seg) > 0 {
		first[n.seg[0]>>6] |= 1 << (n.seg[0] & 63)
		return n, first
	}
	for i := 0; i < len(n.keys); i++ {
		first[n.keys[i]>>6] |= 1 << (n.keys[i] & 63)
	}
	return n, first
}
