package compiler

import (
	"net/netip"
	"strconv"
	"strings"
)

// ipShaped reports whether s looks like an address to event-ruler:
// digits.digits.digits.digits, or hex digits and colons with at least one
// colon (docs/semantics/patterns.md §4.9).
func ipShaped(s string) (v4, v6 bool) {
	if s == "" {
		return false, false
	}
	dots, digits := 0, 0
	v4 = true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			if digits == 0 {
				v4 = false
			}
			dots++
			digits = 0
		default:
			v4 = false
		}
		if !v4 {
			break
		}
	}
	v4 = v4 && dots == 3 && digits > 0
	if v4 {
		return true, false
	}
	colon := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ':':
			colon = true
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		default:
			return false, false
		}
	}
	return false, colon
}

// ParseIP parses an event or pattern string as an IP address the way
// event-ruler does: IPv4 octets may have leading zeros; IPv6 may be
// compressed or full, any case; nothing else (no zones, no ports, no
// IPv4-mapped dotted form) is an address.
func ParseIP(s string) (netip.Addr, bool) {
	v4, v6 := ipShaped(s)
	switch {
	case v4:
		var b [4]byte
		part, n := 0, 0
		digits := 0
		for i := 0; i <= len(s); i++ {
			if i == len(s) || s[i] == '.' {
				if n > 255 {
					return netip.Addr{}, false
				}
				b[part] = byte(n)
				part, n, digits = part+1, 0, 0
				continue
			}
			digits++
			if digits > 10 {
				return netip.Addr{}, false
			}
			n = n*10 + int(s[i]-'0')
			if n > 255 {
				n = 256 // stays invalid without overflowing
			}
		}
		return netip.AddrFrom4(b), true
	case v6:
		a, err := netip.ParseAddr(s)
		if err != nil || !a.Is6() || a.Zone() != "" {
			return netip.Addr{}, false
		}
		return a, true
	}
	return netip.Addr{}, false
}

// parseCIDR checks a cidr operand (docs/semantics/patterns.md §4.9) and returns the block
// with host bits cleared, or AWS's reason.
func parseCIDR(s string) (netip.Prefix, string) {
	slash := strings.IndexByte(s, '/')
	if slash < 0 || strings.Count(s, "/") != 1 || slash == len(s)-1 {
		return netip.Prefix{}, "Malformed CIDR, one '/' required"
	}
	addrText, maskText := s[:slash], s[slash+1:]
	mask, err := strconv.Atoi(maskText)
	if err != nil {
		return netip.Prefix{}, "Malformed CIDR, mask bits must be an integer"
	}
	v4, v6 := ipShaped(addrText)
	if !v4 && !v6 {
		return netip.Prefix{}, "Nonstandard IP address: " + addrText
	}
	addr, ok := ParseIP(addrText)
	if !ok {
		return netip.Prefix{}, "Invalid IP address: " + addrText
	}
	if mask < 0 {
		return netip.Prefix{}, "Malformed CIDR, mask bits must not be negative"
	}
	if addr.Is4() && mask >= 32 {
		return netip.Prefix{}, "IPv4 mask bits must be < 32"
	}
	if addr.Is6() && mask >= 128 {
		return netip.Prefix{}, "IPv6 mask bits must be < 128"
	}
	p, err := addr.Prefix(mask)
	if err != nil {
		return netip.Prefix{}, "Invalid IP address: " + addrText
	}
	return p, ""
}
