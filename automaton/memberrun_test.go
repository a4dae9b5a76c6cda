package automaton

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// randomRun is a run of nb blocks whose bytes are drawn from a few that
// matter (quotes, backslashes, braces) and letters, each byte a care
// byte, a free one or neither.
func randomRun(r *rand.Rand, nb int) *memberRun {
	t := &memberRun{nb: uint8(nb), n: uint16(32 * nb)}
	const bytes = `"\{}[],:ab` + "\x00\x80\xff"
	for c := 0; c < 32*nb; c++ {
		bit := uint32(1) << (c % 32)
		switch r.Intn(3) {
		case 0:
			t.care[c/32] |= bit
			t.tmpl[c] = bytes[r.Intn(len(bytes))]
		case 1:
			t.free[c/32] |= bit
		}
	}
	return t
}

// TestRunBytes holds the kernel to memberRun.test: inputs that are the
// run's bytes, then with one byte changed, and random ones.
func TestRunBytes(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	const bytes = `"\{}[],:ab` + "\x00\x80\xff"
	for k := 0; k < 20000; k++ {
		nb := 1 + r.Intn(memberRunMax/32)
		run := randomRun(r, nb)
		in := make([]byte, 32*nb+r.Intn(3))
		for c := range in {
			in[c] = bytes[r.Intn(len(bytes))]
			if c < 32*nb && (run.care[c/32]>>(c%32)&1 != 0 || r.Intn(2) == 0 && run.free[c/32]>>(c%32)&1 != 0) {
				in[c] = run.tmpl[c]
				if run.free[c/32]>>(c%32)&1 != 0 {
					in[c] = 'a'
				}
			}
		}
		if k%3 == 0 {
			c := r.Intn(32 * nb)
			in[c] = bytes[r.Intn(len(bytes))]
		}
		want := run.test(in[:32*nb])
		forEachRunKernel(func(kernel string) {
			if got := runBytes(&in[0], run, nb); runsOn && got != want {
				t.Fatalf("run %+v on %q: %s %v, test %v", run, in, kernel, got, want)
			}
		})
	}
}

// FuzzRunBytes: the kernel agrees with memberRun.test on any bytes.
func FuzzRunBytes(f *testing.F) {
	f.Add(int64(1), []byte(`:"0","id":"12345678","detail-type":"x",`))
	f.Fuzz(func(t *testing.T, seed int64, in []byte) {
		if len(in) < 32 {
			return
		}
		nb := min(len(in)/32, memberRunMax/32)
		run := randomRun(rand.New(rand.NewSource(seed)), nb)
		for c := 0; c < 32*nb; c += 2 {
			run.tmpl[c] = in[c] // the input's own bytes, where they care
		}
		want := run.test(in[:32*nb])
		forEachRunKernel(func(kernel string) {
			if got := runBytes(&in[0], run, nb); runsOn && got != want {
				t.Fatalf("%s %v, test %v", kernel, got, want)
			}
		})
	})
}

