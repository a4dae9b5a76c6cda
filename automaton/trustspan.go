package automaton

import "math/bits"

// Finding a string's end on the trusted path without a branch per
// escape. A string at a pattern path is read to its closing quote before
// it is matched, and in international text that quote lies behind
// escapes (\u00e9, \", \n, \/): a loop that stops at each backslash,
// steps over the escaped byte and goes on (stringBlocks, the word loops)
// takes a turn, and a mispredicted exit, per escape. stringSpan takes 64
// bytes at once: the quotes and backslashes of the block as two bit masks
// (quoteMasks: two SIMD compares on amd64), the bytes escaped by odd runs
// of backslashes from those masks by one addition (a run that starts at
// an even bit carries to an odd one past its end; the parity of where the
// carry lands tells the run's parity), and the closing quote as the
// lowest quote not escaped. A string shorter than 64 bytes, nearly every
// value, is one block whatever its escapes, and the escape carried out
// of a block's last byte is carried into the next. It also gives the
// first backslash, the first stop that the decoders start from (a string
// without one is matched where it lies).

// evenBits has the even bits set: the bits of the bytes at even offsets.
const evenBits = 0x5555555555555555

// stringSpan returns, for the string whose body starts at d[i] (outside
// any escape), the index of its closing quote and of its first
// backslash (-1: none before the closing quote), taking every backslash
// to escape the byte after it as skipStringBytes does. Where the string
// does not end, end is len(d). It never reads outside d.
func stringSpan(d []byte, i int) (end, esc int) {
	esc = -1
	var carry uint64 // 1 where d[i] is escaped by the block before
	for {
		n := len(d) - i
		var q, b uint64
		switch {
		case n >= 64:
			q, b = quoteMasks(d, i)
		case n <= 0:
			return len(d), esc
		case len(d) >= 64:
			// The last bytes: the input's last block, with the bytes
			// before d[i] shifted out.
			q, b = quoteMasks(d, len(d)-64)
			q >>= uint(64 - n)
			b >>= uint(64 - n)
		default:
			q, b = quoteMasksBytes(d, i)
		}
		// The bytes escaped: as simdjson finds them, branch-free.
		b &^= carry
		follows := b<<1 | carry
		odd := b &^ evenBits &^ follows
		seq, out := bits.Add64(odd, b, 0)
		q &^= (evenBits ^ seq<<1) & follows
		if q != 0 {
			// The first backslash before the quote, if any, chosen
			// without a branch: whether a string has escapes is the
			// coin flip of international text (raw UTF-8 or \u
			// escapes), which a branch here mispredicted half the time.
			k := bits.TrailingZeros64(q)
			m := b & (1<<uint(k) - 1)
			e := i + bits.TrailingZeros64(m)
			if m == 0 {
				e = -1
			}
			if esc < 0 {
				esc = e
			}
			return i + k, esc
		}
		if esc < 0 && b != 0 {
			esc = i + bits.TrailingZeros64(b)
		}
		if n <= 64 {
			return len(d), esc
		}
		carry = out
		i += 64
	}
}

// quoteMasksBytes is quoteMasks byte by byte for the bytes from d[i] to
// the end of an input shorter than a block.
func quoteMasksBytes(d []byte, i int) (q, b uint64) {
	for k := 0; i+k < len(d) && k < 64; k++ {
		switch d[i+k] {
		case '"':
			q |= 1 << uint(k)
		case '\\':
			b |= 1 << uint(k)
		}
	}
	return q, b
}

// quoteMasksWords is quoteMasks eight bytes at a time in plain Go: each
// byte's match flagged exactly in its high bit (no carry between bytes),
// and the eight flags gathered into a byte by one multiplication.
func quoteMasksWords(d []byte, i int) (q, b uint64) {
	for k := 0; k < 64; k += 8 {
		x := load64(d, i+k) // i+64 <= len(d)
		tq := x ^ (ones * '"')
		tb := x ^ (ones * '\\')
		fq := ^((tq&lows7 + lows7) | tq) & highs
		fb := ^((tb&lows7 + lows7) | tb) & highs
		q |= gatherFlags(fq) << uint(k)
		b |= gatherFlags(fb) << uint(k)
	}
	return q, b
}

// gatherFlags returns the high bits of the bytes of x (x has no other
// bits) as a byte, the first byte's lowest: the multiplication moves the
// flag of byte k to bit 56+k, and no two products overlap.
func gatherFlags(x uint64) uint64 {
	return (x >> 7) * 0x0102040810204080 >> 56
}
