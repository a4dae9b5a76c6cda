package automaton

import (
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestStrOnlyPaths: a path of suffixes alone and one of prefixes with
// written forms alone (strOnly), reached free and inside an array of
// objects, by raw and escaped strings, answer on MatchTrusted as on Match.
func TestStrOnlyPaths(t *testing.T) {
	m := compileAll(t, compiler.EventBridge,
		`{"u":[{"suffix":"lang=pt"}]}`, `{"u":[{"suffix":"lang=de"}]}`,
		`{"n":[{"prefix":"Deliver to Zürich"}]}`, `{"n":[{"prefix":"Deliver to 東京"}]}`,
		`{"l":{"u":[{"suffix":"lang=pt"}],"n":[{"prefix":"Deliver to Zürich"}]}}`).NewMatcher()
	events := []string{
		`{"u":"https://x.example/o?lang=pt","n":"Deliver to Zürich,\nring"}`,
		`{"u":"https:\/\/x.example\/o?lang=pt","n":"Deliver to Z\u00fcrich,\nring"}`,
		`{"u":"https:\/\/x.example\/o?lang=p\u0074","n":"Deliver to \u6771\u4eac\n"}`,
		`{"u":"lang=de","n":"Deliver to Z\u00fc"}`,
		`{"u":"\u006cang=de\/","n":"Deliver\u0020to Z\u00fcrich"}`,
		`{"l":[{"u":"https:\/\/x\/?lang=pt","n":"Deliver to Z\u00fcrich\n"},{"u":"a?lang=pt"}]}`,
		`{"u":["x?lang=pt","y?lang=de"],"n":["Deliver to 東京\t","Deliver to Zurich\n"]}`,
	}
	hits := 0
	for _, ev := range events {
		checkTrustedAnswer(t, m, []byte(ev))
		got, _ := m.MatchTrusted(nil, []byte(ev))
		hits += len(got)
	}
	if hits == 0 {
		t.Fatal("no event matched")
	}
}