// TestMemberRuns: a Matcher learns the runs of an envelope's members
// nobody matches (and its source) and passes them, and answers as Match
// when the bytes differ in any way that matters: a value of another
// length, a quote or a backslash in one, another name, another value
// that ends its object (d.source is then the top level's source),
// another source, spaces.
func TestMemberRuns(t *testing.T) {
	m := compileAll(t, compiler.EventBridge,
		`{"source":["aws.ec2"]}`,
		`{"d":{"source":["aws.ec2"]}}`,
		`{"d":{"x":[{"exists":true}]}}`,
		`{"detail":{"state":["running"]}}`,
		`{"version":["1"]}`,
	)
	mt := m.NewMatcher()
	base := `{"d":{"version":"0","id":"12345678","x":[],"source":"aws.ec2"},"version":"0","id":"abcdefgh","account":"123456789012","time":"2024-05-14T10:00:00Z","region":"eu-west-1","resources":[],"source":"aws.ec2","detail":{"state":"running"}}`
	variants := []string{
		base,
		strings.Replace(base, `"12345678"`, `"1234567"`, 1),
		strings.Replace(base, `"12345678"`, `"1234\"78"`, 1),
		strings.Replace(base, `"12345678"`, `"123\\\"78"`, 1),
		strings.Replace(base, `"12345678"`, `"1234\\n8"`, 1),
		strings.Replace(base, `"12345678"`, `"\u00e9\u00e9"`, 1),
		strings.Replace(base, `"x":[],"source"`, `"x":1},"source"`, 1) + `}`,
		strings.Replace(base, `"x":[],"source"`, `"x":{},"source"`, 1),
		strings.Replace(base, `"x":[],"source"`, `"y":[],"source"`, 1),
		strings.Replace(base, `"abcdefgh"`, `"abcdefgX"`, 1),
		strings.Replace(base, `"time":"2024-05-14T10:00:00Z"`, `"time":"2024-05-14T10:00\"00Z"`, 1),
		strings.Replace(base, `"region":"eu-west-1"`, `"region":"eu-west-12"`, 1),
		strings.Replace(base, `"region":"eu-west-1"`, `"regioN":"eu-west-1"`, 1),
		strings.Replace(base, `"region":"eu-west-1"`, `"version":"1"`, 1),
		strings.Replace(base, `"account":"123456789012"`, `"account": "12345678901"`, 1),
		strings.Replace(base, `"resources":[]`, `"resources":0 `, 1),
		strings.Replace(base, `"resources":[]`, `"resources":{}`, 1),
		strings.Replace(base, `"resources":[],"source":"aws.ec2"`, `"resources":[],"source":"aws.ec3"`, 1),
		strings.Replace(base, `"resources":[],"source":"aws.ec2"`, `"resources":[],"source":"aws.ecX"`, 1),
		strings.Replace(base, `"resources":[],"source":"aws.ec2"`, `"resources":[],"source":["aws.ec2"]`, 1),
	}
	r := rand.New(rand.NewSource(1))
	toValue, named := false, false
	for k := 0; k < 800; k++ {
		ev := variants[0]
		if k%400 >= 8 {
			ev = variants[r.Intn(len(variants))]
		}
		if k == 400 {
			// Every node with a run, or ending one, given another
			// name: the runs are freed, and learned again.
			for _, run := range mt.memo.runs[:mt.memo.nruns] {
				toValue = toValue || run.toValue
				named = named || run.named > 0
				mt.memo.forgetRuns(run.last)
			}
			noFreedRun(t, mt.memo, "the runs' last names forgotten")
			for n := range mt.memo.nodes {
				mt.memo.forgetRuns(uint8(n))
			}
			for _, run := range mt.memo.runs[:mt.memo.nruns] {
				if run.nb != 0 {
					t.Fatalf("a run left after forgetRuns")
				}
			}
			noFreedRun(t, mt.memo, "every name forgotten")
		}
		if err := mt.CheckTrusted([]byte(ev)); err != nil {
			continue // outside the contract (a name twice)
		}
		trustedAsMatch(t, mt, fmt.Sprint("event ", k), []byte(ev))
	}
	if runsOn && (mt.memo.nruns == 0 || !toValue || !named) {
		t.Errorf("runs learned %d (one ending at a name somebody matches: %v, one holding a string somebody matches: %v)", mt.memo.nruns, toValue, named)
	}
	relearned := 0
	for _, run := range mt.memo.runs[:mt.memo.nruns] {
		relearned += min(int(run.nb), 1)
	}
	if runsOn && relearned == 0 {
		t.Errorf("no run learned again after forgetRuns freed them all")
	}
	noFreedRun(t, mt.memo, "the end")
}

// noFreedRun fails where a name node still names a run that is free (nb
// 0) or that another node has learned: passRun would test the input
// against another place's bytes, or fail it for ever unlearned.
func noFreedRun(t *testing.T, mm *nameMemo, when string) {
	t.Helper()
	for n := memoNames; n < len(mm.nodes); n++ {
		r := mm.nodes[n].run()
		if r == 0 || r == runNone {
			continue
		}
		if run := &mm.runs[(r-1)%memberRuns]; run.nb == 0 || int(run.first) != n {
			t.Fatalf("%s: node %d names run %d (blocks %d, learned at node %d)", when, n, r, run.nb, run.first)
		}
	}
}

// TestMemberRunsAcrossWrites keeps one Matcher over events whose
// envelope is a learned run while patterns are added and deleted between
// them: a write that names a member inside a run (account), or adds or
// drops a value at a path a run stamps for (source), must not leave the
// run passing those members as they were; both paths agree with Match
// after every write.
func TestMemberRunsAcrossWrites(t *testing.T) {
	m := compileAll(t, compiler.EventBridge,
		`{"source":["aws.ec2"],"detail":{"state":["running"]}}`,
		`{"detail":{"state":["stopped"]}}`,
	)
	mt := m.NewMatcher()
	ev := func(account, source string) []byte {
		return []byte(`{"version":"0","id":"abcdefgh","account":"` + account + `","time":"2024-05-14T10:00:00Z","region":"eu-west-1","resources":[],"source":"` + source + `","detail":{"state":"running"}}`)
	}
	check := func(step string) {
		t.Helper()
		for k := 0; k < 40; k++ { // learn, then pass, the runs
			for _, e := range [][]byte{ev("123456789012", "aws.ec2"), ev("210987654321", "aws.ec2"), ev("123456789012", "aws.s3x")} {
				trustedAsMatch(t, mt, step, e)
			}
		}
	}
	check("before")
	addPattern(t, m, "acct", `{"account":["123456789012"]}`)
	check("account named")
	addPattern(t, m, "s3x", `{"source":["aws.s3x"]}`)
	check("source value added")
	addPattern(t, m, "ec2-only", `{"source":["aws.ec2"]}`)
	check("source pattern added")
	m.Delete("acct")
	check("account dropped")
	m.Delete("ec2-only")
	m.Delete("s3x")
	check("source values dropped")
	if runsOn && mt.memo.nruns == 0 {
		t.Errorf("no run learned: the test does not reach the runs")
	}
}
