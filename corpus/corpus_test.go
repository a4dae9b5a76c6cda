package corpus

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func digest(seq func(func([]byte) bool)) (string, int, int) {
	h := sha256.New()
	n, size := 0, 0
	seq(func(b []byte) bool {
		h.Write(b)
		n++
		size += len(b)
		return true
	})
	return fmt.Sprintf("%x", h.Sum(nil))[:16], n, size
}

// TestDeterministic: the same seed gives the same bytes; another seed
// other bytes; every event is a JSON object; citylots averages ~900 bytes.
func TestDeterministic(t *testing.T) {
	a, n, size := digest(CityLots(1, 2000))
	b, _, _ := digest(CityLots(1, 2000))
	c, _, _ := digest(CityLots(2, 2000))
	if a != b || a == c || n != 2000 {
		t.Fatalf("citylots not deterministic: %s %s %s", a, b, c)
	}
	if avg := size / n; avg < 750 || avg > 1050 {
		t.Fatalf("citylots average %d bytes, want about 900", avg)
	}
	x, _, _ := digest(AWSEvents(1, 400))
	y, _, _ := digest(AWSEvents(1, 400))
	if x != y {
		t.Fatal("AWS events not deterministic")
	}
	for _, seq := range []func(func([]byte) bool){CityLots(3, 300), AWSEvents(3, 300), CityLotsGeometryFirst(3, 300), CloudTrail(3, 100), Intl(3, 300)} {
		seq(func(ev []byte) bool {
			var v map[string]any
			if err := json.Unmarshal(ev, &v); err != nil {
				t.Fatalf("%v: %s", err, ev)
			}
			return true
		})
	}
}

// TestNewCorpora: CloudTrail events are 2–10 KB; geometry-first lots are
// the same lots reordered; Intl strings decode to the listed names.
func TestNewCorpora(t *testing.T) {
	CloudTrail(5, 500)(func(ev []byte) bool {
		if len(ev) < 2000 || len(ev) > 10240 {
			t.Fatalf("a CloudTrail event of %d bytes", len(ev))
		}
		return true
	})
	var a, b []map[string]any
	CityLots(4, 50)(func(ev []byte) bool {
		var v map[string]any
		_ = json.Unmarshal(ev, &v)
		a = append(a, v)
		return true
	})
	CityLotsGeometryFirst(4, 50)(func(ev []byte) bool {
		var v map[string]any
		_ = json.Unmarshal(ev, &v)
		b = append(b, v)
		return true
	})
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("geometry-first lots differ from the lots")
	}
	escapes, names := 0, map[string]bool{}
	Intl(6, 200)(func(ev []byte) bool {
		var v struct {
			Detail struct{ Customer struct{ Name string } }
		}
		if err := json.Unmarshal(ev, &v); err != nil {
			t.Fatal(err)
		}
		names[v.Detail.Customer.Name] = true
		if strings.Contains(string(ev), `\u`) {
			escapes++
		}
		return true
	})
	for n := range names {
		if !slices.Contains(IntlNames, n) {
			t.Fatalf("name %q decodes to no listed name", n)
		}
	}
	if escapes == 0 || len(names) < 5 {
		t.Fatalf("%d events with \\u escapes, %d names", escapes, len(names))
	}
}
