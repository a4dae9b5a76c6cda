package automaton

import (
	"bytes"
	"math/bits"
)

// The string index of the trusted scan (trustscan.go): per 64-byte block
// of the event, a bitmap of its quotes that are not escaped and one of
// its backslashes. The end of a string is then the lowest bit of a
// 64-bit window of the quote bitmap taken at the string's first byte: a
// shift and a trailing-zero count, where a word loop ends after a number
// of steps that depends on the string's length, and so ends with a
// mispredicted branch on most strings (member names and the values no
// pattern names, a dozen or two per AWS event).
//
// The index is built lazily, a few blocks ahead of the scan: the early
// stop leaves most of a citylots Feature (its geometry) unread, and the
// index of those bytes is never built either. On amd64 with AVX2 the
// blocks are classified by indexBlocksAVX2 (trustindex_amd64.s), 32
// bytes per compare; elsewhere by indexWords, eight bytes per step.
// indexBytes, in the tests, is the byte-wise definition both are held to.
//
// An escape is read from the start of the event: a run of backslashes
// escapes the byte after it when the run is odd. In valid JSON that is
// exactly JSON's reading (backslashes occur only in strings); on other
// input the index still only ever points inside the event or at its end.

// trustIndex is the index of the event being matched: two bitmaps, one
// bit per byte of the event, stored as bytes so that a window of 64 bits
// from any bit is one unaligned load and a shift. Blocks [0, nb) are
// built; past the event's last block the bitmaps have eight zero bytes,
// so a window near the end reads no garbage.
type trustIndex struct {
	q  []byte // bit 8k+b: byte 8k+b of the event is a quote not escaped
	bs []byte // bit 8k+b: byte 8k+b is a backslash
	nb int    // blocks built
	// built is how many bytes of q and bs a window may read from: 8 per
	// block built, and the eight zero bytes after the last once all
	// are. (A window from bit p reads bytes p>>3 to p>>3+7.)
	built int
	n     int    // the event's blocks: ceil(len/64)
	carry uint64 // 1: the first byte of block nb is escaped
	bsAll uint64 // the backslashes of all blocks built, ORed: 0 if none
}

// ixAhead is how many blocks a build adds at least: the early stop on
// citylots reads the first four of its fifteen.
const ixAhead = 4

// ixWhole is the size of an event indexed whole at once: an AWS event
// is read to its end (detail, last, is the member the patterns name
// most), in one call to the kernel.
const ixWhole = 512

// reset readies the index for an event of size bytes.
func (ix *trustIndex) reset(size int) {
	ix.n = (size + 63) >> 6
	if m := 8*ix.n + 8; cap(ix.q) < m {
		ix.q, ix.bs = make([]byte, m, m+m/4), make([]byte, m, m+m/4)
	} else {
		ix.q, ix.bs = ix.q[:m], ix.bs[:m]
	}
	store64(ix.q, 8*ix.n, 0) // the zero bytes past the end
	ix.nb, ix.built, ix.carry, ix.bsAll = 0, 0, 0, 0
}

// start resets the index for d and builds its first blocks, which every
// scan reads.
func (ix *trustIndex) start(d []byte) {
	ix.reset(len(d))
	if len(d) <= ixWhole {
		ix.grow(d, ix.n-1)
	} else {
		ix.grow(d, 0)
	}
}

// grow builds the blocks up to b (and ixAhead past the last built, as
// far as the event goes).
func (ix *trustIndex) grow(d []byte, b int) {
	to := min(max(b+1, ix.nb+ixAhead), ix.n)
	if to <= ix.nb {
		return
	}
	// 8*to+8 <= len(ix.q) = len(ix.bs) (reset).
	var any uint64
	if indexAVX2 && len(d) >= 64 {
		ix.carry, any = indexBlocksAVX2(d, ix.q, ix.bs, ix.nb, to, ix.carry)
	} else {
		ix.carry, any = indexWords(d, ix.q, ix.bs, ix.nb, to, ix.carry)
	}
	ix.bsAll |= any
	ix.nb = to
	ix.built = 8 * to
	if to == ix.n {
		ix.built += 8
	}
}

// quote returns the first quote not escaped at or after d[p] (ok) when
// the blocks built show it within 57 bytes: the lowest bit of the window
// of 64 bits from byte p>>3 of the bitmap, shifted to start at p. It
// inlines; quoteFar does the rest.
func (ix *trustIndex) quote(p int) (int, bool) {
	if k := p >> 3; k+8 <= ix.built { // built <= len(ix.q)
		w := load64(ix.q, k) >> (uint(p) & 7)
		return p + bits.TrailingZeros64(w), w != 0
	}
	return p, false
}

