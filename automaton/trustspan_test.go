package automaton

import (
	"math/rand"
	"testing"
)

// stringSpanBytes is stringSpan's definition, byte by byte: the closing
// quote as skipStringBytes finds it, and the first backslash before it.
func stringSpanBytes(d []byte, i int) (end, esc int) {
	esc = -1
	for i < len(d) {
		switch d[i] {
		case '"':
			return i, esc
		case '\\':
			if esc < 0 {
				esc = i
			}
			i += 2
		default:
			i++
		}
	}
	return len(d), esc
}

// checkStringSpan holds stringSpan, and the masks it is built on, to
// their definitions at every start in d, with each kernel there is.
func checkStringSpan(t *testing.T, d []byte) {
	t.Helper()
	forEachMasks(func() {
		for i := 0; i <= len(d); i++ {
			end, esc := stringSpan(d, i)
			wend, wesc := stringSpanBytes(d, i)
			if end != wend || esc != wesc {
				t.Fatalf("stringSpan(%q, %d) = %d, %d; want %d, %d", d, i, end, esc, wend, wesc)
			}
			if i+64 <= len(d) {
				q, b := quoteMasks(d, i)
				wq, wb := quoteMasksBytes(d, i)
				if q != wq || b != wb {
					t.Fatalf("quoteMasks(%q, %d) = %x, %x; want %x, %x", d, i, q, b, wq, wb)
				}
				if q, b := quoteMasksWords(d, i); q != wq || b != wb {
					t.Fatalf("quoteMasksWords(%q, %d) = %x, %x; want %x, %x", d, i, q, b, wq, wb)
				}
			}
		}
	})
}

func TestStringSpan(t *testing.T) {
	for _, s := range []string{
		``, `"`, `\`, `\"`, `\\"`, `a\\\"b"`, `Jos\u00e9 \"Pepe\" N\u00fa\u00f1ez","city"`,
		`\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\"x"`,
		`\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\"x"`,
		"Deliver to Z\\u00fcrich,\\nring twice \\/ \\\"back door\\\" \\t#445\",\"url\":\"https:\\/\\/shop.example.com\\/orders\\/947?lang=ja\"}",
	} {
		checkStringSpan(t, []byte(s))
	}
	r := rand.New(rand.NewSource(1))
	alphabet := []byte{'"', '\\', '\\', 'a', 'u', 0xC3, 0xA9, 0}
	for n := 0; n < 2000; n++ {
		d := make([]byte, r.Intn(300))
		for k := range d {
			if r.Intn(4) == 0 {
				d[k] = alphabet[r.Intn(len(alphabet))]
			} else {
				d[k] = byte('a' + r.Intn(26))
			}
		}
		checkStringSpan(t, d)
	}
	// Runs of backslashes across every block boundary, of every parity.
	for run := 0; run < 70; run++ {
		for at := 0; at < 130; at += 3 {
			d := make([]byte, 200)
			for k := range d {
				d[k] = 'x'
			}
			for k := at; k < at+run && k < len(d); k++ {
				d[k] = '\\'
			}
			if at+run < len(d) {
				d[at+run] = '"'
			}
			d[len(d)-1] = '"'
			checkStringSpan(t, d)
		}
	}
}

func FuzzStringSpan(f *testing.F) {
	f.Add([]byte(`Jos\u00e9 \"Pepe\" N\u00fa\u00f1ez","city"`), 0)
	f.Add([]byte(`\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\"x"`), 1)
	f.Fuzz(func(t *testing.T, d []byte, i int) {
		if i < 0 || i > len(d) {
			return
		}
		forEachMasks(func() {
			end, esc := stringSpan(d, i)
			if wend, wesc := stringSpanBytes(d, i); end != wend || esc != wesc {
				t.Fatalf("stringSpan(%q, %d) = %d, %d; want %d, %d", d, i, end, esc, wend, wesc)
			}
		})
	})
}
