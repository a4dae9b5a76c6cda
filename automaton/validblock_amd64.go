//go:build amd64 && !purego

package automaton

import "golang.org/x/sys/cpu"

// validStringBlock reads the rest of a string on the validating path in
// one step: from d[j], a byte of the string's body that no backslash
// escapes, it classifies the next 64 bytes (the last 64 of the input,
// from j on, where fewer are left) with SIMD compares and nibble lookups
// — quotes, backslashes, control characters, bytes over 0x7F, the
// characters that may follow a backslash, hex digits, 'u' — finds the
// bytes escaped by odd runs of backslashes as finishBlocks does, and the
// closing quote, the first one not escaped. Where the string ends there,
// with no control character before the quote, every escape one of JSON's
// and four hex digits after each \u, it returns the position after the
// quote (end), the first backslash at or after j (esc; the quote where
// there is none) and whether a byte over 0x7F lies before the quote
// (wide: the caller checks that text is UTF-8). Otherwise, or where the
// input is shorter than 64 bytes, it answers end -1, and the caller reads
// the string as before: the byte-wise readers find the error.
func validStringBlock(d []byte, j int) (end, esc int, wide bool) {
	if !validBlockAVX2 {
		return -1, 0, false
	}
	return validStringBlockAVX2(d, j)
}

// validBlockAVX2 selects validStringBlockAVX2 (tests set it off to try
// the readers without it).
var validBlockAVX2 = cpu.X86.HasAVX2

//go:noescape
func validStringBlockAVX2(d []byte, j int) (end, esc int, wide bool)
