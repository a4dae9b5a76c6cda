package automaton

import (
	"slices"
	"unicode/utf8"
	"unsafe"
)

// Exact values looked up as they are written. A string with escapes must
// be decoded before it is compared, and most escaped strings at a path of
// exact values are written by one of a few encoders, in one of a few
// forms: non-ASCII text as \u escapes with lower-case digits (Python's
// json.dumps, PHP's json_encode, which also writes '/' as \/), quotes,
// backslashes and control characters escaped (every encoder). So a path's
// exact-value table (strTab) keeps, beside its keys, a table of those
// written forms of each key that has escapes in them, and tabEscaped
// looks the raw text of an escaped string up there first: a string whose
// bytes are one of those forms decodes to the key, so it needs no
// decoding; it is also well formed, every form being a valid JSON
// string body (valid UTF-8, every escape complete), so the validating
// path need not read it again either. A string written otherwise (upper-
// case digits, another mix of escapes) is not found there and is decoded
// as before: a miss costs the search for the string's end and one lookup.

// escFormsMax bounds the written forms a table keeps for its keys (up to
// three per key; a path's table holds at most strExactMax keys).
const escFormsMax = 64

// escForms appends to forms the written forms of key that differ from it
// (they all have escapes): text escaped as every encoder escapes it
// (quotes, backslashes and control characters), that with non-ASCII as
// \u escapes, and that with '/' as \/ too; each once. key must be valid
// UTF-8.
func escForms(forms []string, key string) []string {
	var b []byte
	for _, form := range [...]uint8{escMinimal, escASCII, escASCII | escSlash} {
		b = appendEscForm(b[:0], key, form)
		if s := string(b); s != key && (len(forms) == 0 || !hasString(forms, s)) {
			forms = append(forms, s)
		}
	}
	return forms
}

// needsEscForms tells whether key has a written form other than itself:
// a byte that some form escapes.
func needsEscForms(key string) bool {
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '/' {
			return true
		}
	}
	return false
}

func hasString(ss []string, s string) bool {
	for _, t := range ss {
		if t == s {
			return true
		}
	}
	return false
}

// The ways appendEscForm escapes, beyond quotes, backslashes and control
// characters.
const (
	escMinimal = 0
	escASCII   = 1 << iota // characters over 0x7F as \u escapes (pairs above U+FFFF)
	escSlash               // '/' as \/
)

// appendEscForm appends key written as a JSON string body in the given
// form.
func appendEscForm(b []byte, key string, form uint8) []byte {
	const hex = "0123456789abcdef"
	u := func(b []byte, r rune) []byte {
		return append(b, '\\', 'u', hex[r>>12&15], hex[r>>8&15], hex[r>>4&15], hex[r&15])
	}
	for _, r := range key {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '/' && form&escSlash != 0:
			b = append(b, '\\', '/')
		case r < 0x20:
			switch r {
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = u(b, r)
			}
		case r < utf8.RuneSelf || form&escASCII == 0:
			b = utf8.AppendRune(b, r)
		case r > 0xFFFF:
			r -= 0x10000
			b = u(u(b, 0xD800+r>>10), 0xDC00+r&0x3FF)
		default:
			b = u(b, r)
		}
	}
	return b
}

// withEscForms sets t.esc: a table of the written forms of t's plain keys
// (a written form found there stamps the key's predicates, as the key
// does), or nil where no key has one, they are too many, or they hash
// too alike. (Only plain keys: the marks of the others read the value,
// which must be the decoded one.)
func (t *strTab) withEscForms() {
	t.esc, t.escOver = nil, false
	var ks []strSlot
	var forms []string
	for i := range t.slots {
		s := &t.slots[i]
		if s.hash == 0 || !s.plain {
			continue
		}
		key := s.keyString()
		if !needsEscForms(key) || !utf8.ValidString(key) {
			continue // no form of it is valid JSON text
		}
		forms = escForms(forms[:0], key)
		if len(ks)+len(forms) > escFormsMax {
			t.escOver = true
			return
		}
		for _, f := range forms {
			k := *s
			k.key, k.n = unsafe.StringData(f), uint32(len(f))
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 {
		return
	}
	size := 8
	for size < 2*len(ks)+4 { // room for forms added one by one
		size *= 2
	}
	esc := &strTab{slots: make([]strSlot, size), shift: uint8(64 - log2(size))}
	for _, k := range ks {
		if !esc.place(k) {
			t.escOver = true
			return
		}
	}
	t.esc = esc
}

// escUpdated sets c.esc, c being old updated for pm's touched keys (the
// usual write adds one key, or a mark to one): old's table of forms with
// the forms of those keys set anew, where that can be done form by form;
// else built anew. (Building it anew for every write cost a single Add
// into a hundred patterns of non-ASCII values 40% of its rate.)
func (c *strTab) escUpdated(old *strTab, pm *pathMatcher, touched []strTouch) {
	c.esc, c.escOver = old.esc, old.escOver
	if c.escOver {
		return // keys are only added here: still too many forms
	}
	var ce *strTab
	var forms []string
	for _, tc := range touched {
		if tc.pm != pm || !needsEscForms(tc.key) {
			continue
		}
		s := c.find(stringBytes(tc.key))
		if s == nil || !s.plain || c.esc == nil || !utf8.ValidString(tc.key) {
			c.withEscForms() // a key no longer plain leaves its forms
			return
		}
		if ce == nil {
			e := c.esc
			ce = &strTab{slots: slices.Clone(e.slots), shift: e.shift, probe: e.probe, count: e.count}
		}
		for _, f := range escForms(forms[:0], tc.key) {
			k := *s
			if es := ce.find(stringBytes(f)); es != nil {
				k.key, k.n, k.hash, k.a, k.b = es.key, es.n, es.hash, es.a, es.b
				*es = k
				continue
			}
			k.key, k.n = unsafe.StringData(f), uint32(len(f))
			if 2*(ce.count+1)+4 > len(ce.slots) || ce.count+1 > escFormsMax || !ce.place(k) {
				c.withEscForms()
				return
			}
		}
	}
	if ce != nil {
		c.esc = ce
	}
}

func log2(n int) int {
	k := 0
	for 1<<k < n {
		k++
	}
	return k
}
