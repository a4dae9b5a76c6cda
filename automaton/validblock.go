package automaton

// blockString is value's reading of a string on the validating path
// whose body starts at d[start] and is plain ASCII up to d[j], its first
// stop, which is not a quote found there (asciiRunEnd): validStringBlock
// reads the rest in one step, validUTF8 checks its text where it is not
// ASCII, and the string, now known well formed, is read as the trusted
// path reads it (trustedString): a string without escapes is walked
// where it lies; of one with escapes, only the part the path's tries use
// (strcut.go) is decoded, by decodeTrusted, or, at a path of suffixes,
// the plain tail is walked where it lies. It returns the string's end, or
// -1 where the kernel is undecided (no kernel, a string past its 64
// bytes, a malformed one) or the text is not UTF-8: textStop and
// decodeString read those, and stringError writes the error.
func (mt *Matcher) blockString(d []byte, start, j int, pm *pathMatcher) int {
	end, esc, wide := validStringBlock(d, j)
	if end < 0 || wide && !validUTF8(d[j:end-1]) {
		return -1
	}
	last := end - 1 // the closing quote
	if esc == last {
		mt.addLeaf(pm, tagString, d[start:last])
		return end
	}
	if n := int(pm.strTail); n != 0 && last-n >= start && plainTail(d, last-n, last) {
		mt.addLeaf(pm, tagString, d[last-n:last:last])
		return end
	}
	v0 := len(mt.valBuf)
	lim := len(d) + v0 // more than any string here decodes to
	if pm.strHead != 0 {
		lim = v0 + int(pm.strHead)
	}
	buf, next, _ := decodeTrusted(mt.valBuf, d, start, esc, lim)
	if next < 0 {
		return -1 // not on a string validStringBlock read
	}
	mt.valBuf = buf
	mt.addLeaf(pm, tagString, buf[v0:len(buf):len(buf)])
	return end
}
