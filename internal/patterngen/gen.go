// Package patterngen generates random patterns, EventBridge events and SNS
// Publish requests over a small shared vocabulary, for differential tests:
// the automaton against compiler.Explain, the reasoning of compiler/reason
// against compiler.Explain. It is test support, kept in one place so that
// every differential test draws from the same distribution.
package patterngen

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
)

// Gen makes random patterns and events over a small shared vocabulary, so
// that they often almost match: the interesting cases. One Gen is owned
// by one goroutine.
type Gen struct {
	R *rand.Rand
	// Envelope adds EventBridge's envelope fields to the keys of patterns
	// (top level) and gives events a real envelope (version "0", string
	// fields from the vocabulary, resources, detail an object), so that
	// patterns which no real event matches come up.
	Envelope bool
}

// New returns a generator with its own source seeded by seed.
func New(seed int64) *Gen { return &Gen{R: rand.New(rand.NewSource(seed))} }

// Pattern returns a random pattern (it may be invalid for a dialect: the
// caller compiles it and skips what does not compile).
func (g *Gen) Pattern() string { return g.pattern(0) }

// Event returns a random EventBridge event with the envelope
// TestEventPattern requires.
func (g *Gen) Event() string { return g.event() }

// Publish returns a random SNS Publish request.
func (g *Gen) Publish() string { return g.publish() }

// The vocabulary: keys, strings and numbers chosen to collide with the
// operators (case, prefixes, addresses, numbers equal in value but not in
// text).
var (
	Keys    = []string{"a", "b", "c", "a.b", "d"}
	Strings = []string{"", "x", "xy", "Xy", "abc", "ABC", "été", "ÉTÉ", "10.0.0.1", "10.0.1.255", "2001:db8::1", "a*b", "logs/app.log", "k", "K", "ß", `say "hi" 😀`}
	Numbers = []string{"0", "-0", "1", "1.0", "3e2", "300", "-5.5", "1e-7", "12345678901234567890", "0.1", "1000000001"}
)

// globs put a wildcard in each of the matcher's indexes: a head, a tail,
// an infix; exact (a*, *b, *b*) and verified (x*y, *gs*.log, *0.0*1).
var globs = []string{`"*"`, `"a*"`, `"*b"`, `"x*y"`, `"*.log"`, `"é*"`, `"a*b*c"`, `"*\\**"`,
	`"*b*"`, `"*x*y*"`, `"*gs*.log"`, `"*0.0*1"`, `"*x*"`, `"*té*"`}

func (g *Gen) pick(list []string) string { return list[g.R.Intn(len(list))] }

func (g *Gen) scalar() string {
	switch g.R.Intn(6) {
	case 0, 1:
		return g.quote(g.pick(Strings))
	case 2, 3:
		return g.pick(Numbers)
	case 4:
		return []string{"true", "false"}[g.R.Intn(2)]
	}
	return "null"
}

func (g *Gen) str() string {
	b, _ := json.Marshal(g.pick(Strings))
	return string(b)
}

