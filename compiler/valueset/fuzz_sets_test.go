package valueset

import (
	"encoding/json"
	"math"
	"strconv"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// conditionJSON writes one condition of kind k with string s and number n.
func conditionJSON(k uint8, s string, n float64) string {
	q, _ := json.Marshal(s)
	num := strconv.FormatFloat(n, 'g', -1, 64)
	switch k % 16 {
	case 0:
		return string(q)
	case 1:
		return `{"prefix":` + string(q) + `}`
	case 2:
		return `{"suffix":` + string(q) + `}`
	case 3:
		return `{"equals-ignore-case":` + string(q) + `}`
	case 4:
		return `{"wildcard":` + string(q) + `}`
	case 5:
		return `{"anything-but":` + string(q) + `}`
	case 6:
		return `{"anything-but":{"prefix":` + string(q) + `}}`
	case 7:
		return `{"numeric":[">",` + num + `]}`
	case 8:
		return `{"numeric":["<=",` + num + `]}`
	case 9:
		return num
	case 10:
		return `{"exists":true}`
	case 11:
		return `{"exists":false}`
	case 12:
		return `{"anything-but":[` + num + `]}`
	case 13:
		return `{"cidr":"10.0.0.0/` + strconv.Itoa(8+int(math.Abs(n))%24) + `"}`
	case 14:
		return `{"anything-but":{"equals-ignore-case":` + string(q) + `}}`
	}
	return []string{"true", "false", "null"}[int(math.Abs(n))%3]
}

// FuzzConditionSets checks the sets of two conditions of any kind, their
// intersection, union, difference and complement, against
// compiler.Explain on events holding each value of a small vocabulary (or
// none) at the path.
func FuzzConditionSets(f *testing.F) {
	f.Add(uint8(7), "", 1.5, uint8(12), "x", 2.0)
	f.Add(uint8(5), "ab", 0.0, uint8(1), "a", 0.0)
	f.Add(uint8(13), "", 8.0, uint8(6), "10.", 0.0)
	f.Add(uint8(11), "", 0.0, uint8(10), "", 0.0)
	f.Add(uint8(14), "K", 0.0, uint8(3), "k", 0.0)
	f.Fuzz(func(t *testing.T, ka uint8, a string, na float64, kb uint8, b string, nb float64) {
		if len(a) > 6 || len(b) > 6 || !validText(a) || !validText(b) || math.IsNaN(na) || math.IsInf(na, 0) || math.IsNaN(nb) || math.IsInf(nb, 0) {
			return
		}
		pa, err1 := compiler.Compile([]byte(`{"k":[`+conditionJSON(ka, a, na)+`]}`), compiler.EventBridge, nil)
		pb, err2 := compiler.Compile([]byte(`{"k":[`+conditionJSON(kb, b, nb)+`]}`), compiler.EventBridge, nil)
		if err1 != nil || err2 != nil {
			return
		}
		x, y := OfField(&pa.Clauses[0].Fields[0]), OfField(&pb.Clauses[0].Fields[0])
		sets := map[string]Set{"and": x.Intersect(y), "or": x.Union(y), "minus": x.Minus(y), "not": x.Complement()}
		var values []Value
		for _, s := range shortStrings(2, a, b) {
			if validText(s) && len(s) <= 6 {
				values = append(values, Value{JSON: quote(s)})
			}
		}
		for _, n := range []string{"0", "-0", "1", "1.0", "1.5", "3e2", "-5.5", "1e-7", "12345678901234567890",
			strconv.FormatFloat(na, 'g', -1, 64), strconv.FormatFloat(nb, 'g', -1, 64),
			strconv.FormatFloat(math.Nextafter(na, math.Inf(1)), 'g', -1, 64), strconv.FormatFloat(math.Nextafter(nb, math.Inf(-1)), 'g', -1, 64)} {
			values = append(values, Value{JSON: n})
		}
		values = append(values, Value{JSON: "true"}, Value{JSON: "false"}, Value{JSON: "null"}, Value{JSON: `"10.0.0.1"`}, Value{JSON: `"010.000.1.2"`}, Value{Absent: true})
		anyBoth := false
		for _, v := range values {
			ev := `{"id":"1","account":"1","source":"s","time":"t","region":"r","detail-type":"d"`
			if !v.Absent {
				ev += `,"k":` + v.JSON
			}
			ev += "}"
			ea, err1 := compiler.Explain(pa, []byte(ev))
			eb, err2 := compiler.Explain(pb, []byte(ev))
			if err1 != nil || err2 != nil {
				t.Fatalf("explain %s: %v %v", ev, err1, err2)
			}
			ia, ib := ea.Matched, eb.Matched
			anyBoth = anyBoth || ia && ib
			want := map[string]bool{"and": ia && ib, "or": ia || ib, "minus": ia && !ib, "not": !ia}
			for name, s := range sets {
				got, known := s.Contains(v)
				if known && got != want[name] {
					t.Fatalf("%s of %s and %s on %s: got %v, want %v", name, conditionJSON(ka, a, na), conditionJSON(kb, b, nb), v, got, want[name])
				}
			}
		}
		and := sets["and"]
		empty, known := and.IsEmpty()
		if anyBoth && empty && known {
			t.Fatalf("%s and %s said disjoint", conditionJSON(ka, a, na), conditionJSON(kb, b, nb))
		}
		if !empty && known {
			w, ok := and.Witness("")
			if !ok {
				t.Fatalf("no witness of a non-empty set")
			}
			ev := `{"id":"1","account":"1","source":"s","time":"t","region":"r","detail-type":"d"` + map[bool]string{true: "", false: `,"k":` + w.JSON}[w.Absent] + "}"
			ea, _ := compiler.Explain(pa, []byte(ev))
			eb, _ := compiler.Explain(pb, []byte(ev))
			if !ea.Matched || !eb.Matched {
				t.Fatalf("witness %s of %s and %s is not matched by both", w, conditionJSON(ka, a, na), conditionJSON(kb, b, nb))
			}
		}
	})
}
