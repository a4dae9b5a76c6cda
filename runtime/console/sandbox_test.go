package console

import (
	"strings"
	"testing"
)

func TestTry(t *testing.T) {
	event := `{"id":"1","detail-type":"Order","source":"shop","account":"000000000000","time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail":{"total":12}}`
	cases := []struct {
		name        string
		trial       Trial
		valid       bool
		matched     string // "yes", "no" or "" (not matched)
		line, col   int
		code        string
		inputErrHas string
	}{
		{name: "match", trial: Trial{Pattern: `{"source":["shop"],"detail":{"total":[{"numeric":[">",10]}]}}`, Input: event}, valid: true, matched: "yes"},
		{name: "no match", trial: Trial{Pattern: `{"source":["bank"]}`, Input: event}, valid: true, matched: "no"},
		{name: "syntax error at the comma", trial: Trial{Pattern: "{\n  \"source\": [\"shop\",]\n}"}, line: 2, col: 20},
		{name: "bare string value", trial: Trial{Pattern: "{\"source\": \"shop\"}"}, line: 1, col: 11},
		{name: "non-ASCII before the error counts UTF-16 units", trial: Trial{Pattern: "{\"détail😀\": {\"x\": 1}}"}, line: 1},
		{name: "bad event", trial: Trial{Pattern: `{"source":["shop"]}`, Input: `{"source":`}, valid: true, inputErrHas: "not valid"},
		{name: "sns attributes", trial: Trial{Dialect: "sns-attributes", Pattern: `{"store":["a"]}`, Input: `{"Message":"hi","MessageAttributes":{"store":{"DataType":"String","StringValue":"a"}}}`}, valid: true, matched: "yes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := Try(c.trial)
			if err != nil {
				t.Fatal(err)
			}
			if out.Valid != c.valid {
				t.Fatalf("valid = %v, want %v (diagnostics %+v)", out.Valid, c.valid, out.Diagnostics)
			}
			if !c.valid {
				if len(out.Diagnostics) == 0 {
					t.Fatal("no diagnostics for an invalid pattern")
				}
				d := out.Diagnostics[0]
				if d.Line != c.line || (c.col != 0 && d.Column != c.col) {
					t.Errorf("diagnostic at %d:%d, want %d:%d (%+v)", d.Line, d.Column, c.line, c.col, d)
				}
			}
			switch c.matched {
			case "yes", "no":
				if out.Matched == nil || *out.Matched != (c.matched == "yes") {
					t.Fatalf("matched = %v, want %s (input error %q)", out.Matched, c.matched, out.InputError)
				}
				if len(out.Explain) == 0 {
					t.Error("no explain lines")
				}
			}
			if c.valid && out.Example == "" {
				t.Error("no example for a valid pattern")
			}
			if c.inputErrHas != "" && !strings.Contains(out.InputError, c.inputErrHas) {
				t.Errorf("input error %q, want it to contain %q", out.InputError, c.inputErrHas)
			}
		})
	}
}

func TestTryExampleMatches(t *testing.T) {
	out, err := Try(Trial{Pattern: `{"detail-type":["Order"],"detail":{"total":[{"numeric":[">",10]}]}}`})
	if err != nil || out.Example == "" {
		t.Fatalf("no example: %v %+v", err, out)
	}
	again, err := Try(Trial{Pattern: `{"detail-type":["Order"],"detail":{"total":[{"numeric":[">",10]}]}}`, Input: out.Example})
	if err != nil || again.Matched == nil || !*again.Matched {
		t.Fatalf("the example does not match: %+v", again)
	}
}

func TestTryRejectsUnknownDialect(t *testing.T) {
	if _, err := Try(Trial{Dialect: "xml", Pattern: "{}"}); err == nil {
		t.Fatal("an unknown dialect was accepted")
	}
}

func FuzzTry(f *testing.F) {
	f.Add("eventbridge", `{"source":["a"]}`, `{"source":"a"}`)
	f.Add("sns-body", "{\"a\":[{\"prefix\":\"\xff\"}]}", `{"Message":"{}"}`)
	f.Add("sns-attributes", "{\n\"a\"", "")
	f.Fuzz(func(t *testing.T, dialect, pattern, input string) {
		out, err := Try(Trial{Dialect: dialect, Pattern: pattern, Input: input})
		if err != nil {
			return
		}
		for _, d := range out.Diagnostics {
			if d.Column < 0 || d.Line < 0 {
				t.Fatalf("negative position %+v", d)
			}
		}
	})
}
