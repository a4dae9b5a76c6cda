package bench

import (
	"fmt"
	"math/rand"
	"strings"

	"github.com/patternc/patternc/corpus"
)

// Family is a rule family: a pattern generator over one corpus.
type Family struct {
	Name     string
	Corpus   string // "citylots" or "aws"
	Patterns int    // fixed count (0: Config.Patterns)
	Make     func(r *rand.Rand, i int) string
}

func street(r *rand.Rand) string { return corpus.Streets[r.Intn(len(corpus.Streets))] }

// Families lists every family, in report order.
var Families = []Family{
	{Name: "exact", Corpus: "citylots", Make: func(r *rand.Rand, i int) string {
		return fmt.Sprintf(`{"properties":{"STREET":[%q]}}`, street(r))
	}},
	{Name: "prefix", Corpus: "citylots", Make: func(r *rand.Rand, i int) string {
		return fmt.Sprintf(`{"properties":{"STREET":[{"prefix":%q}]}}`, street(r)[:3])
	}},
	{Name: "suffix", Corpus: "citylots", Make: func(r *rand.Rand, i int) string {
		s := street(r)
		return fmt.Sprintf(`{"properties":{"STREET":[{"suffix":%q}]}}`, s[len(s)-3:])
	}},
	{Name: "equals-ignore-case", Corpus: "citylots", Make: func(r *rand.Rand, i int) string {
		return fmt.Sprintf(`{"properties":{"STREET":[{"equals-ignore-case":%q}]}}`, strings.ToLower(street(r)))
	}},
	{Name: "wildcard", Corpus: "citylots", Make: func(r *rand.Rand, i int) string {
		s := street(r)
		return fmt.Sprintf(`{"properties":{"STREET":[{"wildcard":"%s*%s"}]}}`, s[:2], s[len(s)-2:])
	}},
	{Name: "numeric", Corpus: "citylots", Make: func(r *rand.Rand, i int) string {
		lo := -122.52 + r.Float64()*0.16
		return fmt.Sprintf(`{"geometry":{"coordinates":[{"numeric":[">",%.4f,"<=",%.4f]}]}}`, lo, lo+0.001)
	}},
	{Name: "anything-but", Corpus: "citylots", Make: func(r *rand.Rand, i int) string {
		return fmt.Sprintf(`{"properties":{"STREET":[{"anything-but":[%q,%q]}],"ODD_EVEN":["E"]}}`, street(r), street(r))
	}},
	{Name: "cidr", Corpus: "aws", Make: func(r *rand.Rand, i int) string {
		return fmt.Sprintf(`{"detail":{"sourceIPAddress":[{"cidr":"%d.%d.0.0/16"}]}}`, []int{10, 172, 192, 54}[r.Intn(4)], r.Intn(256))
	}},
	{Name: "complex-arrays", Corpus: "aws", Make: func(r *rand.Rand, i int) string {
		return fmt.Sprintf(`{"source":["com.example.orders"],"detail":{"items":{"sku":[%q],"qty":[{"numeric":[">=",%d]}]}}}`,
			[]string{"A-100", "A-200", "B-300", "C-400", "D-500"}[r.Intn(5)], 1+r.Intn(5))
	}},
	{Name: "$or", Corpus: "citylots", Make: func(r *rand.Rand, i int) string {
		return fmt.Sprintf(`{"$or":[{"properties":{"STREET":[%q]}},{"properties":{"BLOCK_NUM":["%04d"],"ODD_EVEN":["O"]}}]}`, street(r), 1+r.Intn(7000))
	}},
	{Name: "exact-1", Corpus: "citylots", Patterns: 1, Make: exactUnique},
	{Name: "exact-1000", Corpus: "citylots", Patterns: 1000, Make: exactUnique},
	{Name: "exact-100000", Corpus: "citylots", Patterns: 100000, Make: exactUnique},
	// What users really match (realistic.go).
	{Name: "exact-geometry-first", Corpus: "geofirst", Make: func(r *rand.Rand, i int) string {
		return fmt.Sprintf(`{"properties":{"STREET":[%q]}}`, street(r))
	}},
	{Name: "multi-field", Corpus: "aws", Make: multiField},
	{Name: "escapes-unicode", Corpus: "intl", Make: escapesUnicode},
	{Name: "wildcard-stars", Corpus: "aws", Make: wildcardStars},
	{Name: "affix-ignore-case", Corpus: "aws", Make: affixIgnoreCase},
	{Name: "cloudtrail-large", Corpus: "cloudtrail", Make: cloudTrailRule},
	{Name: "mixed-10000", Corpus: "mixed", Patterns: 10000, Make: mixedRule},
}

// exactUnique makes distinct exact patterns; pattern 0 is a real street so
// that every size has matches.
func exactUnique(r *rand.Rand, i int) string {
	if i < len(corpus.Streets) {
		return fmt.Sprintf(`{"properties":{"STREET":[%q]}}`, corpus.Streets[i])
	}
	return fmt.Sprintf(`{"properties":{"STREET":["%s %d"]}}`, street(r), i)
}
