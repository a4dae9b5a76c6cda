package automaton

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"
)

// validStringRef is what validStringBlock answers, by definition, a byte
// at a time: from d[j] to the closing quote, every backslash followed by
// a character JSON allows there (a 'u' by four hex digits), no control
// character; ok is false where the string is not so, or does not end.
// (UTF-8 is the caller's: wide only says a byte over 0x7F is there.)
func validStringRef(d []byte, j int) (end, esc int, wide, ok bool) {
	esc = -1
	for k := j; k < len(d); k++ {
		switch c := d[k]; {
		case c == '"':
			if esc < 0 {
				esc = k
			}
			return k + 1, esc, wide, true
		case c == '\\':
			if esc < 0 {
				esc = k
			}
			if k+1 >= len(d) {
				return 0, 0, false, false
			}
			switch d[k+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				k++
			case 'u':
				if k+5 >= len(d) || !isHex(d[k+2]) || !isHex(d[k+3]) || !isHex(d[k+4]) || !isHex(d[k+5]) {
					return 0, 0, false, false
				}
				k += 5
			default:
				return 0, 0, false, false
			}
		case c < 0x20:
			return 0, 0, false, false
		case c >= 0x80:
			wide = true
		}
	}
	return 0, 0, false, false
}

// checkValidBlock holds validStringBlock at d[j] to validStringRef: an
// answer only for a string the definition finds well formed, and the
// same one; and an answer wherever the string and its escapes lie in the
// kernel's 64 bytes (where there is a kernel).
func checkValidBlock(t *testing.T, d []byte, j int) {
	t.Helper()
	end, esc, wide := validStringBlock(d, j)
	rEnd, rEsc, rWide, ok := validStringRef(d, j)
	if end >= 0 {
		if !ok || end != rEnd || esc != rEsc || wide != rWide {
			t.Fatalf("validStringBlock(%q, %d) = %d, %d, %v; definition %d, %d, %v, %v", d, j, end, esc, wide, rEnd, rEsc, rWide, ok)
		}
		return
	}
	if end != -1 {
		t.Fatalf("validStringBlock(%q, %d) = %d", d, j, end)
	}
	if ok && haveValidBlock() && len(d) >= 64 && rEnd <= j+64 {
		t.Fatalf("validStringBlock(%q, %d) undecided; definition %d, %d, %v", d, j, rEnd, rEsc, rWide)
	}
}

// haveValidBlock tells whether validStringBlock has a kernel here.
func haveValidBlock() bool {
	_, _, _ = validStringBlock(make([]byte, 64), 0)
	end, _, _ := validStringBlock([]byte(`"`+string(make([]byte, 63))), 0)
	return end == 1
}

// validBlockTexts are string bodies as the intl corpus writes them:
// non-ASCII text raw and as \u escapes, quotes, backslashes, slashes,
// newlines and tabs escaped.
var validBlockTexts = []string{
	`Zo\u00eb \u00c5ngstr\u00f6m`, `Jos\u00e9 \"Pepe\" N\u00fa\u00f1ez`, "Мария Иванова", "山田 太郎",
	`C:\\Users\\Fran\u00e7ois`, `Deliver to S\u00e3o Paulo,\nring twice \/ \"back door\" \t#12`,
	`Deliver to Zürich,\nring twice / \"back door\" \t#7`, `https:\/\/shop.example.com\/orders\/1?lang=pt`,
	`\ud83d\ude00 \u0000\b\f\r`, `plain text, a little longer than a word or two`,
}

// TestValidStringBlock tries every start in events of those strings, and
// in each with bytes replaced by those the kernel classifies.
func TestValidStringBlock(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	special := []byte("\"\\/bfnrtuU0123456789aAfFgG\x00\x1f\x7f\x80\xc3\xff ")
	for range 300 {
		d := []byte(`{"pad":"` + strings.Repeat("x", r.Intn(70)) + `"`)
		for range 1 + r.Intn(3) {
			d = append(d, `,"s":"`+validBlockTexts[r.Intn(len(validBlockTexts))]+`"`...)
		}
		d = append(d, '}')
		for j := range d {
			checkValidBlock(t, d, j)
		}
		for range 20 {
			m := append([]byte(nil), d...)
			for range 1 + r.Intn(4) {
				m[r.Intn(len(m))] = special[r.Intn(len(special))]
			}
			for j := range m {
				checkValidBlock(t, m, j)
			}
		}
	}
	// Runs of backslashes of every length and parity, across the block.
	for l := 0; l < 70; l++ {
		for at := 0; at < 70; at++ {
			d := make([]byte, 140)
			for k := range d {
				d[k] = 'a'
			}
			for k := at; k < at+l && k < len(d); k++ {
				d[k] = '\\'
			}
			d[min(at+l, len(d)-1)] = '"'
			if at+l+1 < len(d) {
				d[at+l+1] = '"'
			}
			for j := 0; j <= at; j++ {
				checkValidBlock(t, d, j)
			}
		}
	}
	// Every byte after a backslash, and in each place of a \u's digits.
	for c := 0; c < 256; c++ {
		for _, f := range []string{`\#0000"`, `\u#000"`, `\u0#00"`, `\u00#0"`, `\u000#"`, `x#"`} {
			d := []byte(f)
			d[bytes.IndexByte(d, '#')] = byte(c)
			checkValidBlock(t, append(d, make([]byte, 64)...), 0)
			checkValidBlock(t, append(make([]byte, 64), d...), 64)
		}
	}
	if !haveValidBlock() {
		t.Log("no kernel here: validStringBlock is always undecided")
	}
}

func FuzzValidStringBlock(f *testing.F) {
	for _, s := range validBlockTexts {
		f.Add([]byte(`{"s":"`+s+`"}`+strings.Repeat(" ", 64)), uint8(5))
	}
	f.Add([]byte(`"\u00e3\\\"\u12G4"`+string(make([]byte, 64))), uint8(1))
	f.Fuzz(func(t *testing.T, d []byte, j uint8) {
		for k := int(j); k < len(d); k++ {
			checkValidBlock(t, d, k)
		}
	})
}
