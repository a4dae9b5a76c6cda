package automaton

import (
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// BenchmarkTrustedSkip: Match and MatchTrusted on an event whose bulk is
// a member no pattern names — a policy document held as an escaped JSON
// string, as CloudTrail records them, and the same bulk as plain JSON —
// so the trusted path's cost is its skipper's.
func BenchmarkTrustedSkip(b *testing.B) {
	m := compileAll(b, compiler.EventBridge, `{"source":["aws.iam"],"detail":{"eventName":["PutRolePolicy"]}}`)
	stmt := `{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket/*"}`
	doc := `{"Version":"2012-10-17","Statement":[` + strings.Repeat(stmt+",", 40) + stmt + `]}`
	for _, bc := range []struct{ name, bulk string }{
		{"escaped", `"` + strings.ReplaceAll(doc, `"`, `\"`) + `"`},
		{"plain", doc},
	} {
		ev := []byte(`{"source":"aws.iam","detail":{"requestParameters":{"policyDocument":` + bc.bulk + `},"eventName":"PutRolePolicy"}}`)
		mt := m.NewMatcher()
		if got, err := mt.MatchTrusted(nil, ev); err != nil || len(got) != 1 {
			b.Fatalf("%s: MatchTrusted %v %v", bc.name, got, err)
		}
		var dst []ID
		b.Run(bc.name+"/match", func(b *testing.B) {
			b.SetBytes(int64(len(ev)))
			for b.Loop() {
				dst, _ = mt.Match(dst, ev)
			}
		})
		b.Run(bc.name+"/trusted", func(b *testing.B) {
			b.SetBytes(int64(len(ev)))
			for b.Loop() {
				dst, _ = mt.MatchTrusted(dst, ev)
			}
		})
	}
}
