package corpus

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
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
	for _, seq := range []func(func([]byte) bool){CityLots(3, 300), AWSEvents(3, 300)} {
		seq(func(ev []byte) bool {
			var v map[string]any
			if err := json.Unmarshal(ev, &v); err != nil {
				t.Fatalf("%v: %s", err, ev)
			}
			return true
		})
	}
}