// quoteFrom returns the position of the first quote not escaped at or
// after d[p] (0 <= p <= len(d)), or len(d) where there is none.
func (mt *Matcher) quoteFrom(d []byte, p int) int {
	if j, ok := mt.tix.quote(p); ok {
		return j
	}
	return mt.quoteFar(d, p)
}

// quoteFar is quoteFrom a window at a time, building blocks as it goes.
func (mt *Matcher) quoteFar(d []byte, p int) int {
	ix := &mt.tix
	for p < len(d) {
		k := p >> 3
		if k+8 > ix.built {
			if ix.grow(d, p>>6+1); k+8 > ix.built {
				return len(d) // cannot be: p < len(d)
			}
		}
		if w := load64(ix.q, k) >> (uint(p) & 7); w != 0 {
			return min(p+bits.TrailingZeros64(w), len(d))
		}
		p = (k + 8) << 3
	}
	return len(d)
}

// plain tells whether the index shows that d[p:j] (a string's body, p
// <= j <= len(d), as quoteFrom found it: the blocks up to j's are
// built) has no backslash: the blocks built have none (most events), or
// the window at p has none below j. Where it cannot tell, escapedIn
// looks.
func (ix *trustIndex) plain(p, j int) bool {
	if ix.bsAll == 0 {
		return true
	}
	k := p >> 3
	return j-p < 57 && k+8 <= ix.built && load64(ix.bs, k)>>(uint(p)&7)&(1<<uint(j-p)-1) == 0
}

// escapedIn tells whether d[p:j] holds a backslash.
func escapedIn(d []byte, p, j int) bool {
	return bytes.IndexByte(d[p:j], '\\') >= 0
}

// indexWords builds the bitmaps q and bs (8 bytes a block) of blocks
// [from, to) of d eight bytes at a time, the escape of the first byte
// carried in and the next block's returned (0 or 1), with the
// backslashes ORed (any): the builder where there is no kernel. A last
// block shorter than 64 bytes is read from a copy padded with zeros.
func indexWords(d, q, bs []byte, from, to int, carry uint64) (carry2, any uint64) {
	for b := from; b < to && 8*b+8 <= min(len(q), len(bs)); b++ {
		blk := d[min(b<<6, len(d)):]
		var pad [64]byte
		if len(blk) < 64 {
			copy(pad[:], blk)
			blk = pad[:]
		}
		var wq, wb uint64
		for k := 0; k < 8; k++ {
			x := load64(blk, 8*k) // len(blk) >= 64
			// Exact flags (no borrow between bytes): a byte's low seven
			// bits plus 0x7F reach its high bit unless they are zero.
			tq := x ^ (ones * '"')
			fq := highs &^ ((tq&lows7 + lows7) | tq)
			tb := x ^ (ones * '\\')
			fb := highs &^ ((tb&lows7 + lows7) | tb)
			// The eight flags gathered into a byte.
			wq |= (fq * 0x02040810204081 >> 56) << (8 * k)
			wb |= (fb * 0x02040810204081 >> 56) << (8 * k)
		}
		store64(q, 8*b, wq&^escapedBits(wb, &carry))
		store64(bs, 8*b, wb)
		any |= wb
	}
	return carry, any
}

// oddBits is 1 at every odd bit.
const oddBits = 0xAAAAAAAAAAAAAAAA

// escapedBits returns the bytes of a block escaped by its backslashes bs
// and by the block before (*carry, 0 or 1, the escape of the first byte),
// and sets *carry to the next block's. A run of backslashes escapes the
// byte after it when it is odd: adding a run's first bit to the run
// carries past its end; where the run started, at an odd or an even bit,
// tells its parity from where the carry lands. (The kernel does the same
// with the same steps.)
func escapedBits(bs uint64, carry *uint64) uint64 {
	in := *carry
	if bs|in == 0 {
		return 0
	}
	bs &^= in // an escaped backslash starts nothing
	starts := bs &^ (bs << 1)
	odd := starts & oddBits
	even := starts ^ odd
	x, c := bits.Add64(odd, bs, 0)
	y := even + bs
	x &^= bs
	y &^= bs
	*carry = c
	return ((x^y)&oddBits ^ x) | in
}
