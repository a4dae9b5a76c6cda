package automaton

import (
	"bytes"
	"unsafe"

	"github.com/patternc/patternc/compiler"
)

// globCheck is what a glob mark verifies once its trie has found one of
// the glob's parts, the key (putGlob): the head at the value's start
// (forward trie), the tail at its end (reversed trie) or a middle part
// anywhere (infix trie, at Matcher.infixOff). A value matches the glob
// exactly when it matches it with the key at one of the places the key
// occurs, and the infix trie tries them all (FuzzGlobCheck); so
// the check is the rest of the glob around that place: the head and tail
// that are not the key, and the middle parts on each side at their
// leftmost places.
type globCheck struct {
	part   int // partHead, partTail or partMiddle
	keyLen int
	// head and tail are the ends to compare (none where the key is that
	// end). Their first and last eight bytes are compared as one word
	// each, and mostly decide: the globs of one trie position mostly
	// differ there ("*/2021/*.jpg", "*/2021/*.png").
	head, tail                       string
	headW, headMask, tailW, tailMask uint64
	before, after                    []string // middle parts before and after the key
	// wordEnds: no middle parts besides the key, and ends of eight bytes
	// or fewer: for a value of eight bytes or more, ends decides all but
	// whether the key has room between them ("*/2021/*.jpg").
	wordEnds bool
	// alts is the group of globs of the same trie position the glob is
	// one of, alike but for one middle part (globalts.go), nil for none;
	// lead: the member fireAll verifies the group at. (lead shares
	// wordEnds' word, which keeps a check in its 144-byte size class.)
	lead bool
	alts *globAlts
}

// A glob check is 144 bytes on 64-bit targets, a size class of its own:
// the group fields took it to the next (160) once, 16 bytes per glob.
var _ [0]struct{} = [(int(unsafe.Sizeof(globCheck{})) - 144) * on64]struct{}{}

const (
	partHead = iota
	partTail
	partMiddle
)

// newGlobCheck is the check of glob g, of two parts or more, indexed by
// part lit in the trie of the kind (putGlob).
func newGlobCheck(g compiler.Glob, kind trieKind, lit string) *globCheck {
	parts := g.Parts
	last := len(parts) - 1
	c := &globCheck{keyLen: len(lit)}
	switch kind {
	case trieFwd:
		c.part, c.tail, c.after = partHead, parts[last], parts[1:last]
	case trieRev:
		c.part, c.head, c.before = partTail, parts[0], parts[1:last]
	default:
		k := 1
		for k < last-1 && parts[k] != lit {
			k++
		}
		c.part, c.head, c.tail = partMiddle, parts[0], parts[last]
		c.before, c.after = parts[1:k], parts[k+1:last]
	}
	c.wordEnds = len(c.before) == 0 && len(c.after) == 0 && len(c.head) <= 8 && len(c.tail) <= 8
	for i := 0; i < len(c.head) && i < 8; i++ {
		c.headW |= uint64(c.head[i]) << (8 * i)
		c.headMask |= 0xff << (8 * i)
	}
	for i := 0; i < len(c.tail) && i < 8; i++ {
		c.tailW |= uint64(c.tail[len(c.tail)-1-i]) << (56 - 8*i)
		c.tailMask |= 0xff << (56 - 8*i)
	}
	return c
}

// ends tells whether s may match: the first and last word of a value of
// eight bytes or more hold the glob's ends there.
func (c *globCheck) ends(s []byte) bool {
	return len(s) < 8 || load64(s, 0)&c.headMask == c.headW && load64(s, len(s)-8)&c.tailMask == c.tailW
}

// at tells whether s matches the glob with the key at offset at (s holds
// the key there: the trie compared it).
func (c *globCheck) at(s []byte, at int) bool {
	return c.ends(s) && c.around(s, at)
}

// around is at where ends(s) holds already (fireAll compares the ends of
// every glob of a trie position first): the rest of the ends, the key's
// room between them, and the middle parts.
func (c *globCheck) around(s []byte, at int) bool {
	lo, hi := len(c.head), len(s)-len(c.tail)
	if at < lo || at+c.keyLen > hi {
		return false
	}
	if len(s) >= 8 {
		if len(c.head) > 8 && string(s[8:lo]) != c.head[8:] ||
			len(c.tail) > 8 && string(s[hi:len(s)-8]) != c.tail[:len(c.tail)-8] {
			return false
		}
	} else if string(s[:lo]) != c.head || string(s[hi:]) != c.tail {
		return false
	}
	return inOrder(c.before, s[lo:at]) && inOrder(c.after, s[at+c.keyLen:hi])
}

// keyAt is where the key of c lies in a value of n bytes: at its start
// for a head key, at its end for a tail key, and at infixOff, where the
// infix walk found it, for a middle part.
func (c *globCheck) keyAt(n, infixOff int) int {
	switch c.part {
	case partHead:
		return 0
	case partTail:
		return n - c.keyLen
	}
	return infixOff
}

// room is around for a wordEnds check of a value of n >= 8 bytes whose
// ends hold: whether the key at offset at lies between head and tail.
func (c *globCheck) room(n, at int) bool {
	return at >= len(c.head) && at+c.keyLen <= n-len(c.tail)
}

// tailMemo is where the one middle part of the globs indexed by their
// tail ends first in the value walkRev is walking ("*State*n",
// "*State*tion", "*State*Notification" all look for "State" before their
// tails): part "" is none (walkRev clears it for each value).
type tailMemo struct {
	part    string
	lo, end int // end -1: part is not in the value from lo on
}

// aroundTail is around for a glob indexed by its tail (at is where the
// tail starts), with one middle part found once per value and head
// length: the part occurs in s[lo:at] exactly where its leftmost
// occurrence from lo on ends at or before at.
func (c *globCheck) aroundTail(s []byte, at int, memo *tailMemo) bool {
	if len(c.before) != 1 || c.before[0] == "" || c.tail != "" {
		return c.around(s, at)
	}
	lo := len(c.head)
	if at < lo {
		return false
	}
	if len(s) >= 8 {
		if len(c.head) > 8 && string(s[8:lo]) != c.head[8:] {
			return false
		}
	} else if string(s[:lo]) != c.head {
		return false
	}
	if p := c.before[0]; memo.lo != lo || memo.part != p {
		memo.part, memo.lo, memo.end = p, lo, -1
		if i := bytes.Index(s[lo:], stringBytes(p)); i >= 0 {
			memo.end = lo + i + len(p)
		}
	}
	return memo.end >= 0 && memo.end <= at
}

// inOrder tells whether the parts occur in s in order, apart, each at its
// leftmost place after the one before.
func inOrder(parts []string, s []byte) bool {
	// None or one, the usual globs, without the loop (this inlines).
	switch len(parts) {
	case 0:
		return true
	case 1:
		return bytes.Index(s, stringBytes(parts[0])) >= 0
	}
	return inOrderLoop(parts, s)
}

// inOrderLoop is inOrder for two parts or more.
func inOrderLoop(parts []string, s []byte) bool {
	for _, p := range parts {
		i := bytes.Index(s, stringBytes(p))
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return true
}
