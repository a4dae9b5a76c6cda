package automaton

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"fmt"
	"github.com/valyala/fastjson"
	"sync"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// addPattern compiles EventBridge pattern src and adds it to m as id.
// addPattern compiles src as an EventBridge pattern and adds it to m as
// id; it returns the compiled pattern, for tests that hold the live set
// (agreeLive).
func addPattern(t testing.TB, m *Machine, id ID, src string) *compiler.Pattern {
	t.Helper()
	p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Add(id, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// liveMachine starts an empty machine for the tests that decide by named
// needs (needIDsFrom from needFrom on) and check their answers with
// checkEvents: the live patterns and an add that compiles and records
// one. Both knobs are restored when the test ends.
func liveMachine(t *testing.T, needFrom int32) (*Machine, map[ID]*compiler.Pattern, func(ID, string)) {
	t.Helper()
	n, f := decideInOnePass, needIDsFrom
	t.Cleanup(func() { decideInOnePass, needIDsFrom = n, f })
	needIDsFrom = needFrom
	m := New(Config{})
	live := map[ID]*compiler.Pattern{}
	return m, live, func(id ID, src string) { live[id] = addPattern(t, m, id, src) }
}

func compileAll(t testing.TB, d compiler.Dialect, srcs ...string) *Machine {
	t.Helper()
	m := New(Config{})
	for i, s := range srcs {
		p, err := compiler.Compile([]byte(s), d, nil)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if err := m.Add(ID(fmt.Sprint(i)), p); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// TestMatchAllocs pins zero allocations per Match in steady state, for
// every operator family.
func TestMatchAllocs(t *testing.T) {
	event := []byte(`{"source":"aws.ec2","detail-type":"EC2 Instance State-change","resources":["arn:1","arn:2"],
		"detail":{"state":"Running","n":42.5,"ip":"10.0.3.7","path":"logs/app.log","tags":[{"k":"env","v":"prod"},{"k":"team","v":"A"}],"esc":"a\"b\u00e9","e\u0073c2":1}}`)
	families := map[string][]string{
		"exact":                    {`{"source":["aws.ec2"]}`, `{"detail":{"esc":["a\"bé"]}}`},
		"prefix":                   {`{"detail-type":[{"prefix":"EC2"}]}`},
		"suffix":                   {`{"detail":{"path":[{"suffix":".log"}]}}`},
		"ignore-case":              {`{"detail":{"state":[{"equals-ignore-case":"running"}]}}`, `{"detail":{"state":[{"prefix":{"equals-ignore-case":"RUN"}}]}}`, `{"detail":{"path":[{"suffix":{"equals-ignore-case":".LOG"}}]}}`},
		"wildcard":                 {`{"detail":{"path":[{"wildcard":"logs/*.log"}]}}`, `{"detail":{"path":[{"wildcard":"*app*g"}]}}`, `{"resources":[{"wildcard":"*rn:*2"}]}`},
		"numeric":                  {`{"detail":{"n":[{"numeric":[">",40,"<=",50]}]}}`},
		"anything":                 {`{"detail":{"state":[{"anything-but":["Stopped","Pending"]}]}}`},
		"anything-but with anchor": {`{"source":["aws.ec2"],"detail":{"state":[{"anything-but":["Stopped"]}]}}`, `{"source":["aws.ec2"],"detail":{"state":[{"anything-but":{"prefix":"Pend"}}]}}`},
		"exists":                   {`{"detail":{"missing":[{"exists":false}],"state":[{"exists":true}]}}`},
		"cidr":                     {`{"detail":{"ip":[{"cidr":"10.0.0.0/16"}]}}`},
		"arrays":                   {`{"detail":{"tags":{"k":["env"],"v":["prod"]}}}`},
		"or":                       {`{"$or":[{"source":["x"]},{"detail":{"n":[42.5]}}]}`},
	}
	for name, srcs := range families {
		t.Run(name, func(t *testing.T) {
			m := compileAll(t, compiler.EventBridge, srcs...)
			mt := m.NewMatcher()
			dst, err := mt.Match(nil, event)
			if err != nil || len(dst) != len(srcs) {
				t.Fatalf("matched %v (%v), want all %d patterns", dst, err, len(srcs))
			}
			allocs := testing.AllocsPerRun(200, func() {
				dst, _ = mt.Match(dst, event)
			})
			if allocs != 0 {
				t.Fatalf("%v allocations per Match, want 0", allocs)
			}
			if dst, err = mt.MatchTrusted(dst, event); err != nil || len(dst) != len(srcs) {
				t.Fatalf("MatchTrusted matched %v (%v), want all %d patterns", dst, err, len(srcs))
			}
			allocs = testing.AllocsPerRun(200, func() {
				dst, _ = mt.MatchTrusted(dst, event)
			})
			if allocs != 0 {
				t.Fatalf("%v allocations per MatchTrusted, want 0", allocs)
			}
			if err := mt.CheckTrusted(event); err != nil {
				t.Fatal(err)
			}
			allocs = testing.AllocsPerRun(200, func() {
				err = mt.CheckTrusted(event)
			})
			if allocs != 0 {
				t.Fatalf("%v allocations per CheckTrusted, want 0", allocs)
			}
		})
	}
}

// TestConcurrentMatchDuringUpdates runs matchers while patterns are added
// and deleted; run it with -race. Each matcher must see, at every moment,
// a consistent snapshot: the fixed pattern always matches.
func TestConcurrentMatchDuringUpdates(t *testing.T) {
	m := compileAll(t, compiler.EventBridge, `{"source":["fixed"]}`)
	event := []byte(`{"source":"fixed","n":3}`)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mt := m.NewMatcher()
			var dst []ID
			for {
				select {
				case <-stop:
					return
				default:
				}
				var err error
				dst, err = mt.Match(dst, event)
				if err != nil {
					t.Error(err)
					return
				}
				found := false
				for _, id := range dst {
					found = found || id == "0"
				}
				if !found {
					t.Error("the fixed pattern stopped matching during updates")
					return
				}
			}
		}()
	}
	p, _ := compiler.Compile([]byte(`{"n":[{"numeric":[">",1]}],"source":[{"prefix":"fi"}]}`), compiler.EventBridge, nil)
	for i := 0; i < 300; i++ {
		id := ID(fmt.Sprint("p", i%20))
		if i%3 == 2 {
			m.Delete(id)
		} else if err := m.Add(id, p); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
}

func TestBadEvents(t *testing.T) {
	m := compileAll(t, compiler.EventBridge, `{"a":{"b":["x"]}}`)
	deep := make([]byte, 0, 4002)
	for i := 0; i < 2000; i++ {
		deep = append(deep, '[')
	}
	tests := map[string][]byte{
		"not JSON":      []byte(`nope`),
		"not an object": []byte(`[1]`),
		"truncated":     []byte(`{"a":{"b":"x"`),
		"bad escape":    []byte(`{"a":{"b":"\q"}}`),
		"bad number":    []byte(`{"z":01}`),
		"invalid UTF-8": []byte("{\"a\":{\"b\":\"\xff\"}}"),
		"deep nesting":  append([]byte(`{"z":`), deep...),
		"trailing data": []byte(`{} {}`),
		"bad literal":   []byte(`{"z":nul}`),
	}
	for name, ev := range tests {
		if _, err := m.Match(ev); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzDifferential(f *testing.F) {
	f.Add(int64(1), uint8(5), uint8(5))
	f.Add(int64(99), uint8(20), uint8(3))
	f.Fuzz(func(t *testing.T, seed int64, patterns, events uint8) {
		// The high bits of patterns choose how candidates are decided:
		// in one pass or two, and with anchor entries that test a mask or
		// name their predicates (a large machine's ways, which random
		// machines never reach by size).
		defer func(n int, f int32) { decideInOnePass, needIDsFrom = n, f }(decideInOnePass, needIDsFrom)
		decideInOnePass = []int{1 << 30, 0}[patterns>>7&1]
		needIDsFrom = []int32{1 << 30, 0}[patterns>>6&1]
		differential(t, seed, 1+int(patterns%30), 1+int(events%20))
	})
}

// FuzzScanner checks the skipping scanner against fastjson, the reference
// reader: on valid UTF-8 input they agree on what is a valid JSON object;
// input that is not UTF-8 (which fastjson lets into strings) the scanner
// rejects, wherever the bad byte lies; and it never panics.
func FuzzScanner(f *testing.F) {
	m := compileAll(f, compiler.EventBridge, `{"a":[{"exists":true}]}`, `{"b":{"c":[{"prefix":""}]}}`)
	f.Add([]byte(`{"a":1,"b":{"c":"x"}}`))
	f.Add([]byte(`{"z":[{"q":"\ud83d\ude00"}],"a":[null], "n": -0.5e+3}`))
	f.Add([]byte(`{"b":{"c":["x",{"d":1}]},"skip":{"deep":[[[{}]]]}}`))
	f.Add([]byte("{\"s\":\"caf\xe9\",\"b\":{\"c\":\"x\"},\"n\xff\":1}"))
	f.Add([]byte(`{"a":"Z\u00fcrich","b":{"c":"\u6771\u4eac\ud83d\ude00"}}`))
	f.Add([]byte(`{"a":"say \"hi\"\/","b":{"c":"\u6771\u4eac\ud83d\ude00\u"}}`))
	f.Add([]byte(`{"b":{"c":"x"},"a":"Z\u00fcrich}`))
	f.Add([]byte("{\"a\":\"Z\xfcrich\",\"b\":{\"c\":\"\xe6\x9d\xb1\xe4\xba\xac\xf0\x9f\x98\x80\"}}"))
	f.Add([]byte("{\"a\":\"Z\xc3\xbcrich\",\"b\":{\"c\":\"\xe6\x9d\xb1\xe4\xba\"}}"))
	// Keys looked up in their escaped forms (escforms.go), and the same
	// paths without: the same answers and errors.
	forms := compileAll(f, compiler.EventBridge, `{"a":["Zürich","say \"hi\"/"]}`, `{"b":{"c":["東京😀","x"]}}`)
	noForms := compileAll(f, compiler.EventBridge, `{"a":["Zurich"]}`, `{"b":{"c":["x"]}}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := m.Match(data)
		_, ferr := forms.Match(data)
		if _, nerr := noForms.Match(data); fmt.Sprint(ferr) != fmt.Sprint(nerr) {
			t.Fatalf("%q: with forms %v, without %v", data, ferr, nerr)
		}
		if ferr == nil && !utf8.Valid(data) {
			t.Fatalf("text that is not UTF-8 accepted at a path of keys: %q", data)
		}
		if !utf8.Valid(data) {
			if err == nil {
				t.Fatalf("scanner accepts text that is not UTF-8: %q", data)
			}
			return
		}
		if bytes.Count(data, []byte("["))+bytes.Count(data, []byte("{")) > 500 {
			return
		}
		// fastjson lets control characters into strings; RFC 8259 and the
		// scanner do not.
		for _, c := range data {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return
			}
		}
		v, ferr := fastjson.ParseBytes(data)
		// fastjson is lax with numbers (it takes ".0"); encoding/json holds
		// to RFC 8259 there.
		fastOK := ferr == nil && v.Type() == fastjson.TypeObject && json.Valid(data)
		var no *NotObjectError
		if errors.As(err, &no) && (ferr != nil || v.Type() == fastjson.TypeObject) {
			t.Fatalf("scanner says %v, fastjson says %v on %q", err, ferr, data)
		}
		var se *SyntaxError
		if fastOK && errors.As(err, &se) && se.Msg == "control character in a string" {
			return // a raw tab or newline inside a string: fastjson lets it in
		}
		if fastOK && errors.As(err, &se) && strings.Contains(se.Msg, "escape") {
			return // fastjson checks escapes only when it decodes a string
		}
		if fastOK && errors.As(err, &se) && se.Msg == errNumberTooLong && hasLongNumber(data) {
			return // the scanner's limit (maxNumberLen); fastjson has none
		}
		if fastOK != (err == nil) {
			t.Fatalf("scanner error %v, fastjson %v, on %q", err, ferr, data)
		}
	})
}

// TestParseNumber checks the significant-digit shortcuts against the
// compiler's definition of a comparable number.
func TestParseNumber(t *testing.T) {
	for _, s := range []string{"0", "-0", "0.0", "1e2", "3.0e2", "-122.422003528252475", "37.808480096967251", "0.1", "0.30000000000000001",
		"12345678901234567890", "9007199254740993", "9007199254740992", "123456789012345.6", "1.2345678901234567", "1e-320", "2.2250738585072014e-308",
		"1e308", "1e309", "-5.5", "100000000000000000000000", "1.5e-7", "0.000000000000000000001"} {
		f, exact, _ := parseNumber([]byte(s), nil)
		lit := compiler.NumberLiteral(s)
		if exact != lit.Exact || (exact && f != lit.Num) {
			t.Errorf("%s: exact=%v f=%v, compiler says exact=%v f=%v", s, exact, f, lit.Exact, lit.Num)
		}
	}
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"1", "-0.5e-3", "123456789012345678", "9007199254740993", "1e400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if end, err := scanNumber([]byte(s+" "), 0); s == "" || err != nil || end != len(s) {
			return
		}
		f, exact, _ := parseNumber([]byte(s), nil)
		lit := compiler.NumberLiteral(s)
		if exact != lit.Exact || (exact && f != lit.Num) {
			t.Fatalf("%s: exact=%v f=%v, compiler says exact=%v f=%v", s, exact, f, lit.Exact, lit.Num)
		}
		// integerBounds must bound the value whenever it answers.
		_, sh, _ := scanNumberShape([]byte(s), 0)
		if lo, hi, ok := integerBounds([]byte(s), sh); ok {
			v, err := strconv.ParseFloat(s, 64)
			if err == nil && (v < lo || v > hi) {
				t.Fatalf("%s: integerBounds [%v, %v] misses %v", s, lo, hi, v)
			}
		}
	})
}

func TestSkipDigits(t *testing.T) {
	for _, s := range []string{"", "1", "12345678", "123456789", "1234567x", "12345678\xff9", "0123456789012345678901234567890/", "99999999:", "\x80\x30", "12\xba34567890"} {
		want := 0
		for want < len(s) && s[want] >= '0' && s[want] <= '9' {
			want++
		}
		if got := skipDigits([]byte(s), 0); got != want {
			t.Errorf("skipDigits(%q) = %d, want %d", s, got, want)
		}
	}
}

// hasLongNumber tells whether valid JSON data writes a number in more
// than maxNumberLen characters.
func hasLongNumber(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		if n, ok := tok.(json.Number); ok && len(n) > maxNumberLen {
			return true
		}
	}
}