// quote writes s as a JSON string, one time in three with escapes JSON
// allows but Go's encoder does not write: every non-ASCII character as
// \u escapes (a surrogate pair above the BMP) and '/' as \/ — as other
// encoders write them (Python's ensure_ascii, PHP's defaults) — or, half
// of those times, also in upper-case hex with some ASCII letters escaped.
// The matcher reads such text by other ways than raw text (it decodes
// it, or looks its written form up), so the values must come all ways.
func (g *Gen) quote(s string) string {
	mode := g.R.Intn(6)
	if mode < 4 {
		b, _ := json.Marshal(s)
		return string(b)
	}
	hex, letters := "%04x", false
	if mode == 5 {
		hex, letters = "%04X", true
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '/':
			b.WriteString(`\/`)
		case r < 0x20 || r >= 0x80 || letters && g.R.Intn(4) == 0:
			if r >= 0x10000 {
				r -= 0x10000
				fmt.Fprintf(&b, `\u`+hex+`\u`+hex, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
				break
			}
			fmt.Fprintf(&b, `\u`+hex, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func (g *Gen) condition() string {
	switch g.R.Intn(14) {
	case 0, 1:
		return g.scalar()
	case 2:
		return `{"prefix":` + g.str() + `}`
	case 3:
		return `{"suffix":` + g.str() + `}`
	case 4:
		return `{"equals-ignore-case":` + g.str() + `}`
	case 5:
		return `{"prefix":{"equals-ignore-case":` + g.str() + `}}`
	case 6:
		return `{"suffix":{"equals-ignore-case":` + g.str() + `}}`
	case 7:
		return `{"wildcard":` + globs[g.R.Intn(len(globs))] + `}`
	case 8:
		switch g.R.Intn(5) {
		case 0:
			return `{"anything-but":` + g.str() + `}`
		case 1:
			return `{"anything-but":[` + g.pick(Numbers) + `,` + g.pick(Numbers) + `]}`
		case 2:
			return `{"anything-but":{"prefix":` + []string{`"a"`, `"x"`, `"1"`}[g.R.Intn(3)] + `}}`
		case 3:
			return `{"anything-but":{"suffix":` + []string{`"y"`, `"c"`, `".log"`}[g.R.Intn(3)] + `}}`
		}
		return `{"anything-but":{"equals-ignore-case":[` + g.str() + `]}}`
	case 9:
		ops := [][2]string{{`">"`, `"<"`}, {`">="`, `"<="`}}
		o := ops[g.R.Intn(2)]
		lo := []string{"-10", "0", "0.5", "1", "299.9"}[g.R.Intn(5)]
		hi := []string{"1", "2", "300", "1e10"}[g.R.Intn(4)]
		if g.R.Intn(3) == 0 {
			return `{"numeric":["=",` + g.pick(Numbers[:10]) + `]}`
		}
		if lo >= hi && lo != "-10" {
			return `{"numeric":[` + o[0] + `,` + lo + `]}`
		}
		return `{"numeric":[` + o[0] + `,` + lo + `,` + o[1] + `,` + hi + `]}`
	case 10:
		return `{"exists":` + []string{"true", "false"}[g.R.Intn(2)] + `}`
	case 11:
		return `{"cidr":` + []string{`"10.0.0.0/24"`, `"10.0.0.0/8"`, `"2001:db8::/32"`, `"10.0.1.128/25"`}[g.R.Intn(4)] + `}`
	case 12:
		return `{"anything-but":{"wildcard":` + []string{`"*y"`, `"a*"`, `"*"`}[g.R.Intn(3)] + `}}`
	}
	return g.str()
}

// Members returns the top-level members of a random pattern ("key":…),
// for tests that build related patterns from the same parts; Join makes
// them a pattern.
func (g *Gen) Members() []string { return g.members(0, true) }

// Join writes members as a pattern object.
func Join(members []string) string { return "{" + strings.Join(members, ",") + "}" }

func (g *Gen) pattern(depth int) string { return Join(g.members(depth, depth == 0)) }

// EnvelopeKeys are the envelope fields Envelope mode adds to the keys.
var EnvelopeKeys = []string{"source", "detail-type", "version", "detail", "resources", "account", "id"}

func (g *Gen) key(top bool) string {
	if g.Envelope && top && g.R.Intn(3) == 0 {
		return g.pick(EnvelopeKeys)
	}
	return g.pick(Keys)
}

// members makes an object's members; top says whether they sit at the
// event's top level (an $or branch sits where its parent does).
func (g *Gen) members(depth int, top bool) []string {
	n := 1 + g.R.Intn(3)
	var members []string
	for i := 0; i < n; i++ {
		k := g.key(top)
		switch {
		case depth < 2 && g.R.Intn(4) == 0:
			members = append(members, fmt.Sprintf("%q:%s", k, g.pattern(depth+1)))
		case depth < 2 && g.R.Intn(8) == 0:
			members = append(members, fmt.Sprintf(`"$or":[%s,%s]`, Join(g.members(depth+1, top)), Join(g.members(depth+1, top))))
		default:
			var conds []string
			for j := 0; j < 1+g.R.Intn(3); j++ {
				conds = append(conds, g.condition())
			}
			members = append(members, fmt.Sprintf("%q:[%s]", k, strings.Join(conds, ",")))
		}
	}
	return members
}

func (g *Gen) value(depth int) string {
	switch r := g.R.Intn(10); {
	case depth < 3 && r < 2:
		return g.object(depth + 1)
	case depth < 3 && r < 4:
		var els []string
		for i := 0; i < g.R.Intn(4); i++ {
			els = append(els, g.value(depth+1))
		}
		return "[" + strings.Join(els, ",") + "]"
	}
	return g.scalar()
}

func (g *Gen) object(depth int) string {
	var members []string
	for i := 0; i < g.R.Intn(4); i++ {
		members = append(members, fmt.Sprintf("%q:%s", g.pick(Keys), g.value(depth)))
	}
	return "{" + strings.Join(members, ",") + "}"
}

// event wraps a random object in the envelope TestEventPattern requires.
func (g *Gen) event() string {
	body := g.object(0)
	env := `"id":"1","account":"1","source":"s","time":"t","region":"r","detail-type":"d"`
	if g.Envelope {
		env = `"version":"0"`
		for _, k := range []string{"id", "account", "source", "time", "region", "detail-type"} {
			env += fmt.Sprintf(",%q:%s", k, g.envString())
		}
		env += `,"resources":[` + []string{"", g.envString()}[g.R.Intn(2)] + `],"detail":` + g.object(0)
	}
	if body == "{}" {
		return "{" + env + "}"
	}
	return "{" + env + "," + body[1:]
}

// envString is a vocabulary string that can stand in an envelope field
// (not shaped like an IP address).
func (g *Gen) envString() string {
	for {
		s := g.pick(Strings)
		if !strings.ContainsAny(s, ".:") || strings.ContainsAny(s, "/gl") {
			b, _ := json.Marshal(s)
			return string(b)
		}
	}
}

func (g *Gen) publish() string {
	var attrs []string
	for i := 0; i < g.R.Intn(4); i++ {
		k := g.pick(Keys)
		switch g.R.Intn(4) {
		case 0:
			v, _ := json.Marshal(g.pick(Strings))
			attrs = append(attrs, fmt.Sprintf(`%q:{"DataType":"String","StringValue":%s}`, k, v))
		case 1:
			attrs = append(attrs, fmt.Sprintf(`%q:{"DataType":"Number","StringValue":%q}`, k, g.pick(Numbers)))
		case 2:
			arr := "[" + g.scalar() + "," + g.scalar() + "]"
			b, _ := json.Marshal(arr)
			attrs = append(attrs, fmt.Sprintf(`%q:{"DataType":"String.Array","StringValue":%s}`, k, b))
		default:
			attrs = append(attrs, fmt.Sprintf(`%q:{"DataType":"Binary","BinaryValue":"AAA="}`, k))
		}
	}
	msg, _ := json.Marshal(g.object(0))
	req := `{"Message":` + string(msg)
	if len(attrs) > 0 {
		req += `,"MessageAttributes":{` + strings.Join(attrs, ",") + `}`
	}
	return req + "}"
}
