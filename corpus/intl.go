package corpus

import (
	"encoding/json"
	"fmt"
	"iter"
	"math/rand"
)

// IntlNames and IntlCities are the customer names and cities of the
// international orders corpus: non-ASCII text, quotes and backslashes
// that JSON must escape.
var (
	IntlNames  = []string{"Zoë Ångström", "José \"Pepe\" Núñez", "Øyvind Ærø", "Мария Иванова", "山田 太郎", "Chloé O'Brien", `C:\Users\François`, "Şükrü Güneş", "Ελένη Παπαδοπούλου", "محمد علي"}
	IntlCities = []string{"São Paulo", "Zürich", "Kraków", "Москва", "東京", "Reykjavík", "İstanbul", "Αθήνα", "Malmö", "Düsseldorf"}
)

// Intl yields n order events whose strings carry escapes and non-ASCII
// text: some written as raw UTF-8, some as \u escapes (as a JSON encoder
// that escapes non-ASCII writes them), with quotes, backslashes, slashes
// and newlines escaped. The slice handed to yield is reused.
func Intl(seed int64, n int) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		r := rand.New(rand.NewSource(seed))
		for i := 0; i < n; i++ {
			name := IntlNames[r.Intn(len(IntlNames))]
			city := IntlCities[r.Intn(len(IntlCities))]
			note := fmt.Sprintf("Deliver to %s,\nring twice / \"back door\" \t#%d", city, r.Intn(1000))
			ev := fmt.Sprintf(`{"version":"0","id":"%08x","detail-type":"Order Placed","source":"com.example.intl","account":"123456789012","time":"2024-05-%02dT10:00:00Z","region":"eu-west-1","resources":[],"detail":{"orderId":"o-%d","customer":{"name":%s,"city":%s,"email":"%s"},"note":%s,"url":%s,"total":%d.%02d}}`,
				r.Uint32(), 1+r.Intn(28), r.Intn(1_000_000), quote(name, r), quote(city, r), fmt.Sprintf("user%d@example.com", r.Intn(100)), quote(note, r),
				quote(fmt.Sprintf("https://shop.example.com/orders/%d?lang=%s", r.Intn(1000), []string{"pt", "de", "ru", "ja"}[r.Intn(4)]), r), r.Intn(500), r.Intn(100))
			if !yield([]byte(ev)) {
				return
			}
		}
	}
}

// quote writes s as a JSON string, half the time with every non-ASCII
// character and '/' escaped (\uXXXX, \/), half the time as raw UTF-8.
func quote(s string, r *rand.Rand) string {
	if r.Intn(2) == 0 {
		b, _ := json.Marshal(s) // raw UTF-8; quotes, backslashes, controls escaped
		return string(b)
	}
	out := []byte{'"'}
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			out = append(out, '\\', byte(c))
		case c == '/':
			out = append(out, `\/`...)
		case c == '\n':
			out = append(out, `\n`...)
		case c == '\t':
			out = append(out, `\t`...)
		case c < 0x80:
			out = append(out, byte(c))
		case c > 0xFFFF:
			c -= 0x10000
			out = fmt.Appendf(out, `\u%04x\u%04x`, 0xD800+(c>>10), 0xDC00+(c&0x3FF))
		default:
			out = fmt.Appendf(out, `\u%04x`, c)
		}
	}
	return string(append(out, '"'))
}
