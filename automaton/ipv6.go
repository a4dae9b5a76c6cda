package automaton

// ipv6Groups reads s as compiler.ParseIP reads an IPv6 address (netip's
// grammar over hex digits and colons: eight groups of one to four hex
// digits, any case, or fewer with one "::" standing for at least one
// group of zeros), in one pass without netip's general parse, and
// returns its 16 bytes (hex digits by decode.go's hexVal). ok is false for any other text, which ParseIP
// then reads (a dotted address, a zone, no address): the two agree on
// every text (FuzzIPv6Groups). (mixed-10000's small CloudTrail calls
// have one address each, one in five IPv6: ipShaped + netip's parse
// were some 190 instr/event of them.)
func ipv6Groups(s []byte) (b [16]byte, ok bool) {
	i, n, ellipsis := 0, 0, -1 // n: bytes written; ellipsis: where "::" stands in b
	if len(s) >= 2 && s[0] == ':' && s[1] == ':' {
		ellipsis, i = 0, 2
	}
	for i < len(s) && n < 16 {
		v, j := uint(0), i
		for ; j < len(s) && j-i < 4; j++ {
			h := uint(hexVal[s[j]])
			if h > 15 {
				break
			}
			v = v<<4 | h
		}
		if j == i || j < len(s) && hexVal[s[j]] <= 15 {
			return b, false // no digit, or a fifth
		}
		b[n], b[n+1] = byte(v>>8), byte(v)
		n += 2
		if i = j; i == len(s) {
			break
		}
		if s[i] != ':' || i+1 == len(s) {
			return b, false
		}
		i++
		if s[i] == ':' {
			if ellipsis >= 0 {
				return b, false
			}
			ellipsis = n
			i++
		}
	}
	switch {
	case i != len(s):
		return b, false
	case n < 16:
		if ellipsis < 0 {
			return b, false
		}
		k := 16 - n
		copy(b[ellipsis+k:], b[ellipsis:n])
		clear(b[ellipsis : ellipsis+k])
	case ellipsis >= 0:
		return b, false // "::" must stand for a group at least
	}
	return b, true
}
