package valueset

import (
	"net/netip"
)

// The strings a cidr condition accepts are those compiler.ParseIP reads as
// an address inside the block. For IPv4 that is an exact regular language:
// four runs of 1 to 10 decimal digits (leading zeros allowed) whose values
// lie in the block's per-octet ranges. IPv6 text has "::" compression,
// which this package does not spell out: its language is bounded below by
// the uncompressed forms (eight groups of 1 to 4 hex digits, any case)
// and above by every IPv6-shaped string.

var (
	digitClass = [][2]byte{{'0', '9'}}
	hexColon   = [][2]byte{{'0', '9'}, {'a', 'f'}, {'A', 'F'}, {':', ':'}}
)

// numberRange adds to n, from node from to node to, the strings of 1 to
// width digits in base (10 or 16, hex in either case) whose value lies in
// [lo, hi]. Shorter strings are read as if padded with leading zeros.
func numberRange(n *nfa, from, to int, base, width int, lo, hi uint64) {
	digits := func(v uint64) []int {
		d := make([]int, width)
		for i := width - 1; i >= 0; i-- {
			d[i] = int(v % uint64(base))
			v /= uint64(base)
		}
		return d
	}
	a, b := digits(lo), digits(hi)
	type key struct {
		i          int
		tlo, thi   bool
		lengthSeen int
	}
	for length := 1; length <= width; length++ {
		// Virtual leading zeros.
		tlo, thi, ok := true, true, true
		for i := 0; i < width-length; i++ {
			if tlo && a[i] > 0 {
				ok = false
				break
			}
			if thi && b[i] > 0 {
				thi = false
			}
		}
		if !ok {
			continue
		}
		nodes := map[key]int{}
		var walk func(i int, tlo, thi bool) int
		walk = func(i int, tlo, thi bool) int {
			if i == width {
				return to
			}
			k := key{i, tlo, thi, length}
			if id, ok := nodes[k]; ok {
				return id
			}
			id := n.node()
			nodes[k] = id
			minD, maxD := 0, base-1
			if tlo {
				minD = a[i]
			}
			if thi {
				maxD = b[i]
			}
			for d := minD; d <= maxD; d++ {
				t := walk(i+1, tlo && d == a[i], thi && d == b[i])
				for _, c := range digitChars(d) {
					n.byteRange(id, t, c, c)
				}
			}
			return id
		}
		n.epsilon(from, walk(width-length, tlo, thi))
	}
}

func digitChars(d int) []byte {
	if d < 10 {
		return []byte{byte('0' + d)}
	}
	return []byte{byte('a' + d - 10), byte('A' + d - 10)}
}

// CIDR is the language of a cidr condition on prefix p (host bits clear).
func CIDR(p netip.Prefix) Lang {
	return cachedShape("c\x00"+p.String(), func() Lang { return cidr(p) })
}

func cidr(p netip.Prefix) Lang {
	bits := p.Bits()
	addr := p.Addr().AsSlice()
	n := &nfa{}
	cur := n.node()
	groups, groupBits, base, width, sep := 4, 8, 10, 10, byte('.')
	if p.Addr().Is6() {
		groups, groupBits, base, width, sep = 8, 16, 16, 4, ':'
	}
	for g := 0; g < groups; g++ {
		var v uint64
		for k := 0; k < groupBits/8; k++ {
			v = v<<8 | uint64(addr[g*groupBits/8+k])
		}
		full := uint64(1)<<groupBits - 1
		lo, hi := uint64(0), full
		switch fixed := bits - g*groupBits; {
		case fixed >= groupBits:
			lo, hi = v, v
		case fixed > 0:
			keep := full << (groupBits - fixed) & full
			lo, hi = v&keep, v&keep|(full&^keep)
		}
		if g > 0 {
			nx := n.node()
			n.byteRange(cur, nx, sep, sep)
			cur = nx
		}
		nx := n.node()
		numberRange(n, cur, nx, base, width, lo, hi)
		cur = nx
	}
	low := n.determinize(cur, "cidr")
	low = product(low, utf8DFA, opAnd, "cidr")
	if p.Addr().Is4() {
		return exact(low)
	}
	return Lang{low, ipv6Shaped().lo}
}

// IPShaped is every string compiler.ParseIP would try to read as an
// address: four dot-separated digit runs, or hex digits and colons with
// at least one colon. Real envelope fields (ids, ARNs, account numbers,
// times, regions) never have this shape.
func IPShaped() Lang { return cachedShape("ip-shaped", ipShaped) }

func ipShaped() Lang {
	d := []piece{{alts: digits()}, {loop: digitClass}}
	dot := lit(".")
	four := shape("ip shape", d, dot, d, dot, d, dot, d)
	return four.Union(ipv6Shaped())
}

func digits() []string {
	out := make([]string, 10)
	for i := range out {
		out[i] = string(rune('0' + i))
	}
	return out
}

func ipv6Shaped() Lang {
	return shape("ip shape", []piece{{loop: hexColon}}, lit(":"), []piece{{loop: hexColon}})
}
