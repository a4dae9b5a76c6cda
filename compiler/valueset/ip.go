package valueset

import (
	"net/netip"
)

// The strings a cidr condition accepts are those compiler.ParseIP reads as
// an address inside the block, an exact regular language. IPv4: four runs
// of 1 to 10 decimal digits (leading zeros allowed) whose values lie in the
// block's per-octet ranges. IPv6: eight groups of 1 to 4 hex digits in
// either case, or fewer groups around one "::" standing for at least one
// group of zeros (netip.ParseAddr's rules), each group's value in the
// block's range for its position; a dotted IPv4 tail is not IP-shaped to
// event-ruler, so no accepted address has one.

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

// groupRanges splits a block into per-group value ranges: groups of 8 bits
// for IPv4, 16 for IPv6.
func groupRanges(p netip.Prefix, groups, groupBits int) (lo, hi []uint64) {
	bits := p.Bits()
	addr := p.Addr().AsSlice()
	full := uint64(1)<<groupBits - 1
	for g := 0; g < groups; g++ {
		var v uint64
		for k := 0; k < groupBits/8; k++ {
			v = v<<8 | uint64(addr[g*groupBits/8+k])
		}
		l, h := uint64(0), full
		switch fixed := bits - g*groupBits; {
		case fixed >= groupBits:
			l, h = v, v
		case fixed > 0:
			keep := full << (groupBits - fixed) & full
			l, h = v&keep, v&keep|(full&^keep)
		}
		lo, hi = append(lo, l), append(hi, h)
	}
	return lo, hi
}

func cidr(p netip.Prefix) Lang {
	n := &nfa{}
	start := n.node()
	end := n.node()
	if p.Addr().Is4() {
		lo, hi := groupRanges(p, 4, 8)
		cur := start
		for g := 0; g < 4; g++ {
			if g > 0 {
				nx := n.node()
				n.byteRange(cur, nx, '.', '.')
				cur = nx
			}
			nx := n.node()
			numberRange(n, cur, nx, 10, 10, lo[g], hi[g])
			cur = nx
		}
		n.epsilon(cur, end)
	} else {
		// Eight groups of 1 to 4 hex digits, or i groups, "::" standing for
		// at least one group of zeros, and j groups (i+j <= 7), as
		// netip.ParseAddr reads them.
		lo, hi := groupRanges(p, 8, 16)
		groups := func(cur int, from, to int) int {
			for g := from; g < to; g++ {
				if g > from {
					nx := n.node()
					n.byteRange(cur, nx, ':', ':')
					cur = nx
				}
				nx := n.node()
				numberRange(n, cur, nx, 16, 4, lo[g], hi[g])
				cur = nx
			}
			return cur
		}
		n.epsilon(groups(start, 0, 8), end)
		for i := 0; i <= 7; i++ {
			for j := 0; i+j <= 7; j++ {
				zeros := true
				for g := i; g < 8-j; g++ {
					zeros = zeros && lo[g] == 0
				}
				if !zeros {
					continue
				}
				cur := groups(start, 0, i)
				nx := n.node()
				n.bytes(cur, nx, "::")
				n.epsilon(groups(nx, 8-j, 8), end)
			}
		}
	}
	d := n.determinize(end, "cidr")
	return exact(product(d, utf8DFA, opAnd, "cidr"))
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
