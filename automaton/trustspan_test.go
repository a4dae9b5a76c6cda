package automaton

import (
	"fmt"
	"math/rand"
	"strings"
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

// TestStringTrustedSpans: strings at pattern paths — a table of exact
// values with written forms, prefixes, suffixes — as MatchTrusted reads
// them from their spans, agree with Match wherever they lie in an event:
// padded so that each starts at every offset of a block, ends in the
// input's last block, or runs over several.
func TestStringTrustedSpans(t *testing.T) {
	m := New(Config{})
	add := func(id ID, src string) { t.Helper(); addPattern(t, m, id, src) }
	add("zu", `{"city":["Zürich"]}`)
	add("q", `{"city":["say \"hi\"\\"]}`)
	add("long", `{"city":["`+strings.Repeat("Malmö ", 14)+`"]}`)
	add("note", `{"note":[{"prefix":"Deliver to Zürich"}]}`)
	add("note2", `{"note":[{"prefix":"Deliver to Αθήνα,\n"}]}`)
	add("url", `{"url":[{"suffix":"lang=pt"}]}`)
	add("url2", `{"url":[{"suffix":"/ü?lang=de"}]}`)
	mt := m.NewMatcher()
	vals := []string{
		`"Zürich"`, `"Z\u00fcrich"`, `"Z\u00FCrich"`, `"say \"hi\"\\"`, `"say \u0022hi\"\\"`,
		`"` + strings.Repeat("Malmö ", 14) + `"`, `"` + strings.Repeat(`Malm\u00f6 `, 14) + `"`,
		`"Deliver to Z\u00fcrich,\nring twice \/ \"back door\" \t#445"`,
		`"Deliver to Αθήνα,\nring twice / \"back door\""`,
		`"Deliver to \u0391\u03b8\u03ae\u03bd\u03b1,\n"`,
		`"https:\/\/shop.example.com\/orders\/947?lang=pt"`, `"https://x/\u00fc?lang=de"`,
		`"https://x/ü?lang=de"`, `"a\\\\"`, `"\\\""`, `""`,
	}
	matched := map[ID]bool{}
	for _, v := range vals {
		for pad := 0; pad < 80; pad++ {
			for _, f := range []string{"city", "note", "url"} {
				for _, ev := range []string{
					fmt.Sprintf(`{"pad":"%s","%s":%s}`, strings.Repeat("x", pad), f, v),
					fmt.Sprintf(`{"pad":"%s","%s":%s,"z":"%s"}`, strings.Repeat("x", pad), f, v, strings.Repeat("y", pad)),
				} {
					for _, id := range trustedAsMatch(t, mt, f, []byte(ev)) {
						matched[id] = true
					}
				}
			}
		}
	}
	if len(matched) != 7 {
		t.Errorf("matched %v: want every pattern somewhere", matched)
	}
}
