package automaton

import (
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestRecordedPathFreeHits: at a path that records its leaves (an exact
// value beside anything-buts and exists, as mixed-10000's region), a
// leaf in no array hits as the free leaf does (Matcher.free), while the
// anything-buts and exists still read the recorded leaves and their
// exclusions. Each rule alone and all together, both paths, against
// compiler.Explain, with the path's leaf in no array, in arrays, absent,
// and beside fields in arrays (the consistency search).
func TestRecordedPathFreeHits(t *testing.T) {
	rules := []string{
		`{"region":["us-east-1"]}`,
		`{"region":[{"anything-but":["us-east-1"]}]}`,
		`{"region":[{"anything-but":["eu-west-1"]}]}`,
		`{"region":["us-east-1",{"anything-but":["us-east-1"]}]}`,
		`{"region":[{"exists":true}],"source":["aws.s3"]}`,
		`{"region":[{"exists":false}]}`,
		`{"region":["us-east-1"],"detail":{"items":{"sku":["A-100"]}}}`,
		`{"region":[{"anything-but":["eu-west-1"]}],"detail":{"items":{"sku":["A-100"],"qty":[2]}}}`,
		`{"region":["us-east-1"],"detail":{"object":{"size":[{"numeric":[">",10]}]}}}`,
		`{"region":[{"prefix":"us-"}],"source":[{"anything-but":{"prefix":"com."}}]}`,
	}
	events := []string{
		`{"region":"us-east-1","source":"aws.s3"}`,
		`{"region":"eu-west-1","source":"aws.s3"}`,
		`{"region":"ap-south-1","source":"com.example"}`,
		`{"source":"aws.s3"}`,
		`{"region":["us-east-1","eu-west-1"],"source":"aws.s3"}`,
		`{"region":["eu-west-1"]}`,
		`{"region":[],"source":"aws.s3"}`,
		`{"region":"us-east-1","detail":{"items":[{"sku":"A-100","qty":1},{"sku":"B-300","qty":2}]}}`,
		`{"region":"eu-west-1","detail":{"items":[{"sku":"A-100","qty":2}]}}`,
		`{"region":"us-west-2","detail":{"items":[{"sku":"A-100","qty":2},{"sku":"A-100","qty":3}]}}`,
		`{"region":"us-east-1","detail":{"object":{"size":11}}}`,
		`{"region":"us-east-1","region":"eu-west-1"}`,
		`{"detail":{"region":"us-east-1"},"region":"us-east-1"}`,
	}
	eachAloneAndAll(t, rules, func(m *Machine, ps map[ID]*compiler.Pattern) {
		mt := m.NewMatcher()
		for _, ev := range events {
			got, err := mt.Match(nil, []byte(ev))
			if err != nil {
				t.Fatalf("Match(%s): %v", ev, err)
			}
			agreeExplain(t, "Match", got, ps, ev)
			if ev == `{"region":"us-east-1","region":"eu-west-1"}` {
				continue // duplicate keys are outside the trusted contract
			}
			got, err = mt.MatchTrusted(nil, []byte(ev))
			if err != nil {
				t.Fatalf("MatchTrusted(%s): %v", ev, err)
			}
			agreeExplain(t, "MatchTrusted", got, ps, ev)
		}
	})
}
