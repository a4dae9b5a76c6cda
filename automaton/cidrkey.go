package automaton

import "bytes"

// appendIPKeyAt is appendIPKey for a string leaf at a path whose CIDR
// blocks are in the forward trie fwd: where fwd holds no IPv6 block, an
// IPv6 address (any text with a ':', which no dotted IPv4 address has)
// has no key that a walk from fwd would find, and is not read. The usual
// rule names IPv4 blocks only, and one in five of mixed-10000's small
// CloudTrail calls has an IPv6 sourceIPAddress: ipv6Groups took some 550
// instructions for each (callgrind, trusted; 113 per small call), the
// root's child test takes a few. ok is false for such a text, as for
// any text that is no address. Callgrind, mixed-10000 trusted, its
// small CloudTrail calls: 7456 -> 7191 instr/event; paired thread CPU on
// them alone (zzpair, 600 pairs, load 10): -33 and -2 ns/event in the
// two build orders (quartiles -145..+73, -143..+131), within the noise.
func appendIPKeyAt(dst, s []byte, fwd *node) ([]byte, bool) {
	if b, ok := ipv4Octets(s); ok {
		return append(dst, tagIPv4, b[0], b[1], b[2], b[3]), true
	}
	if bytes.IndexByte(s, ':') >= 0 && fwd.childOrNil(tagIPv6) == nil {
		return dst, false
	}
	return appendIPKey(dst, s)
}
