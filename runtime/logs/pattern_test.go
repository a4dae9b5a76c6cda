package logs

import (
	"strings"
	"testing"
)

func TestPatternMatch(t *testing.T) {
	billing := `{"detail-type":"OrderPlaced","source":"shop","detail":{"orderId":"ORD-1","amount":120.5,"items":[{"sku":"A"}],"paid":true,"note":null,"dept":"billing"}}`
	cases := []struct {
		pattern string
		msg     string
		want    bool
	}{
		{"", "anything", true},
		{"ERROR", "[ERROR] disk full", true},
		{"ERROR", "[error] disk full", false},
		{"ERROR disk", "[ERROR] disk full", true},
		{"ERROR memory", "[ERROR] disk full", false},
		{`"disk full"`, "[ERROR] disk full", true},
		{`"full disk"`, "[ERROR] disk full", false},
		{"ERROR -disk", "[ERROR] disk full", false},
		{"ERROR -memory", "[ERROR] disk full", true},
		{`-"disk full"`, "[ERROR] disk full", false},
		{"?ERROR ?WARN", "WARN low", true},
		{"?ERROR ?WARN", "INFO fine", false},
		{`"say \"hi\""`, `they say "hi" twice`, true},
		{`{ $.detail.dept = "billing" }`, billing, true},
		{`{ $.detail.dept = "shipping" }`, billing, false},
		{`{ $.detail.dept = bill* }`, billing, true},
		{`{ $.detail.dept = "*ill*" }`, billing, true},
		{`{ $.detail.dept != "shipping" }`, billing, true},
		{`{ $.detail.amount > 100 }`, billing, true},
		{`{ $.detail.amount >= 120.5 }`, billing, true},
		{`{ $.detail.amount < 120.5 }`, billing, false},
		{`{ $.detail.amount = 120.50 }`, billing, true},
		{`{ $.detail.amount = 1.205e2 }`, billing, true},
		{`{ $.detail.amount != 3 }`, billing, true},
		{`{ $.detail.items[0].sku = "A" }`, billing, true},
		{`{ $.detail.items[1].sku = "A" }`, billing, false},
		{`{ $.detail.paid IS TRUE }`, billing, true},
		{`{ $.detail.paid IS FALSE }`, billing, false},
		{`{ $.detail.note IS NULL }`, billing, true},
		{`{ $.detail.missing NOT EXISTS }`, billing, true},
		{`{ $.detail.dept NOT EXISTS }`, billing, false},
		{`{ $.detail.missing = "x" }`, billing, false},
		{`{ $.detail.missing != "x" }`, billing, false},
		{`{ $.detail.dept = "billing" && $.detail.amount > 1000 }`, billing, false},
		{`{ $.detail.dept = "billing" || $.detail.amount > 1000 }`, billing, true},
		{`{ ($.detail.dept = "x" || $.detail.dept = "billing") && $.source = "shop" }`, billing, true},
		{`{ $.source = shop }`, billing, true},
		{`{ $.detail.amount > 100 }`, `not json`, false},
		{`{ $.detail.amount > 100 }`, `{"detail":{"amount":"200"}}`, false},
		{`{ $.n = 12345678901234567890123 }`, `{"n":12345678901234567890123}`, true},
		{`{ $.n > 12345678901234567890122 }`, `{"n":12345678901234567890123}`, true},
		{`{ $.a[0] = 1 }`, `{"a":[1,2]}`, true},
	}
	for _, c := range cases {
		p, err := ParsePattern(c.pattern)
		if err != nil {
			t.Errorf("%s: %v", c.pattern, err)
			continue
		}
		if got := p.Match(c.msg); got != c.want {
			t.Errorf("%s on %.60s = %v, want %v", c.pattern, c.msg, got, c.want)
		}
	}
}

func TestPatternErrors(t *testing.T) {
	cases := []struct{ pattern, msg string }{
		{`{ $.a = 1 `, "expected }"},
		{`{ a = 1 }`, "selector starting with $"},
		{`{ $.a }`, "comparison operator"},
		{`{ $.a > "x" }`, "needs a number"},
		{`{ $.a = }`, "expected a value"},
		{`{ $.a IS MAYBE }`, "NULL, TRUE or FALSE"},
		{`{ $.a NOT THERE }`, "EXISTS"},
		{`{ $.a = 1 } tail`, "after the closing }"},
		{`"open`, "unterminated"},
		{`a"b`, "quoted phrase"},
		{`-`, "followed by a term"},
		{`[ip, user]`, "space-delimited"},
		{`{ ` + strings.Repeat("(", 70) + `$.a = 1` + strings.Repeat(")", 70) + ` }`, "nest deeper"},
		{strings.Repeat("a", 1025), "at most 1024"},
		{"\xff", "UTF-8"},
		{`{ $.a[x] = 1 }`, "array index"},
	}
	for _, c := range cases {
		_, err := ParsePattern(c.pattern)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%.40s: err = %v, want one containing %q", c.pattern, err, c.msg)
		}
	}
}

func FuzzPattern(f *testing.F) {
	for _, s := range []string{"", "ERROR", `"a b" -c ?d`, `{ $.a.b[0] = "x*" && ($.n > 1.5e3 || $.m IS NULL) }`, `{ $.a NOT EXISTS }`, `{ $.x != 1 }`} {
		f.Add(s, `{"a":{"b":["xy"]},"n":2000,"m":null}`)
	}
	f.Fuzz(func(t *testing.T, pattern, msg string) {
		p, err := ParsePattern(pattern)
		if err != nil {
			if _, ok := err.(*PatternError); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		p.Match(msg)
		// A pattern that parsed parses again to one that agrees.
		q, err := ParsePattern(p.String())
		if err != nil || q.Match(msg) != p.Match(msg) {
			t.Fatalf("reparse of %q: %v", pattern, err)
		}
	})
}
