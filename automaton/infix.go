package automaton

import "bytes"

// infixes runs a string value through a path's infix trie (from n, the
// node its tag leads to) from every offset of the value: a wildcard
// without a useful head or tail ("*file-37*") is indexed by its longest
// middle part, which can start anywhere. Most offsets are ruled out by
// their first byte; where the trie's literals all start with one byte (the
// usual case: the rules of a path share a word), IndexByte jumps to the
// next candidate offset instead of testing each. The marks reached are
// verified against the whole glob; a value containing a literal twice
// fires its marks twice, which records nothing new.
func (mt *Matcher) infixes(n *node, val []byte) {
	if n == nil {
		return
	}
	var first byte
	switch {
	case len(n.seg) > 0:
		first = n.seg[0]
	case len(n.keys) == 1:
		first = n.keys[0]
	default:
		for i := range val {
			if n.child(val[i]) != nil {
				mt.walkFrom(n, val[i:], val, false)
			}
		}
		return
	}
	for i := 0; i < len(val); i++ {
		j := bytes.IndexByte(val[i:], first)
		if j < 0 {
			return
		}
		i += j
		mt.walkFrom(n, val[i:], val, false)
	}
}
