package automaton

// The stops of plain ASCII runs in strings, 64 bytes at once, for the
// validating container skipper (skipContainer): the quotes, backslashes,
// control characters and bytes over 0x7F among d[i:i+64] as one bit
// mask, bit k for d[i+k], the bytes asciiStops flags but every one exact.
// The skipper keeps the mask of the block at hand and finds where each
// string and member name it meets there stops by one shift and one
// trailing-zero count, in place of a word loop per string whose exit,
// at a length that varies from string to string, was mispredicted.

// asciiStopMaskWords is asciiStopMask eight bytes at a time in plain Go:
// each stop flagged exactly in its high bit (the low seven bits compared
// apart from the high one, so that no borrow or carry crosses a byte),
// and the eight flags gathered into a byte by one multiplication.
func asciiStopMaskWords(d []byte, i int) uint64 {
	var m uint64
	for k := 0; k < 64; k += 8 {
		x := load64(d, i+k) // i+64 <= len(d)
		tq := x ^ (ones * '"')
		tb := x ^ (ones * '\\')
		fq := ^((tq&lows7 + lows7) | tq)
		fb := ^((tb&lows7 + lows7) | tb)
		// A byte whose low seven bits are below 0x20 does not reach
		// 0x80 with 0x60 added; the high bit stands for itself.
		fc := ^(x&lows7 + ones*0x60) | x
		m |= gatherFlags((fq|fb|fc)&highs) << uint(k)
	}
	return m
}
