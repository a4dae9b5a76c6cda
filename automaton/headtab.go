package automaton

import (
	"math/bits"
	"unsafe"
)

// Exact values found by their first bytes, for MatchTrusted. A string
// that stringTrusted reads (escapes, or text over 0x7F) is, at a path of
// exact values, usually one of its keys, raw or in a written form
// (escforms.go): a name, a city. The table of keys needs the string's
// length, so its end (a 64-byte block of the quote kernel, the masks
// after it) before the lookup's first load. The heads index looks the
// key up by the string's first word instead, and checks that the key's
// bytes are there and the closing quote right after them: a key's raw
// text (without quotes or backslashes) and a written form are well
// formed, so a quote just after them closes the string. A miss, or a
// string too near the input's end, is looked up as before.

// A headSlot is one raw key or written form in a heads index.
type headSlot struct {
	w   uint64   // the first headLen bytes the form starts a value with (masked)
	a   uint64   // the form's first eight bytes (fewer: zero above them)
	s   *strSlot // the key's slot (in the table or its esc), nil: empty
	key *byte    // the form's n bytes
	n   uint32
}

// A headTab indexes a table's non-ASCII raw keys and written forms by
// the first headLen bytes of a value that starts with them, where the
// last of those bytes is the closing quote for the shortest forms.
type headTab struct {
	slots []headSlot // a power of two
	shift uint8
	probe uint8
	mask  uint64 // the first headLen bytes of a word
}

// headMul mixes a value's first word into its home slot.
const headMul = 0x9e3779b97f4a7c15

// headTabMax bounds the forms a heads index keeps: the keys of a table
// and their written forms (strTabMax, escFormsMax).
const headTabMax = strTabMax + escFormsMax

// withHeads sets t.heads from t's plain keys that have bytes over 0x7F
// (raw text stringTrusted reads) and t.esc's written forms; none where
// there are none, or where a form is shorter than four bytes (a first
// word that says little) or the forms crowd. t is not yet published.
func (t *strTab) withHeads() {
	t.heads = headTab{}
	var fs []*strSlot
	for i := range t.slots {
		s := &t.slots[i]
		if s.hash != 0 && s.plain && !asciiKey(s.keyString()) && textKey(s.keyString()) && !needsQuote(s.keyString()) {
			fs = append(fs, s)
		}
	}
	if e := t.esc; e != nil {
		for i := range e.slots {
			if s := &e.slots[i]; s.hash != 0 && s.plain {
				fs = append(fs, s)
			}
		}
	}
	if len(fs) == 0 || len(fs) > headTabMax {
		return
	}
	hl := 8
	for _, s := range fs {
		hl = min(hl, int(s.n)+1)
	}
	if hl < 4 {
		return
	}
	// Half full at most. (Tried a quarter: escapes-unicode trusted -1.5
	// instr/event, not worth twice the slots; not timed.)
	size := 8
	for size < 2*len(fs) {
		size *= 2
	}
	h := headTab{slots: make([]headSlot, size), shift: uint8(64 - bits.TrailingZeros(uint(size))), mask: ^uint64(0) >> (64 - 8*hl)}
	for _, s := range fs {
		k := stringBytes(s.keyString())
		var w [8]byte
		n := copy(w[:], k)
		hs := headSlot{s: s, key: s.key, n: s.n}
		hs.a = load64(w[:], 0)
		if n < 8 {
			w[n] = '"' // the form's length is hl-1 at least
		}
		hs.w = load64(w[:], 0) & h.mask
		i := uint(hs.w*headMul>>h.shift) & uint(size-1)
		p := uint(0)
		for h.slots[(i+p)&uint(size-1)].s != nil {
			p++
		}
		if p > strTabProbe {
			return
		}
		h.probe = max8(h.probe, uint8(p))
		h.slots[(i+p)&uint(size-1)] = hs
	}
	t.heads = h
}

func asciiKey(key string) bool {
	for i := 0; i < len(key); i++ {
		if key[i] >= 0x80 {
			return false
		}
	}
	return true
}

// find returns the slot of the key whose raw text or written form
// d[i:] starts with, followed by a quote, and the form's length; nil
// where there is none. i+8 <= len(d).
func (h *headTab) find(d []byte, i int) (*strSlot, int) {
	x := load64(d, i) // i+8 <= len(d)
	w := x & h.mask
	mask := uint(len(h.slots) - 1)
	k := uint(w * headMul >> (h.shift & 63))
	for p := uint(0); ; p++ {
		hs := (*headSlot)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(h.slots)), uintptr((k+p)&mask)*unsafe.Sizeof(headSlot{}))) // mask+1 slots
		if hs.s == nil {
			return nil, 0
		}
		if n := int(hs.n); hs.w == w && i+n < len(d) && d[i+n] == '"' {
			if n < 8 {
				if x&(1<<(8*n)-1) == hs.a {
					return hs.s, n
				}
			} else if x == hs.a && formEqual(unsafe.Slice(hs.key, n), d[i:i+n:i+n]) {
				return hs.s, n
			}
		}
		if p >= uint(h.probe) {
			return nil, 0
		}
	}
}

// formEqual tells whether k and v, of the same length of eight bytes or
// more and equal in their first eight, are equal: two words at a time
// after the first, the last two ending at the last byte (a written form
// is often 30 to 110 bytes: one word a turn took 84 instructions a
// lookup on escapes-unicode). (A form of up to 32 bytes compared as
// three words with no loop or branch, at offsets min(8, n-8) and
// max(n-16, 0): escapes-unicode trusted +10 instr/event, A/B on-off
// median +0.86 / +0.45 %, 300 rounds.)
func formEqual(k, v []byte) bool {
	n := len(v)
	o := 8
	for ; o+16 <= n; o += 16 {
		if (load64(k, o)^load64(v, o))|(load64(k, o+8)^load64(v, o+8)) != 0 {
			return false
		}
	}
	if n >= 16 {
		return (load64(k, n-16)^load64(v, n-16))|(load64(k, n-8)^load64(v, n-8)) == 0
	}
	return load64(k, n-8) == load64(v, n-8)
}
